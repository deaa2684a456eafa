'use client';
import { useRouter } from 'next/navigation';
import { formatUsd } from '@/lib/format';
import type { TimeRange } from '@/lib/time-range';
import { explorerHref } from '@/lib/trace-filters';
import { TimeSeriesChart, type SeriesDef } from '../charts/TimeSeriesChart';
import { ErrorBox, Panel, Skeleton } from '../ui';
import { DIM_LABEL, type CostDim } from './dims';
import { bucketFor, useCostSeries, useCostTable } from './useCostData';

const COLORS = ['#6366f1', '#22c55e', '#f59e0b', '#ef4444', '#06b6d4', '#a855f7'];
const TOP = 5;

/** Spend per bucket, stacked: the top groups of `by` and the rest. */
export function CostSeries({ by, fromMs, toMs, range }: { by: CostDim; fromMs: number; toMs: number; range: TimeRange }) {
  const router = useRouter();
  const top = useCostTable(fromMs, toMs, [by]);
  const values = (top.data?.rows ?? []).map((r) => String(r[by] ?? '')).filter((v) => v !== '').slice(0, TOP);
  const { total, byGroup } = useCostSeries(fromMs, toMs, by, values);
  const { ms, interval } = bucketFor(fromMs, toMs);
  const points = new Map<number, Record<string, number> & { t: number }>();
  for (const r of total.data?.rows ?? []) {
    const t = Date.parse(String(r.time));
    points.set(t, { t, rest: Number(r.cost_usd ?? 0) });
  }
  for (const r of byGroup.data?.rows ?? []) {
    const p = points.get(Date.parse(String(r.time)));
    if (!p) continue;
    const k = `g${values.indexOf(String(r[by]))}`;
    const v = Number(r.cost_usd ?? 0);
    p[k] = v;
    p.rest = (p.rest ?? 0) - v;
  }
  const data = [...points.values()].sort((a, b) => a.t - b.t).map((p) => ({ ...p, rest: Math.max(0, Math.round((p.rest ?? 0) * 1e9) / 1e9) }));
  const series: SeriesDef<string>[] = [
    ...values.map((v, i) => ({ key: `g${i}`, label: v, color: COLORS[i]!, kind: 'bar' as const, stack: 'c' })),
    { key: 'rest', label: values.length > 0 ? 'all other' : 'spend', color: '#94a3b8', kind: 'bar', stack: 'c' },
  ];
  return (
    <Panel title={`Spend over time by ${DIM_LABEL[by].toLowerCase()}`} unit={`USD per ${interval}`} testId="cost-series">
      {total.isError ? (
        <ErrorBox error={total.error} what="spend over time" />
      ) : total.isPending ? (
        <Skeleton height={190} />
      ) : (
        <TimeSeriesChart
          data={data}
          series={series}
          format={formatUsd}
          unit="USD"
          fromMs={fromMs}
          toMs={toMs}
          onSelectTime={(t) => router.push(explorerHref({}, { kind: 'absolute', fromMs: t, toMs: t + ms }))}
        />
      )}
    </Panel>
  );
}
