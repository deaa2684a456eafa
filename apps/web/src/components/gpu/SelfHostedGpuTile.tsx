'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { formatCount, formatUsd } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { KpiTile } from '../ui';

/**
 * The cost page's self-hosted spend: GPU-hours × GPU-hour prices over the window (gpu.cost), the
 * idle part named, linking to the GPU page where the tenant split and its method are. Kept out of
 * the per-token spend on purpose: a self-hosted model is priced per GPU-hour, not per token.
 */
export function SelfHostedGpuTile({ fromMs, toMs, gpuHourCalls = 0 }: { fromMs: number; toMs: number; gpuHourCalls?: number }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.gpu.cost.queryOptions({ from: fromMs, to: toMs }), placeholderData: keepPreviousData });
  const total = Number(q.data?.totalUsd ?? 0);
  // GPUs that reported but have no GPU-hour price: their hours are not in the total, so a $0
  // here would read as "free". Say so instead.
  const unpricedGpus = q.data?.unpriced.length ?? 0;
  const noPrice = q.data !== undefined && total === 0 && unpricedGpus > 0;
  return (
    <KpiTile
      label="Self-hosted GPU"
      value={q.isError ? '—' : noPrice ? 'no price' : formatUsd(total)}
      tone={unpricedGpus > 0 ? 'warn' : undefined}
      title={unpricedGpus > 0 ? `${unpricedGpus} GPU model/host pair(s) reported GPU-hours without a GPU-hour price: their cost is unknown, not $0. Set a price on the GPUs page.` : undefined}
      sub={noPrice ? `${formatCount(unpricedGpus)} GPU types without a GPU-hour price: set one on the GPUs page${gpuHourCalls > 0 ? ` · ${formatCount(gpuHourCalls)} calls priced per GPU-hour` : ''}` : q.data ? `GPU-hours${unpricedGpus > 0 ? ` + ${formatCount(unpricedGpus)} unpriced GPU types` : ''} · idle ${formatUsd(Number(q.data.idleUsd))}${gpuHourCalls > 0 ? ` · ${formatCount(gpuHourCalls)} calls priced per GPU-hour` : ''} · split on GPUs page` : 'GPU-hours × GPU-hour price'}
      href="/gpu"
      loading={q.isPending}
      testId="cost-self-hosted-gpu"
    />
  );
}
