'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { formatCount, formatPercent, formatTokens } from '@/lib/format';
import type { TimeRange } from '@/lib/time-range';
import { explorerHref, type GlobalFilters, type TraceFilters } from '@/lib/trace-filters';
import { overviewInput } from '@/lib/overview-input';
import { useTRPC } from '@/lib/trpc';
import { topLeftOutView, type TopDimension, type TopLeftOut, type TopRow } from '@/lib/view';
import { useTimeRange } from '../TimeRangeContext';
import { CostBarCell, ErrorBox, Panel, SkeletonRows } from '../ui';

const TITLES: Record<TopDimension, string> = { model: 'Top models', tenant: 'Top tenants', agent: 'Top agents', requestType: 'Top request types' };
// The semantic layer counts model calls for models and agent runs for agents (not traces).
const COUNT_LABEL: Record<TopDimension, string> = { model: 'Calls', tenant: 'Requests', agent: 'Runs', requestType: 'Requests' };
/** The empty group: spend and requests without a value (its link filters for the empty value). */
const NOT_SET: Record<TopDimension, string> = { model: '(no model)', tenant: '(no tenant)', agent: '(no agent)', requestType: '(untyped)' };
const NOUN: Record<TopDimension, [string, string]> = {
  model: ['model', 'models'], tenant: ['tenant', 'tenants'], agent: ['agent', 'agents'], requestType: ['request type', 'request types'],
};
const SEMANTIC: Record<TopDimension, string> = { model: 'model', tenant: 'tenant', agent: 'agent', requestType: 'request_type' };
const MEASURES = ['cost_usd', 'requests', 'total_tokens', 'errors', 'unpriced_spans'];
/** Rows per page once expanded ("show all" pages through every group, this many at a time). */
const PAGE = 100;
const COLS = 5;

const noun = (d: TopDimension, n: number) => NOUN[d][n === 1 ? 0 : 1];

/**
 * Every group of the dimension, PAGE at a time (metrics.query, each page from the previous
 * page's nextCursor), once the table is expanded; the same measures and order as the overview's
 * top N. Pages are plain queries (the strict input schema has no room for an infinite query's
 * extra keys); they restart when the window changes.
 */
function useAllGroups(dimension: TopDimension, enabled: boolean, base: GlobalFilters) {
  const trpc = useTRPC();
  const { fromMs, toMs } = useTimeRange();
  const dim = SEMANTIC[dimension];
  // The same global filters as the overview's own rows (semantic dimension names).
  const filter = overviewInput({ fromMs, toMs }, base).filter;
  const windowKey = `${fromMs}-${toMs}-${JSON.stringify(filter ?? {})}`;
  const [pages, setPages] = useState<{ windowKey: string; cursors: (string | undefined)[] }>({ windowKey, cursors: [undefined] });
  const cursors = pages.windowKey === windowKey ? pages.cursors : [undefined];
  const results = useQueries({
    queries: (enabled ? cursors : []).map((cursor) =>
      trpc.metrics.query.queryOptions({ measures: MEASURES, groupBy: [dim], from: fromMs, to: toMs, orderBy: 'cost_usd', limit: PAGE, ...(filter ? { filter } : {}), ...(cursor ? { cursor } : {}) }),
    ),
  });
  // What the last loaded page left out (while the next one loads, the rows so far + that tail).
  const last = results.filter((r) => r.data !== undefined).pop()?.data;
  const rows: TopRow[] = results.flatMap((r) =>
    (r.data?.rows ?? []).map((x) => ({
      key: String(x[dim] ?? ''),
      requests: Number(x.requests ?? 0),
      errors: Number(x.errors ?? 0),
      totalTokens: Number(x.total_tokens ?? 0),
      cost: { usd: Number(x.cost_usd ?? 0), unpriced: Number(x.unpriced_spans ?? 0) },
    })),
  );
  return {
    data: enabled && results.length > 0 && results[0]!.data !== undefined ? { rows, leftOut: topLeftOutView(last?.leftOut) } : undefined,
    error: results.find((r) => r.error)?.error ?? null,
    busy: results.some((r) => r.isFetching),
    fetchNextPage: () => {
      const tail = results[results.length - 1]?.data;
      if (tail?.nextCursor) setPages({ windowKey, cursors: [...cursors, tail.nextCursor] });
    },
    reset: () => setPages({ windowKey, cursors: [undefined] }),
  };
}

/**
 * Top values of one dimension by cost (rows from the overview call); each row opens the explorer
 * filtered to that value ("(no tenant)" filters for the empty value). Never cut silently: what
 * the top N leaves out is a row of its own ("other (31 tenants)", with its totals) and the
 * footer says "top 10 of 41"; "show all" pages through every group in place.
 */
export function TopTable({
  dimension,
  rows: data,
  leftOut: topLeftOut,
  loading,
  error,
  range,
  base = {},
}: {
  dimension: TopDimension;
  rows: TopRow[] | undefined;
  leftOut?: TopLeftOut | null;
  loading: boolean;
  error: unknown;
  range: TimeRange;
  /** The overview's global filters, carried into every link (the row's own value replaces its dimension's). */
  base?: GlobalFilters;
}) {
  const router = useRouter();
  const [expanded, setExpanded] = useState(false);
  const all = useAllGroups(dimension, expanded, base ?? {});
  const full = expanded ? all.data : undefined;
  const showAll = full !== undefined;
  const rows = full ? full.rows : (data ?? []);
  const leftOut = full ? full.leftOut : (topLeftOut ?? null);
  const total = rows.length + (leftOut?.groups ?? 0);
  const maxCost = Math.max(0, ...rows.map((r) => r.cost.usd), leftOut?.totals.cost.usd ?? 0);
  const hrefFor = (key: string, extra: TraceFilters = {}) => explorerHref({ ...base, [dimension]: key, ...extra }, range);
  const more = () => (expanded ? all.fetchNextPage() : setExpanded(true));
  const busy = expanded && (all.busy || all.data === undefined);

  return (
    <Panel title={TITLES[dimension]} unit="by cost, USD" flush testId={`top-${dimension}`}>
      {error || all.error ? (
        <ErrorBox error={error || all.error} what={TITLES[dimension].toLowerCase()} />
      ) : (
        <>
          <div className="table-wrap" style={showAll ? { maxHeight: 440, overflowY: 'auto' } : undefined}>
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
                        <td title={r.key || `${NOT_SET[dimension]}: no ${NOUN[dimension][0]} recorded`}>
                          <Link prefetch={false} className="cell-link" href={href} onClick={(e) => e.stopPropagation()}>
                            {r.key || <span className="faint">{NOT_SET[dimension]}</span>}
                          </Link>
                        </td>
                        <Measures row={r} errorHref={hrefFor(r.key, { status: 'error' })} maxCost={maxCost} />
                      </tr>
                    );
                  })
                )}
                {leftOut && rows.length > 0 && (
                  <tr className="is-clickable tail-row" data-testid={`top-${dimension}-other`} onClick={more} title={`The ${formatCount(leftOut.groups)} ${noun(dimension, leftOut.groups)} after these, summed`}>
                    <td>
                      <button type="button" className="cell-link link-button faint" onClick={(e) => (e.stopPropagation(), more())}>
                        other ({formatCount(leftOut.groups)} {noun(dimension, leftOut.groups)})
                      </button>
                    </td>
                    <Measures row={leftOut.totals} maxCost={maxCost} />
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {rows.length > 0 && (
            <div className="table-foot faint" data-testid={`top-${dimension}-foot`}>
              {leftOut ? (
                <>
                  <span>
                    {showAll ? 'first' : 'top'} {formatCount(rows.length)} of {formatCount(total)} {noun(dimension, total)}
                  </span>
                  <span aria-hidden="true"> — </span>
                  <button type="button" className="link-button" onClick={more} disabled={busy}>
                    {busy ? 'loading…' : showAll ? `show ${formatCount(Math.min(PAGE, leftOut.groups))} more` : 'show all'}
                  </button>
                </>
              ) : (
                <span>
                  {total === 1 ? `the only ${noun(dimension, 1)}` : `all ${formatCount(total)} ${noun(dimension, total)}`}
                </span>
              )}
              {showAll && (
                <>
                  <span aria-hidden="true"> · </span>
                  <button type="button" className="link-button" onClick={() => (setExpanded(false), all.reset())}>
                    show top {formatCount(data?.length ?? 0)}
                  </button>
                </>
              )}
            </div>
          )}
        </>
      )}
    </Panel>
  );
}

/** The four measure cells of a row (a group, or the summed tail). */
function Measures({ row, errorHref, maxCost }: { row: TopRow; errorHref?: string; maxCost: number }) {
  const rate = formatPercent(row.requests > 0 ? row.errors / row.requests : 0);
  return (
    <>
      <td className="num">{formatCount(row.requests)}</td>
      <td className="num">
        {row.errors > 0 ? (
          errorHref ? (
            <Link prefetch={false} className="error-text" href={errorHref} onClick={(e) => e.stopPropagation()} title={`${row.errors} errors`}>
              {rate}
            </Link>
          ) : (
            <span className="error-text" title={`${row.errors} errors`}>
              {rate}
            </span>
          )
        ) : (
          <span className="faint">0%</span>
        )}
      </td>
      <td className="num">{formatTokens(row.totalTokens)}</td>
      <CostBarCell cost={row.cost} maxCostUsd={maxCost} />
    </>
  );
}
