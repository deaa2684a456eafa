'use client';
import { useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { formatDateTime, formatDuration, formatPercent, formatUsd } from '@/lib/format';
import { explorerHref } from '@/lib/trace-filters';
import type { TimeRange } from '@/lib/time-range';
import { useTRPC } from '@/lib/trpc';
import { useZone } from '../TimeZoneContext';
import { ErrorBox, Panel, SkeletonRows } from '../ui';

const JOINS = {
  served_model: 'served model: model calls whose model is the one the host’s model server reports serving',
  host: 'host: the span’s resource host.name is the GPU host (instrumented inference server)',
  server_address: 'server.address: the client span’s server.address (port dropped) is the GPU host',
  k8s_pod: 'k8s.pod.name: the span’s pod is a pod the host’s GPU series name (dcgm-exporter pod mapping)',
} as const;
type Join = keyof typeof JOINS;

/**
 * Self-hosted GPU cost and its split across tenants (store gpu-split.ts states the rule; the
 * method is repeated here in words). Exact decimal USD from the server; shares computed for display.
 */
export function GpuCostPanel({ fromMs, toMs, range }: { fromMs: number; toMs: number; range: TimeRange }) {
  const trpc = useTRPC();
  const [join, setJoin] = useState<Join>('served_model');
  const [spreadIdle, setSpreadIdle] = useState(false);
  const q = useQuery({ ...trpc.gpu.cost.queryOptions({ from: fromMs, to: toMs, join, spreadIdle }), placeholderData: keepPreviousData });
  const r = q.data;
  const total = Number(r?.totalUsd ?? 0);
  const actions = (
    <>
      <label className="faint">join by{' '}
        <select value={join} onChange={(e) => setJoin(e.target.value as Join)} data-testid="gpu-join" aria-label="How spans are joined to GPU hosts">
          {Object.keys(JOINS).map((j) => <option key={j} value={j}>{j}</option>)}
        </select>
      </label>
      <label className="faint"><input type="checkbox" checked={spreadIdle} onChange={(e) => setSpreadIdle(e.target.checked)} data-testid="gpu-spread-idle" /> spread idle</label>
    </>
  );
  return (
    <Panel title="Self-hosted GPU cost by tenant" unit="USD" actions={actions} flush testId="gpu-cost">
      {q.isError ? <ErrorBox error={q.error} what="GPU cost" /> : (
        <>
          <div className="table-wrap">
            <table className="table">
              <thead><tr><th>Tenant</th><th className="num">Inference busy time</th><th className="num">GPU cost</th><th className="num">Share</th></tr></thead>
              <tbody>
                {q.isPending ? <SkeletonRows rows={3} cols={4} /> : (
                  <>
                    {r!.byTenant.length === 0 && (
                      <tr data-testid="gpu-cost-no-calls"><td colSpan={4} className="faint" style={{ whiteSpace: 'normal' }}>
                        No model calls joined to a GPU host by {join} in this window: no GPU time goes to a tenant. Try another join.
                      </td></tr>
                    )}
                    {r!.byTenant.map((t) => (
                      <tr key={t.tenant} data-testid="gpu-cost-tenant">
                        <td><Link prefetch={false} href={explorerHref(t.tenant ? { tenant: t.tenant } : {}, range)}>{t.tenant || '(no tenant)'}</Link></td>
                        <td className="num">{formatDuration(t.busySeconds * 1000)}</td>
                        <td className="num" title={`$${t.usd} exactly`}>{formatUsd(Number(t.usd))}</td>
                        <td className="num">{formatPercent(total > 0 ? Number(t.usd) / total : 0)}</td>
                      </tr>
                    ))}
                    {Number(r!.idleUsd) > 0 && (
                      <tr data-testid="gpu-cost-idle"><td className="faint">Idle (GPUs paid for, not serving)</td><td className="num">—</td>
                        <td className="num" title={`$${r!.idleUsd} exactly`}>{formatUsd(Number(r!.idleUsd))}</td><td className="num">{formatPercent(total > 0 ? Number(r!.idleUsd) / total : 0)}</td></tr>
                    )}
                    <tr className="total-row"><td>Total</td><td /><td className="num" data-testid="gpu-cost-total" title={`$${r!.totalUsd} exactly`}>{formatUsd(total)}</td><td className="num">{total > 0 ? '100 %' : '—'}</td></tr>
                  </>
                )}
              </tbody>
            </table>
          </div>
          {r && r.unpriced.length > 0 && (
            <p className="panel-note is-warn" data-testid="gpu-unpriced">
              No GPU-hour price for {r.unpriced.map((u) => `${u.gpuModel || '(unknown model)'} on ${u.host} (${u.gpuHours.toFixed(1)} GPU-hours)`).join(', ')}: those hours count $0 here. Add a price below.
            </p>
          )}
          <p className="panel-note faint" data-testid="gpu-method">
            Method: each host’s GPU cost per hour (GPUs that reported × GPU-hour price, host price over model price, clipped to the window) is
            split into a busy part (× mean GPU utilization) and idle. The busy part goes to tenants by their share of inference busy time — the
            summed duration of model calls served by that host starting in that hour — joined by {JOINS[join]}. An hour without such calls is
            all idle; {spreadIdle ? 'idle is spread by the same shares' : 'idle is its own line'}. Splits are exact to $0.000000000001 and add up to the total.
          </p>
        </>
      )}
    </Panel>
  );
}

/** GPU-hour prices: per GPU model or host, effective from a date; edits are new versions. */
export function GpuPricesPanel({ models }: { models: string[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { zone } = useZone();
  const prices = useQuery(trpc.gpu.prices.queryOptions());
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.gpu.prices.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.gpu.cost.queryKey() });
  };
  const save = useMutation(trpc.gpu.savePrice.mutationOptions({ onSuccess: () => { refresh(); setUsd(''); } }));
  const del = useMutation(trpc.gpu.deletePrice.mutationOptions({ onSuccess: refresh }));
  const [kind, setKind] = useState<'gpu_model' | 'host'>('gpu_model');
  const [match, setMatch] = useState('');
  const [usd, setUsd] = useState('');
  const [from, setFrom] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ matchKind: kind, match, usdPerGpuHour: usd.trim(), ...(from ? { effectiveFrom: new Date(from).getTime() } : {}) });
  };
  const rows = prices.data ?? [];
  return (
    <Panel title="GPU-hour prices" unit="USD per GPU-hour" flush testId="gpu-prices">
      <div className="table-wrap">
        <table className="table">
          <thead><tr><th>Applies to</th><th className="num">USD / GPU-hour</th><th>Effective from</th><th>By</th><th /></tr></thead>
          <tbody>
            {prices.isPending ? <SkeletonRows rows={2} cols={5} /> : rows.length === 0 ? (
              <tr><td colSpan={5} className="empty-cell">No GPU-hour price yet: self-hosted GPU cost is $0 until you add one.</td></tr>
            ) : rows.map((p) => (
              <tr key={p.id} data-testid="gpu-price-row">
                <td>{p.matchKind === 'host' ? 'host ' : 'GPU model '}<span className="mono">{p.match}</span></td>
                <td className="num">${p.usdPerGpuHour}</td>
                <td>{p.effectiveFrom > 0 ? formatDateTime(p.effectiveFrom, zone) : 'always'}</td>
                <td className="faint">{p.updatedBy}</td>
                <td><button type="button" className="btn btn-ghost" onClick={() => del.mutate({ id: p.id })} aria-label={`Delete the price of ${p.match}`}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="inline-form" onSubmit={submit} data-testid="gpu-price-form">
        <select value={kind} onChange={(e) => setKind(e.target.value as 'gpu_model' | 'host')} aria-label="Price applies to">
          <option value="gpu_model">GPU model</option>
          <option value="host">Host</option>
        </select>
        <input list="gpu-models" value={match} onChange={(e) => setMatch(e.target.value)} placeholder={kind === 'host' ? 'host name' : 'e.g. NVIDIA H100 80GB HBM3'} aria-label="GPU model or host" required />
        <datalist id="gpu-models">{models.map((m) => <option key={m} value={m} />)}</datalist>
        <input value={usd} onChange={(e) => setUsd(e.target.value)} placeholder="USD / GPU-hour" aria-label="USD per GPU-hour" inputMode="decimal" required />
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="Effective from (optional)" />
        <button type="submit" className="btn" disabled={save.isPending}>Add price</button>
        {save.isError && <span className="is-error" role="alert">{save.error.message}</span>}
      </form>
    </Panel>
  );
}
