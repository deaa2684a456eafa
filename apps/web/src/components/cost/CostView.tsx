'use client';
import Link from 'next/link';
import { formatCount, formatPercent, formatTokens, formatUsd } from '@/lib/format';
import { explorerHref } from '@/lib/trace-filters';
import { useUrlParams } from '@/lib/url-state';
import { TimeControls } from '../TimeControls';
import { useTimeRange } from '../TimeRangeContext';
import { ErrorBox, KpiTile } from '../ui';
import { SelfHostedGpuTile } from '../gpu/SelfHostedGpuTile';
import { CostSeries } from './CostSeries';
import { CostTable } from './CostTable';
import { BudgetsPanel } from './BudgetsPanel';
import { COST_DIMS, DIM_LABEL, isCostDim, type CostDim } from './dims';
import { MonthClosePanel } from './MonthClosePanel';
import { UnitEconomics } from './UnitEconomics';
import { WhatIfPanel } from './WhatIfPanel';
import { useCacheSavings, useConversationCost, useCostTotals, useTenantSpend } from './useCostData';

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));

/**
 * The cost page: spend over time and totals grouped by one or two dimensions (URL ?by=&then=),
 * each cell drilling into the traces behind it; untagged and unpriced spend as their own lines
 * with their share; unit economics and cache savings. Numbers come from the semantic layer.
 */
export function CostView() {
  const { range, fromMs, toMs } = useTimeRange();
  const { params, update } = useUrlParams();
  const by: CostDim = isCostDim(params.get('by')) ? (params.get('by') as CostDim) : 'tenant';
  const thenRaw = params.get('then');
  const then: CostDim | null = isCostDim(thenRaw) && thenRaw !== by ? thenRaw : null;
  const setDim = (key: 'by' | 'then', v: string) => update((p) => (v ? p.set(key, v) : p.delete(key)));

  const totals = useCostTotals(fromMs, toMs);
  const tenants = useTenantSpend(fromMs, toMs);
  const savings = useCacheSavings(fromMs, toMs);
  const conversations = useConversationCost(fromMs, toMs);
  const t = totals.data?.rows[0];
  const saved = savings.data?.rows[0];
  const total = num(t?.cost_usd);
  const unpriced = num(t?.unpriced_spans);
  const calls = num(t?.llm_calls);
  // Calls of self-hosted models priced per GPU-hour: priced (not unpriced), spend in the GPU tile.
  const gpuHourCalls = num(t?.gpu_hour_spans);
  const untagged = tenants.data?.rows.find((r) => r.tenant === '');
  const untaggedUsd = num(untagged?.cost_usd);
  const loading = totals.isPending;
  const exportHref = (format: 'csv' | 'json') => {
    const p = new URLSearchParams({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), groupBy: then ? `${by},${then}` : by, format, granularity: 'day' });
    return `/api/cost-export?${p.toString()}`;
  };

  return (
    <>
      <div className="page-header">
        <h1>Cost</h1>
        {totals.isFetching && !totals.isPending && <span className="faint">updating…</span>}
        <span className="spacer" />
        <a className="btn" href={exportHref('csv')} download data-testid="export-csv" title="FOCUS-style columns, exact decimals, one row per day and group">
          Export CSV
        </a>
        <a className="btn" href={exportHref('json')} download data-testid="export-json">
          JSON
        </a>
        <Link className="btn" href="/cost/prices">
          Prices &amp; repricing
        </Link>
        <TimeControls />
      </div>
      {totals.isError ? (
        <ErrorBox error={totals.error} what="cost totals" />
      ) : (
        <div className="kpis" data-testid="cost-kpis">
          <KpiTile label="Total spend" value={formatUsd(total)} sub={`${formatCount(calls)} model calls · USD`} href={explorerHref({}, range)} loading={loading} testId="cost-total" />
          <KpiTile
            label="Untagged (no tenant)"
            value={formatUsd(untaggedUsd)}
            sub={`${formatPercent(total > 0 ? untaggedUsd / total : 0)} of spend`}
            tone={untaggedUsd > 0 ? 'warn' : undefined}
            loading={tenants.isPending}
            testId="cost-untagged"
          />
          <KpiTile
            label="Unpriced model calls"
            value={formatCount(unpriced)}
            sub={`${formatPercent(calls > 0 ? unpriced / calls : 0)} of calls · cost unknown, not $0${gpuHourCalls > 0 ? ` · ${formatCount(gpuHourCalls)} GPU-hour priced calls not counted` : ''}`}
            tone={unpriced > 0 ? 'warn' : undefined}
            href="/cost/prices"
            title="Add a price for these models, then reprice"
            loading={loading}
            testId="cost-unpriced"
          />
          <KpiTile
            label="Cache savings"
            value={saved ? formatUsd(num(saved.cache_savings_usd)) : '—'}
            sub={t ? `${formatTokens(num(t.cache_read_tokens) + num(t.cache_write_tokens))} cached tokens vs the uncached input price` : 'vs the uncached input price'}
            title="Measure cache_savings_usd: cached tokens at the uncached input price minus what they were billed, at each call's own price"
            loading={savings.isPending}
            testId="cost-cache-savings"
          />
          <SelfHostedGpuTile fromMs={fromMs} toMs={toMs} gpuHourCalls={gpuHourCalls} />
        </div>
      )}
      <div className="toolbar" style={{ display: 'flex', gap: 8, alignItems: 'center', margin: '8px 0' }}>
        <label className="faint" htmlFor="cost-by">
          Group by
        </label>
        <select id="cost-by" className="select" value={by} onChange={(e) => setDim('by', e.target.value)} data-testid="cost-group-by">
          {COST_DIMS.map((d) => (
            <option key={d} value={d}>
              {DIM_LABEL[d]}
            </option>
          ))}
        </select>
        <label className="faint" htmlFor="cost-then">
          then
        </label>
        <select id="cost-then" className="select" value={then ?? ''} onChange={(e) => setDim('then', e.target.value)} data-testid="cost-then-by">
          <option value="">—</option>
          {COST_DIMS.filter((d) => d !== by).map((d) => (
            <option key={d} value={d}>
              {DIM_LABEL[d]}
            </option>
          ))}
        </select>
      </div>
      <CostSeries by={by} fromMs={fromMs} toMs={toMs} range={range} />
      {/* Full width: two dimensions and the per-unit columns need the room. */}
      <CostTable by={by} then={then} fromMs={fromMs} toMs={toMs} range={range} total={total} />
      <div className="grid-2">
        <UnitEconomics row={t} loading={loading} savings={saved} conversations={{ row: conversations.data?.rows[0], loading: conversations.isPending }} />
        <WhatIfPanel fromMs={fromMs} toMs={toMs} />
      </div>
      <BudgetsPanel />
      <MonthClosePanel />
    </>
  );
}
