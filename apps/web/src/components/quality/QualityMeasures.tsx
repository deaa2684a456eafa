'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ErrorBox, Panel, Skeleton, SkeletonRows } from '@/components/ui';
import { formatCount, formatPercent } from '@/lib/format';
import type { TimeRange } from '@/lib/time-range';
import { explorerHref } from '@/lib/trace-filters';
import { useTRPC } from '@/lib/trpc';
import { TimeSeriesChart, type SeriesDef } from '../charts/TimeSeriesChart';

/**
 * The Quality page's panels read through the semantic layer (the measures alert rules use):
 * finish-reason rates over time per model version, and score averages / counts / pass rates per
 * score name and version (with their distributions from quality.scoreDistribution).
 */
export type MeasureDim = 'response_model' | 'service_version';

const RATES = [
  { key: 'finish_length_rate', label: 'Truncation (length)' },
  { key: 'refusal_rate', label: 'Refusals (content filter, refusal)' },
  { key: 'finish_content_filter_rate', label: 'Content filter' },
  { key: 'finish_tool_calls_rate', label: 'Tool calls' },
  { key: 'finish_stop_rate', label: 'Stop' },
] as const;
type RateKey = (typeof RATES)[number]['key'];
const COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'];
const TOP = 4;

function bucket(fromMs: number, toMs: number): { interval: string; ms: number; label: string } {
  const span = toMs - fromMs;
  if (span <= 6 * 3_600_000) return { interval: '5m', ms: 300_000, label: '5 min' };
  if (span <= 3 * 86_400_000) return { interval: '1h', ms: 3_600_000, label: 'hour' };
  return { interval: '1d', ms: 86_400_000, label: 'day' };
}

const DIM_LABEL: Record<MeasureDim, string> = { response_model: 'served model', service_version: 'service version' };

/** A finish-reason rate per bucket, one line per version (the top 5 by model calls). */
export function FinishRateChart({ dim, fromMs, toMs }: { dim: MeasureDim; fromMs: number; toMs: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [rate, setRate] = useState<RateKey>('finish_length_rate');
  const { interval, ms, label } = bucket(fromMs, toMs);
  const q = useQuery({
    ...trpc.metrics.query.queryOptions({ measures: ['llm_calls', rate], groupBy: [dim], from: fromMs, to: toMs, interval, orderBy: 'llm_calls', limit: TOP }),
    placeholderData: keepPreviousData,
  });
  const rows = q.data?.rows ?? [];
  const versions = [...new Set(rows.map((r) => String(r[dim] ?? '')))];
  const points = new Map<number, { t: number } & Record<string, number | null>>();
  for (const r of rows) {
    const t = Date.parse(String(r.time));
    const p = points.get(t) ?? { t };
    const v = r[rate];
    p[`v${versions.indexOf(String(r[dim] ?? ''))}`] = typeof v === 'number' ? v : null;
    points.set(t, p);
  }
  const data = [...points.values()].sort((a, b) => a.t - b.t);
  const series: SeriesDef<string>[] = versions.map((v, i) => ({ key: `v${i}`, label: v || `(no ${DIM_LABEL[dim]})`, color: COLORS[i % COLORS.length]!, kind: 'line' }));
  return (
    <Panel
      title={`Finish reasons over time by ${DIM_LABEL[dim]}`}
      unit={`share of model calls per ${label}; top ${TOP} by calls`}
      testId="quality-finish-series"
      actions={
        <select className="select" aria-label="Finish-reason rate" value={rate} onChange={(e) => setRate(e.target.value as RateKey)}>
          {RATES.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
        </select>
      }
    >
      {q.isError ? (
        <ErrorBox error={q.error} what="finish-reason rates" />
      ) : q.isPending ? (
        <Skeleton height={190} />
      ) : versions.length === 0 ? (
        <div className="empty">No model calls in this window</div>
      ) : (
        <TimeSeriesChart
          data={data}
          series={series}
          format={(v) => formatPercent(v)}
          unit="% of calls"
          fromMs={fromMs}
          toMs={toMs}
          onSelectTime={(t) => router.push(explorerHref({}, { kind: 'absolute', fromMs: t, toMs: t + ms }))}
        />
      )}
    </Panel>
  );
}

function Histogram({ bins, lo, hi }: { bins: number[]; lo: number | null; hi: number | null }) {
  const max = Math.max(1, ...bins);
  const title = lo === null || hi === null ? '' : `10 equal bins over ${lo.toPrecision(3)}–${hi.toPrecision(3)} (all versions of this score): ${bins.join(' · ')}`;
  return (
    <span className="minihist" title={title} aria-label={title}>
      {bins.map((n, i) => <span key={i} style={{ height: `${Math.max(n > 0 ? 8 : 0, (n / max) * 100)}%` }} />)}
    </span>
  );
}

/** Score measures per score name × version, with each row's distribution. */
export function ScoresTable({ dim, fromMs, toMs, range }: { dim: MeasureDim; fromMs: number; toMs: number; range: TimeRange }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.metrics.query.queryOptions({ measures: ['score_count', 'score_avg', 'score_pass_rate'], groupBy: ['score_name', dim], from: fromMs, to: toMs, orderBy: 'score_count', limit: 200 }),
    placeholderData: keepPreviousData,
  });
  const dist = useQuery({ ...trpc.quality.scoreDistribution.queryOptions({ from: fromMs, to: toMs, version: dim }), placeholderData: keepPreviousData });
  const rows = [...(q.data?.rows ?? [])].sort((a, b) => String(a.score_name).localeCompare(String(b.score_name)) || String(a[dim]).localeCompare(String(b[dim])));
  const distOf = (name: string, version: string) => dist.data?.rows.find((d) => d.name === name && d.version === version);
  const href = (version: string) => explorerHref(dim === 'response_model' && version ? { model: version } : {}, range);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return (
    <Panel title="Scores" unit="by scored request's time; average of numeric and boolean scores, pass rate of labelled ones" flush testId="quality-scores">
      {q.isError ? (
        <ErrorBox error={q.error} what="scores" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Score</th>
                <th>{DIM_LABEL[dim][0]!.toUpperCase() + DIM_LABEL[dim].slice(1)}</th>
                <th className="num">Scores</th>
                <th className="num">Average</th>
                <th className="num">Pass rate</th>
                <th>Distribution</th>
              </tr>
            </thead>
            <tbody>
              {q.isPending ? (
                <SkeletonRows rows={3} cols={6} />
              ) : rows.length === 0 ? (
                <tr>
                  <td colSpan={6} className="empty-cell">No scores in this window: send them with POST /api/v1/scores or as gen_ai.evaluation.result span events</td>
                </tr>
              ) : (
                rows.map((r) => {
                  const name = String(r.score_name);
                  const version = String(r[dim] ?? '');
                  const d = distOf(name, version);
                  const avg = num(r.score_avg);
                  return (
                    <tr key={`${name}\u0000${version}`} data-testid="quality-score-row" data-score={name} data-version={version}>
                      <td>{name}</td>
                      <td title={version}>{version ? <Link href={href(version)}>{version}</Link> : <span className="faint">(none)</span>}</td>
                      <td className="num"><Link href={href(version)}>{formatCount(num(r.score_count))}</Link></td>
                      <td className="num" data-testid="score-avg">{avg === null ? '—' : avg.toFixed(3)}</td>
                      <td className="num">{num(r.score_pass_rate) === null ? <span className="faint">—</span> : formatPercent(num(r.score_pass_rate))}</td>
                      <td>
                        {d && d.lo !== null ? <Histogram bins={d.bins} lo={d.lo} hi={d.hi} /> : null}
                        {d && d.labels.length > 0 && (
                          <span className="faint" style={{ marginLeft: d.lo !== null ? 8 : 0 }}>
                            {d.labels.map((l) => `${l.label} ${formatCount(l.n)}`).join(' · ')}
                          </span>
                        )}
                      </td>
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
