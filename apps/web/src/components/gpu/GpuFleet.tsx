'use client';
import type { UseQueryResult } from '@tanstack/react-query';
import { formatPercent } from '@/lib/format';
import { TimeSeriesChart, type SeriesDef } from '../charts/TimeSeriesChart';
import { ErrorBox, Panel, SkeletonRows } from '../ui';
import { formatCelsius, formatGiB, formatHours, formatWatts, gpuLabel, IDLE_THRESHOLD } from './format';

type Row = Record<string, string | number | null | undefined>;
type Result = UseQueryResult<{ rows: Row[] }, unknown>;
const COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'];
const GIB = 1024 ** 3;

/** Pivot rows of (time, gpu) into one row per time with a column per GPU. */
function pivot(rows: Row[], measure: string, scale = 1, label: (r: Row) => string = gpuLabel): { data: ({ t: number } & Record<string, number | null>)[]; keys: string[] } {
  const byT = new Map<number, { t: number } & Record<string, number | null>>();
  const keys = new Set<string>();
  for (const r of rows) {
    const t = Date.parse(String(r.time));
    const k = label(r);
    keys.add(k);
    const row = byT.get(t) ?? { t };
    const v = r[measure];
    row[k] = v == null ? null : Number(v) * scale;
    byT.set(t, row);
  }
  return { data: [...byT.values()].sort((a, b) => a.t - b.t), keys: [...keys].sort() };
}

function GpuChart({ q, measure, title, unit, format, scale, fromMs, toMs, testId, label }: {
  q: Result; measure: string; title: string; unit: string; format: (v: number) => string; scale?: number; fromMs: number; toMs: number; testId: string;
  label?: (r: Row) => string;
}) {
  const { data, keys } = pivot(q.data?.rows ?? [], measure, scale, label);
  const series: SeriesDef<string>[] = keys.map((k, i) => ({ key: k, label: k, color: COLORS[i % COLORS.length]! }));
  return (
    <Panel title={title} unit={unit} testId={testId}>
      {q.isError ? <ErrorBox error={q.error} what={title} /> : q.isPending ? <SkeletonRows rows={4} cols={1} /> : (
        <TimeSeriesChart data={data} series={series} format={format} unit={unit} fromMs={fromMs} toMs={toMs} />
      )}
    </Panel>
  );
}

/** Per-GPU lines of utilization, memory, power and temperature. */
export function GpuCharts({ series, hostUtil, fromMs, toMs }: { series: Result; hostUtil: Result; fromMs: number; toMs: number }) {
  const hasTemp = (series.data?.rows ?? []).some((r) => r.gpu_temperature_celsius != null);
  return (
    <div className="grid-2">
      <GpuChart q={series} measure="gpu_utilization" title="Utilization per GPU" unit="% busy" format={(v) => `${Math.round(v)}`} scale={100} fromMs={fromMs} toMs={toMs} testId="gpu-util-chart" />
      <GpuChart q={series} measure="gpu_memory_used_bytes" title="Memory used per GPU" unit="GiB" format={(v) => v.toFixed(0)} scale={1 / GIB} fromMs={fromMs} toMs={toMs} testId="gpu-mem-chart" />
      <GpuChart q={series} measure="gpu_power_watts" title="Power per GPU" unit="W" format={(v) => `${Math.round(v)}`} fromMs={fromMs} toMs={toMs} testId="gpu-power-chart" />
      <GpuChart q={hostUtil} measure="gpu_utilization" title="Utilization per host (mean of its GPUs)" unit="% busy" format={(v) => `${Math.round(v)}`} scale={100} fromMs={fromMs} toMs={toMs} testId="host-util-chart" label={(r) => String(r.host || '?')} />
      {hasTemp && <GpuChart q={series} measure="gpu_temperature_celsius" title="Temperature per GPU" unit="°C" format={(v) => `${Math.round(v)}`} fromMs={fromMs} toMs={toMs} testId="gpu-temp-chart" />}
    </div>
  );
}

/**
 * Hours in the window each GPU spent under the idle threshold: clock hours whose mean
 * utilization was under it, each counted for the part of it inside the window.
 */
export function idleHours(hourly: Row[], fromMs: number, toMs: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of hourly) {
    const k = gpuLabel(r);
    const u = r.gpu_utilization;
    const t = Date.parse(String(r.time));
    const inside = Math.max(0, Math.min(t + 3_600_000, toMs) - Math.max(t, fromMs)) / 3_600_000;
    out.set(k, (out.get(k) ?? 0) + (u != null && Number(u) < IDLE_THRESHOLD ? inside : 0));
  }
  return out;
}

/** The fleet: one row per GPU over the window, idle GPUs first and marked. */
export function GpuTable({ gpus, hourly, fromMs, toMs }: { gpus: Result; hourly: Result; fromMs: number; toMs: number }) {
  const idle = idleHours(hourly.data?.rows ?? [], fromMs, toMs);
  const rows = gpus.data?.rows ?? [];
  return (
    <Panel title="GPUs" unit="means over the window" flush testId="gpu-table">
      {gpus.isError ? <ErrorBox error={gpus.error} what="GPUs" /> : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>GPU</th><th>Model</th><th className="num">Utilization</th><th className="num">Memory used / total</th>
                <th className="num">Power</th><th className="num">Temperature</th><th className="num" title={`Hours whose mean utilization was under ${IDLE_THRESHOLD * 100} %`}>Idle hours</th>
              </tr>
            </thead>
            <tbody>
              {gpus.isPending ? <SkeletonRows rows={3} cols={7} /> : rows.map((r) => {
                const u = r.gpu_utilization == null ? null : Number(r.gpu_utilization);
                const isIdle = u !== null && u < IDLE_THRESHOLD;
                const label = gpuLabel(r);
                return (
                  <tr key={`${String(r.host)}|${String(r.gpu_uuid)}|${String(r.gpu_index)}`} data-testid="gpu-row" data-idle={isIdle ? 'true' : 'false'}>
                    <td title={`UUID ${String(r.gpu_uuid || '—')}`}>{label} {isIdle && <span className="badge is-warn" title={`Mean utilization under ${IDLE_THRESHOLD * 100} % over the window`}>idle</span>}</td>
                    <td>{String(r.gpu_model || '—')}</td>
                    <td className="num">{formatPercent(u)}</td>
                    <td className="num">{formatGiB(r.gpu_memory_used_bytes as number | null)} / {formatGiB(r.gpu_memory_total_bytes as number | null)}</td>
                    <td className="num">{formatWatts(r.gpu_power_watts as number | null)}</td>
                    <td className="num">{formatCelsius(r.gpu_temperature_celsius as number | null)}</td>
                    <td className="num">{formatHours(idle.get(label) ?? 0)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

const BANDS = [0, 0.05, 0.25, 0.5, 0.75, 1.0001];

/** Fleet distribution: how many GPUs sit in each band of mean utilization over the window. */
export function UtilizationDistribution({ gpus }: { gpus: Result }) {
  const utils = (gpus.data?.rows ?? []).map((r) => r.gpu_utilization).filter((u): u is number => typeof u === 'number');
  const counts = BANDS.slice(0, -1).map((lo, i) => ({ lo, hi: BANDS[i + 1]!, n: utils.filter((u) => u >= lo && u < BANDS[i + 1]!).length }));
  const max = Math.max(1, ...counts.map((c) => c.n));
  return (
    <Panel title="Utilization distribution" unit="GPUs by mean utilization" testId="gpu-distribution">
      {gpus.isPending ? <SkeletonRows rows={3} cols={1} /> : (
        <table className="table">
          <tbody>
            {counts.map((c, i) => (
              <tr key={c.lo}>
                <td style={{ width: 110 }}>{Math.round(c.lo * 100)}–{Math.min(100, Math.round(c.hi * 100))} %{i === 0 ? ' (idle)' : ''}</td>
                <td><div style={{ height: 10, width: `${(c.n / max) * 100}%`, minWidth: c.n ? 4 : 0, background: i === 0 ? 'var(--warn)' : 'var(--chart-1)', borderRadius: 2 }} /></td>
                <td className="num" style={{ width: 70 }}>{c.n} GPU{c.n === 1 ? '' : 's'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
