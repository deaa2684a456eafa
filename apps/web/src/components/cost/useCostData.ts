'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import type { CostDim } from './dims';

/** Every number of the cost page comes from the semantic layer (metrics.query). */
export const TABLE_MEASURES = ['cost_usd', 'unpriced_spans', 'gpu_hour_spans', 'llm_calls', 'total_tokens', 'requests', 'cost_per_request'] as const;
export const TOTAL_MEASURES = ['cost_usd', 'unpriced_spans', 'gpu_hour_spans', 'llm_calls', 'total_tokens', 'requests', 'agent_runs', 'tool_calls', 'cache_read_tokens', 'cache_write_tokens'] as const;

export function bucketFor(fromMs: number, toMs: number): { interval: string; ms: number } {
  const span = toMs - fromMs;
  if (span <= 2 * 86_400_000) return { interval: '1h', ms: 3_600_000 };
  return { interval: '1d', ms: 86_400_000 };
}

export function useCostTotals(fromMs: number, toMs: number) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.metrics.query.queryOptions({ measures: [...TOTAL_MEASURES], from: fromMs, to: toMs }),
    placeholderData: keepPreviousData,
  });
}

export function useCostTable(fromMs: number, toMs: number, groupBy: CostDim[]) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.metrics.query.queryOptions({ measures: [...TABLE_MEASURES], groupBy, from: fromMs, to: toMs, limit: 500 }),
    placeholderData: keepPreviousData,
  });
}

/** Spend by tenant (for the untagged line: the '' tenant's share). */
export function useTenantSpend(fromMs: number, toMs: number) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.metrics.query.queryOptions({ measures: ['cost_usd', 'unpriced_spans'], groupBy: ['tenant'], from: fromMs, to: toMs, limit: 10_000 }),
    placeholderData: keepPreviousData,
  });
}

export function useCostSeries(fromMs: number, toMs: number, dim: CostDim, values: string[]) {
  const trpc = useTRPC();
  const { interval } = bucketFor(fromMs, toMs);
  const total = useQuery({
    ...trpc.metrics.query.queryOptions({ measures: ['cost_usd'], from: fromMs, to: toMs, interval }),
    placeholderData: keepPreviousData,
  });
  const byGroup = useQuery({
    ...trpc.metrics.query.queryOptions({ measures: ['cost_usd'], groupBy: [dim], filter: { [dim]: values }, from: fromMs, to: toMs, interval, limit: 10_000 }),
    enabled: values.length > 0,
    placeholderData: keepPreviousData,
  });
  return { total, byGroup };
}

/**
 * Cache savings: the semantic measure `cache_savings_usd` (each span priced at its own catalog
 * price, in SQL; the alert rules read the same measure). A query of its own: it reads raw spans
 * (the rollup keeps no per-span price), so the rollup-backed totals do not wait for it.
 */
export function useCacheSavings(fromMs: number, toMs: number) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.metrics.query.queryOptions({ measures: ['cache_savings_usd', 'cache_read_savings_usd', 'cache_write_extra_usd'], from: fromMs, to: toMs }),
    placeholderData: keepPreviousData,
  });
}

/**
 * Cost per conversation (sessions), overall or per group: a query of its own, because distinct
 * sessions are read from raw spans (the hourly rollup keeps no session state) and the rest of
 * the page should not wait for that scan.
 */
export function useConversationCost(fromMs: number, toMs: number, groupBy: CostDim[] = []) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.metrics.query.queryOptions({ measures: ['cost_per_conversation', 'conversations'], groupBy, from: fromMs, to: toMs, limit: groupBy.length ? 500 : undefined }),
    placeholderData: keepPreviousData,
  });
}

/**
 * Self-hosted GPU spend by tenant (measure gpu_cost_usd: GPU-hours × GPU-hour prices, the busy
 * part split by each tenant's share of inference busy time, idle as the group `(idle)`), shown
 * beside the token spend when the table is grouped by tenant alone.
 */
export function useGpuCostByTenant(fromMs: number, toMs: number, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.metrics.query.queryOptions({ measures: ['gpu_cost_usd', 'gpu_idle_cost_usd'], groupBy: ['tenant'], from: fromMs, to: toMs, limit: 10_000 }),
    enabled,
    placeholderData: keepPreviousData,
  });
}
