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
  return (
    <KpiTile
      label="Self-hosted GPU"
      value={q.isError ? '—' : formatUsd(total)}
      sub={q.data ? `GPU-hours · idle ${formatUsd(Number(q.data.idleUsd))}${gpuHourCalls > 0 ? ` · ${formatCount(gpuHourCalls)} calls priced per GPU-hour` : ''} · split on GPUs page` : 'GPU-hours × GPU-hour price'}
      href="/gpu"
      loading={q.isPending}
      testId="cost-self-hosted-gpu"
    />
  );
}
