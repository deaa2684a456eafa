'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTop, type Window } from '@/lib/api';
import type { TopDimension } from '@/lib/api-types';
import { formatCount, formatDuration, formatPercent, formatTokens } from '@/lib/format';
import type { TimeRange } from '@/lib/time-range';
import { explorerHref, type TraceFilters } from '@/lib/trace-filters';
import { CostBarCell, ErrorBox, Panel, SkeletonRows } from '../ui';

const TITLES: Record<TopDimension, string> = { model: 'Top models', tenant: 'Top tenants', agent: 'Top agents', requestType: 'Top request types' };
// The semantic layer counts model calls for models and agent runs for agents (not traces).
const COUNT_LABEL: Record<TopDimension, string> = { model: 'Calls', tenant: 'Requests', agent: 'Runs', requestType: 'Requests' };
const NOT_SET: Record<TopDimension, string> = { model: '(no model)', tenant: '(no tenant)', agent: '(no agent)', requestType: '(untyped)' };

/** Top values of one dimension by cost; each row opens the explorer filtered to that value. */
export function TopTable({ dimension, window, range }: { dimension: TopDimension; window: Window; range: TimeRange }) {
  const q = useTop(dimension, window);
  const router = useRouter();
  const rows = q.data ?? [];
  const maxCost = Math.max(0, ...rows.map((r) => r.costUsd));
  // The column only appears when the server sends latency for these rows.
  const showP95 = rows.some((r) => r.p95LatencyMs !== null);
  const cols = showP95 ? 6 : 5;
  const hrefFor = (key: string, extra: TraceFilters = {}) => explorerHref({ [dimension]: key, ...extra }, range);

  return (
    <Panel title={TITLES[dimension]} unit="by cost, USD" flush testId={`top-${dimension}`}>
      {q.isError ? (
        <ErrorBox error={q.error} what={TITLES[dimension].toLowerCase()} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{dimension === 'requestType' ? 'Request type' : dimension[0]!.toUpperCase() + dimension.slice(1)}</th>
                <th className="num">{COUNT_LABEL[dimension]}</th>
                <th className="num">Errors</th>
                {showP95 && <th className="num">p95</th>}
                <th className="num">Tokens</th>
                <th className="num" style={{ width: '28%' }}>
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {q.isPending ? (
                <SkeletonRows rows={5} cols={cols} />
              ) : rows.length === 0 ? (
                <tr>
                  <td colSpan={cols} className="empty-cell">
                    No data in this window
                  </td>
                </tr>
              ) : (
                rows.map((r) => {
                  const href = hrefFor(r.key);
                  return (
                    <tr key={r.key} className="is-clickable" onClick={() => router.push(href)}>
                      <td title={r.key}>
                        <Link className="cell-link" href={href} onClick={(e) => e.stopPropagation()}>
                          {r.key || <span className="faint">{NOT_SET[dimension]}</span>}
                        </Link>
                      </td>
                      <td className="num">{formatCount(r.requests)}</td>
                      <td className="num">
                        {r.errors > 0 ? (
                          <Link className="error-text" href={hrefFor(r.key, { status: 'error' })} onClick={(e) => e.stopPropagation()} title={`${r.errors} errors`}>
                            {formatPercent(r.requests > 0 ? r.errors / r.requests : 0)}
                          </Link>
                        ) : (
                          <span className="faint">0%</span>
                        )}
                      </td>
                      {showP95 && <td className="num">{formatDuration(r.p95LatencyMs)}</td>}
                      <td className="num">{formatTokens(r.totalTokens)}</td>
                      <CostBarCell costUsd={r.costUsd} maxCostUsd={maxCost} />
                    </tr>
                  );
                })
              )}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
