'use client';
import Link from 'next/link';
import { useTraceSummary, type Window } from '@/lib/api';
import { formatDuration, formatInteger, formatTokens } from '@/lib/format';
import type { TimeRange } from '@/lib/time-range';
import { explorerSearch, type SortField, type TraceFilters } from '@/lib/trace-filters';
import { CostText, ErrorBox, Skeleton } from '../ui';

/**
 * The numbers of EVERY trace the explorer's filter selects (not only the page shown): count,
 * failed and recovered, p50/p95 root duration, total cost (unpriced spans said so, never $0) and
 * tokens — one query (traces.summary) over the same filter as the list. Each number opens the
 * traces behind it.
 */
export function TraceSummaryBar({ filters, window: w, range }: { filters: TraceFilters; window: Window; range: TimeRange }) {
  const q = useTraceSummary(filters, w);
  const s = q.data;
  const href = (patch: TraceFilters = {}, sort?: SortField) => `/traces?${explorerSearch({ range, filters: { ...filters, ...patch }, sort })}`;
  if (q.isError) return <ErrorBox error={q.error} what="the summary" />;
  const item = (label: string, value: React.ReactNode, link: string | null, testId: string, title?: string) => (
    <div className="item" data-testid={testId} title={title}>
      <span className="label">{label}</span>
      <span className="value">{!s ? <Skeleton width={56} height={16} /> : link ? <Link href={link}>{value}</Link> : value}</span>
    </div>
  );
  const recovered = s ? s.withErrors - s.failed : 0;
  return (
    <section className="panel" data-testid="trace-summary" aria-label="Summary of the traces matching these filters" aria-busy={q.isFetching}>
      <div className="summary-strip">
        {item('Traces', s ? formatInteger(s.traces) : '', null, 'summary-traces', 'Every trace matching the filters, all pages')}
        {item(
          'Failed',
          s ? (
            <span className={s.failed > 0 ? 'error-text' : undefined}>
              {formatInteger(s.failed)}
              {s.traces > 0 && <span className="faint"> ({((s.failed / s.traces) * 100).toFixed(1)}%)</span>}
            </span>
          ) : '',
          s && s.failed > 0 ? href({ status: 'error' }) : null,
          'summary-failed',
          'Traces whose root span failed',
        )}
        {item(
          'Recovered',
          s ? <span className={recovered > 0 ? 'warn-text' : undefined}>{formatInteger(recovered)}</span> : '',
          null,
          'summary-recovered',
          'Traces with error spans whose root still succeeded (retried, fallback, handled)',
        )}
        {item('p50 duration', s ? formatDuration(s.p50DurationMs) : '', s ? href({}, 'durationMs') : null, 'summary-p50', 'Median root duration (exact)')}
        {item(
          'p95 duration',
          s ? formatDuration(s.p95DurationMs) : '',
          s?.p95DurationMs ? href({ minDurationMs: Math.floor(s.p95DurationMs) }, 'durationMs') : null,
          'summary-p95',
          '95th percentile root duration (exact); opens the traces at or above it',
        )}
        {item('Cost', s ? <CostText cost={s.cost} /> : '', s ? href({}, 'costUsd') : null, 'summary-cost', 'USD of priced spans; unpriced spans have an unknown cost, not $0')}
        {item(
          'Tokens',
          s ? (
            <>
              {formatTokens(s.totalTokens)}
              <span className="faint" style={{ fontWeight: 400, fontSize: 11 }}>
                {' '}
                {formatTokens(s.inputTokens)} in · {formatTokens(s.outputTokens)} out
              </span>
            </>
          ) : '',
          s ? href({}, 'totalTokens') : null,
          'summary-tokens',
        )}
        {q.isFetching && s && <span className="faint" style={{ alignSelf: 'center' }}>updating…</span>}
      </div>
    </section>
  );
}
