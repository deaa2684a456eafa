'use client';
import { formatCost, formatCount, formatDuration, formatInteger, formatPercent, formatTokens } from '@/lib/format';
import type { TimeRange } from '@/lib/time-range';
import { explorerSearch, type GlobalFilters } from '@/lib/trace-filters';
import type { OverviewKpis } from '@/lib/view';
import { CostText, KpiTile } from '../ui';

/** The KPI strip. Each tile links to the traces behind it (under the same global filters). */
export function KpiRow({ kpis, loading, range, filters = {} }: { kpis: OverviewKpis | undefined; loading: boolean; range: TimeRange; filters?: GlobalFilters }) {
  const k = kpis;
  const href = (extra: Parameters<typeof explorerSearch>[0] = {}) => `/traces?${explorerSearch({ range, ...extra, filters: { ...filters, ...extra.filters } })}`;
  const rate = k?.errorRate ?? 0;
  const errorTone = rate >= 0.05 ? 'bad' : rate >= 0.01 ? 'warn' : undefined;
  return (
    <div className="kpis" data-testid="kpis">
      <KpiTile label="Requests" loading={loading} value={formatCount(k?.requests)} sub={k ? `${formatInteger(k.requests)} traces` : ''} href={href()} testId="kpi-requests" />
      <KpiTile
        label="Error rate"
        loading={loading}
        tone={errorTone}
        value={formatPercent(k?.errorRate)}
        sub={k ? `${formatInteger(k.errors)} failed` : ''}
        href={href({ filters: { status: 'error' } })}
        testId="kpi-error-rate"
      />
      <KpiTile label="p50 latency" loading={loading} value={formatDuration(k?.p50LatencyMs)} sub="median trace duration" href={href({ sort: 'durationMs' })} />
      <KpiTile
        label="p95 latency"
        loading={loading}
        value={formatDuration(k?.p95LatencyMs)}
        sub="slowest 5% above"
        href={href({ filters: k?.p95LatencyMs ? { minDurationMs: Math.floor(k.p95LatencyMs) } : {}, sort: 'durationMs' })}
        testId="kpi-p95"
      />
      <KpiTile
        label="p99 latency"
        loading={loading}
        value={formatDuration(k?.p99LatencyMs)}
        sub="slowest 1% above"
        href={href({ filters: k?.p99LatencyMs ? { minDurationMs: Math.floor(k.p99LatencyMs) } : {}, sort: 'durationMs' })}
      />
      <KpiTile
        label="Tokens"
        loading={loading}
        value={formatTokens(k?.totalTokens)}
        sub={k ? `${formatTokens(k.inputTokens)} in · ${formatTokens(k.outputTokens)} out` : ''}
        href={href({ sort: 'costUsd' })}
      />
      <KpiTile
        label="Cost"
        loading={loading}
        value={k ? <CostText cost={k.cost} /> : formatCost(undefined)}
        sub={k && k.cost.unpriced > 0 ? 'USD of priced spans; the rest is unknown' : 'USD'}
        title={k && k.cost.unpriced > 0 ? `${formatInteger(k.cost.unpriced)} LLM spans matched no price: their cost is unknown, not $0, and is not in this total.` : undefined}
        href={href({ sort: 'costUsd' })}
        testId="kpi-cost"
      />
      <KpiTile
        label="Unpriced spans"
        loading={loading}
        tone={k && k.cost.unpriced > 0 ? 'warn' : undefined}
        value={formatCount(k?.cost.unpriced)}
        sub={k && k.cost.unpriced > 0 ? 'cost unknown: add a price' : 'every LLM call priced'}
        title="LLM spans whose model matched no price. Their cost is unknown (not $0) and is excluded from Cost."
        testId="kpi-unpriced"
      />
    </div>
  );
}
