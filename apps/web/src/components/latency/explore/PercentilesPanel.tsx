'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { TimeSeriesChart, type SeriesDef } from '@/components/charts/TimeSeriesChart';
import { useTimeRange } from '@/components/TimeRangeContext';
import { ErrorBox, Panel, Skeleton, SkeletonRows } from '@/components/ui';
import { durationAxis, formatCount, formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { dimensionLabel, DIMENSIONS, emptyLabel, PALETTE, PCTS, tracesHref, type Dimension, type Filters, type Pct } from './state';

/**
 * Percentiles over time: with a dimension, one line per group (top 8 by requests) at the chosen
 * percentile; without, p50/p90/p95/p99 of all requests. The table gives each group's window
 * percentiles (sketches merged over the whole window, never an average of the points).
 */
export function PercentilesPanel({ by, filters, pct, onPct, onFilter }: {
  by: Dimension | null;
  filters: Filters;
  pct: Pct;
  onPct: (p: Pct) => void;
  onFilter: (d: Dimension, value: string) => void;
}) {
  const trpc = useTRPC();
  const { range, fromMs, toMs } = useTimeRange();
  const q = useQuery({
    ...trpc.latency.percentiles.queryOptions({ from: fromMs, to: toMs, ...(by ? { dimension: by } : {}), filter: filters }),
    placeholderData: keepPreviousData,
  });
  const data = q.data;
  const series = data?.series ?? [];
  const label = (key: string) => (by ? (key === '' ? emptyLabel(by) : key) : 'all');
  const defs: SeriesDef<string>[] = by
    ? series.map((s, i) => ({ key: `s${i}`, label: label(s.key), color: PALETTE[i % PALETTE.length]! }))
    : PCTS.map((p, i) => ({ key: p, label: p, color: PALETTE[i]! }));
  const rows = new Map<number, Record<string, number | null> & { t: number }>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      const row = rows.get(p.t) ?? { t: p.t };
      if (by) row[`s${i}`] = p[pct];
      else for (const k of PCTS) row[k] = p[k];
      rows.set(p.t, row);
    }
  });
  const chartData = [...rows.values()].sort((a, b) => a.t - b.t);
  const max = Math.max(0, ...chartData.flatMap((r) => defs.map((d) => r[d.key] ?? 0)));
  const axis = durationAxis(max);
  const approx = data?.approximate ? '≈' : '';
  const subject = by ? DIMENSIONS.find((d) => d.key === by)!.subject : 'requests';
  return (
    <Panel
      title={by ? `${pct} latency by ${dimensionLabel(by).toLowerCase()}` : 'Request latency percentiles'}
      unit={`${subject}, ${axis.unit}${data?.approximate ? ' · ≈ merged hourly sketches (≤ 2 %)' : ''}`}
      testId="latency-percentiles"
      actions={by ? (
        <div className="tabs" role="tablist" aria-label="Percentile">
          {PCTS.map((p) => <button key={p} role="tab" aria-selected={p === pct} onClick={() => onPct(p)}>{p}</button>)}
        </div>
      ) : undefined}
    >
      {q.isError ? <ErrorBox error={q.error} what="latency percentiles" /> : q.isPending ? <Skeleton height={220} /> : chartData.length === 0 ? (
        <div className="empty-cell">No {subject} in this window</div>
      ) : (
        <TimeSeriesChart data={chartData} series={defs} format={axis.tick} formatTooltip={(v) => formatDuration(v)} unit={axis.unit} fromMs={data!.fromMs} toMs={data!.toMs} height={230} />
      )}
      <div className="table-wrap" style={{ marginTop: 8 }}>
        <table className="table" data-testid="latency-series-table">
          <thead>
            <tr>
              <th>{by ? dimensionLabel(by) : 'Scope'}</th>
              <th className="num">{subject[0]!.toUpperCase() + subject.slice(1)}</th>
              {PCTS.map((p) => <th key={p} className="num">{p}</th>)}
              <th />
            </tr>
          </thead>
          <tbody>
            {q.isPending ? <SkeletonRows rows={3} cols={7} /> : series.map((s, i) => {
              const f = by ? { ...filters, [by]: [s.key] } : filters;
              return (
                <tr key={s.key} data-testid="latency-series-row" data-key={s.key}>
                  <td>
                    <span className="dot" style={{ background: by ? PALETTE[i % PALETTE.length] : 'var(--chart-1)', display: 'inline-block', width: 8, height: 8, marginRight: 6 }} />
                    {by ? <button className="link-button" onClick={() => onFilter(by, s.key)} title={`Filter the page to ${label(s.key)}`}>{label(s.key)}</button> : 'all'}
                  </td>
                  <td className="num"><Link href={tracesHref(f, range)}>{formatCount(s.window.requests)}</Link></td>
                  {PCTS.map((p) => (
                    <td key={p} className="num" title={approx ? 'merged from hourly sketches (≤ 2 % relative error)' : 'exact'}>
                      {s.window[p] === null ? '—' : <Link href={tracesHref(f, range, { minDurationMs: s.window[p] })}>{approx}{formatDuration(s.window[p])}</Link>}
                    </td>
                  ))}
                  <td className="faint">{p95Bar(s.window.p95, series)}</td>
                </tr>
              );
            })}
            {data?.leftOut && (
              <tr className="faint">
                <td>other ({formatCount(data.leftOut.groups)} {dimensionLabel(by ?? '').toLowerCase()} values)</td>
                <td className="num">{formatCount(Number(data.leftOut.totals.requests ?? 0))}</td>
                <td colSpan={5} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

function p95Bar(v: number | null, all: { window: { p95: number | null } }[]) {
  const max = Math.max(0, ...all.map((s) => s.window.p95 ?? 0));
  if (v === null || max <= 0) return null;
  return <span className="bar" aria-hidden="true" style={{ display: 'inline-block', height: 6, width: `${Math.max(2, (v / max) * 80)}px`, background: 'var(--chart-1)', opacity: 0.5, borderRadius: 2 }} />;
}
