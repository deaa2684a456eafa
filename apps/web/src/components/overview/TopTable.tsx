'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { formatCount, formatPercent, formatTokens } from '@/lib/format';
import type { TimeRange } from '@/lib/time-range';
import { explorerHref, type TraceFilters } from '@/lib/trace-filters';
import type { TopDimension, TopRow } from '@/lib/view';
import { CostBarCell, ErrorBox, Panel, SkeletonRows } from '../ui';

const TITLES: Record<TopDimension, string> = { model: 'Top models', tenant: 'Top tenants', agent: 'Top agents', requestType: 'Top request types' };
// The semantic layer counts model calls for models and agent runs for agents (not traces).
const COUNT_LABEL: Record<TopDimension, string> = { model: 'Calls', tenant: 'Requests', agent: 'Runs', requestType: 'Requests' };
const NOT_SET: Record<TopDimension, string> = { model: '(no model)', tenant: '(no tenant)', agent: '(no agent)', requestType: '(untyped)' };

const COLS = 5;

/** Top values of one dimension by cost (rows from the overview call); each row opens the explorer filtered to that value. */
export function TopTable({
  dimension,
  rows: data,
  loading,
  error,
  range,
}: {
  dimension: TopDimension;
  rows: TopRow[] | undefined;
  loading: boolean;
  error: unknown;
  range: TimeRange;
}) {
  const router = useRouter();
  const rows = data ?? [];
  const maxCost = Math.max(0, ...rows.map((r) => r.cost.usd));
  const hrefFor = (key: string, extra: TraceFilters = {}) => explorerHref({ [dimension]: key, ...extra }, range);

  return (
    <Panel title={TITLES[dimension]} unit="by cost, USD" flush testId={`top-${dimension}`}>
      {error ? (
        <ErrorBox error={error} what={TITLES[dimension].toLowerCase()} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{dimension === 'requestType' ? 'Request type' : dimension[0]!.toUpperCase() + dimension.slice(1)}</th>
                <th className="num">{COUNT_LABEL[dimension]}</th>
                <th className="num">Errors</th>
                <th className="num">Tokens</th>
                <th className="num" style={{ width: '28%' }}>
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {loading && !data ? (
                <SkeletonRows rows={5} cols={COLS} />
              ) : rows.length === 0 ? (
                <tr>
                  <td colSpan={COLS} className="empty-cell">
                    No data in this window
                  </td>
                </tr>
              ) : (
                rows.map((r) => {
                  const href = hrefFor(r.key);
                  return (
                    <tr key={r.key} className="is-clickable" onClick={() => router.push(href)}>
                      <td title={r.key}>
                        <Link prefetch={false} className="cell-link" href={href} onClick={(e) => e.stopPropagation()}>
                          {r.key || <span className="faint">{NOT_SET[dimension]}</span>}
                        </Link>
                      </td>
                      <td className="num">{formatCount(r.requests)}</td>
                      <td className="num">
                        {r.errors > 0 ? (
                          <Link prefetch={false} className="error-text" href={hrefFor(r.key, { status: 'error' })} onClick={(e) => e.stopPropagation()} title={`${r.errors} errors`}>
                            {formatPercent(r.requests > 0 ? r.errors / r.requests : 0)}
                          </Link>
                        ) : (
                          <span className="faint">0%</span>
                        )}
                      </td>
                      <td className="num">{formatTokens(r.totalTokens)}</td>
                      <CostBarCell cost={r.cost} maxCostUsd={maxCost} />
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
