'use client';
import type { UseQueryResult } from '@tanstack/react-query';
import Link from 'next/link';
import { formatDuration, formatPercent } from '@/lib/format';
import { explorerHref } from '@/lib/trace-filters';
import type { TimeRange } from '@/lib/time-range';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { ErrorBox, Panel, SkeletonRows } from '../ui';
import { formatRate } from './format';

type Row = Record<string, string | number | null | undefined>;
const n = (v: unknown) => (v == null ? null : Number(v));

/**
 * Model servers (vLLM, Triton): throughput from counter rates, queue and KV cache beside the
 * server's own TTFT p95 (from its histogram) and its GPUs' utilization — the "GPUs at 40 % while
 * users wait" picture. Each server links to the traces of the model it serves.
 */
export function ModelServers({ servers, hostUtil, range }: { servers: UseQueryResult<{ rows: Row[] }, unknown>; hostUtil: UseQueryResult<{ rows: Row[] }, unknown>; range: TimeRange }) {
  const rows = servers.data?.rows ?? [];
  const util = new Map<string, number[]>();
  for (const r of hostUtil.data?.rows ?? []) {
    if (r.gpu_utilization == null) continue;
    util.set(String(r.host), [...(util.get(String(r.host)) ?? []), Number(r.gpu_utilization)]);
  }
  const meanUtil = (host: string) => {
    const u = util.get(host);
    return u && u.length ? u.reduce((a, b) => a + b, 0) / u.length : null;
  };
  return (
    <Panel title="Model servers" unit="rates per second, latency ms, from the servers' own metrics" flush testId="model-servers">
      {servers.isError ? <ErrorBox error={servers.error} what="model servers" /> : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Host</th><th>Served model</th><th className="num">GPU util.</th><th className="num">Generated</th><th className="num">Prompt</th>
                <th className="num">Finished</th><th className="num">Running</th><th className="num">Queued</th><th className="num">KV cache</th>
                <th className="num">TTFT p95</th><th className="num">Latency p95</th><th />
              </tr>
            </thead>
            <tbody>
              {servers.isPending ? <SkeletonRows rows={2} cols={12} /> : rows.length === 0 ? (
                <tr><td colSpan={12} className="empty-cell">No model-server metrics in this window (vLLM <code>/metrics</code>, Triton <code>nv_*</code>).</td></tr>
              ) : rows.map((r) => (
                <tr key={`${String(r.host)}|${String(r.served_model)}`} data-testid="server-row">
                  <td>{String(r.host || '—')}</td>
                  <td className="mono">{String(r.served_model || '—')}</td>
                  <td className="num">{formatPercent(meanUtil(String(r.host)))}</td>
                  <td className="num">{formatRate(n(r.inference_generation_tokens_per_s), 'tok')}</td>
                  <td className="num">{formatRate(n(r.inference_prompt_tokens_per_s), 'tok')}</td>
                  <td className="num">{formatRate(n(r.inference_requests_per_s), 'req')}</td>
                  <td className="num">{n(r.inference_requests_running)?.toFixed(1) ?? '—'}</td>
                  <td className="num">{n(r.inference_requests_waiting)?.toFixed(1) ?? '—'}</td>
                  <td className="num">{formatPercent(n(r.inference_kv_cache_usage))}</td>
                  <td className="num">{formatDuration(n(r.inference_ttft_p95_ms))}</td>
                  <td className="num">{formatDuration(n(r.inference_e2e_p95_ms))}</td>
                  <td>
                    {r.served_model ? (
                      <Link prefetch={false} href={explorerHref({ model: String(r.served_model) }, range)} data-testid="server-traces">traces →</Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

/**
 * Over time, per served model: the server's TTFT p95 (its histogram) and its queue, beside the
 * GPU utilization charts above — do users wait while GPUs idle?
 */
export function ServerSeries({ q, fromMs, toMs }: { q: UseQueryResult<{ rows: Row[] }, unknown>; fromMs: number; toMs: number }) {
  const rows = q.data?.rows ?? [];
  const models = [...new Set(rows.map((r) => String(r.served_model ?? '')))].sort();
  const byT = (measure: string) => {
    const m = new Map<number, { t: number } & Record<string, number | null>>();
    for (const r of rows) {
      const t = Date.parse(String(r.time));
      const row = m.get(t) ?? { t };
      row[String(r.served_model ?? '')] = n(r[measure]);
      m.set(t, row);
    }
    return [...m.values()].sort((a, b) => a.t - b.t);
  };
  const series = models.map((k, i) => ({ key: k, label: k || '(unknown model)', color: `var(--chart-${(i % 5) + 1})` }));
  if (models.length === 0) return null;
  return (
    <div className="grid-2">
      <Panel title="Server TTFT p95" unit="ms, from the server's histogram" testId="server-ttft-chart">
        <TimeSeriesChart data={byT('inference_ttft_p95_ms')} series={series} format={(v) => `${Math.round(v)}`} unit="ms" fromMs={fromMs} toMs={toMs} />
      </Panel>
      <Panel title="Queued requests" unit="requests waiting" testId="server-queue-chart">
        <TimeSeriesChart data={byT('inference_requests_waiting')} series={series} format={(v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))} unit="requests" fromMs={fromMs} toMs={toMs} />
      </Panel>
    </div>
  );
}
