'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

/** Bucket width for ~120 buckets over the window, in whole seconds of a readable size. */
export function gpuInterval(fromMs: number, toMs: number): number {
  const target = (toMs - fromMs) / 120;
  const steps = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);
  return steps.find((s) => s >= target) ?? 86_400_000;
}

export const GPU_SERIES_MEASURES = ['gpu_utilization', 'gpu_memory_used_bytes', 'gpu_power_watts', 'gpu_temperature_celsius'] as const;
export const GPU_TABLE_MEASURES = ['gpu_utilization', 'gpu_memory_used_bytes', 'gpu_memory_total_bytes', 'gpu_power_watts', 'gpu_temperature_celsius'] as const;
export const SERVER_MEASURES = [
  'inference_generation_tokens_per_s', 'inference_prompt_tokens_per_s', 'inference_requests_per_s', 'inference_requests_running',
  'inference_requests_waiting', 'inference_kv_cache_usage', 'inference_ttft_p95_ms', 'inference_e2e_p95_ms',
] as const;

/** One GPU = host + index + uuid (uuid alone when the exporter reports one). */
const GPU_KEY = ['host', 'gpu_index', 'gpu_uuid'];

export function useGpuData(fromMs: number, toMs: number) {
  const trpc = useTRPC();
  const interval = gpuInterval(fromMs, toMs);
  const opts = { placeholderData: keepPreviousData } as const;
  const gpus = useQuery({ ...trpc.metrics.query.queryOptions({ measures: [...GPU_TABLE_MEASURES], groupBy: [...GPU_KEY, 'gpu_model'], from: fromMs, to: toMs, limit: 500, orderBy: 'gpu_utilization', order: 'asc' }), ...opts });
  const series = useQuery({ ...trpc.metrics.query.queryOptions({ measures: [...GPU_SERIES_MEASURES], groupBy: GPU_KEY, from: fromMs, to: toMs, interval, limit: 64 }), ...opts });
  // Hourly utilization per GPU: hours under the idle threshold.
  const hourly = useQuery({ ...trpc.metrics.query.queryOptions({ measures: ['gpu_utilization'], groupBy: GPU_KEY, from: fromMs, to: toMs, interval: '1h', limit: 500, fill: false }), ...opts });
  const servers = useQuery({ ...trpc.metrics.query.queryOptions({ measures: [...SERVER_MEASURES], groupBy: ['host', 'served_model'], from: fromMs, to: toMs, limit: 200 }), ...opts });
  const serverSeries = useQuery({ ...trpc.metrics.query.queryOptions({ measures: ['inference_generation_tokens_per_s', 'inference_requests_waiting', 'inference_ttft_p95_ms'], groupBy: ['served_model'], from: fromMs, to: toMs, interval, limit: 16 }), ...opts });
  const hostUtil = useQuery({ ...trpc.metrics.query.queryOptions({ measures: ['gpu_utilization'], groupBy: ['host'], from: fromMs, to: toMs, interval, limit: 32 }), ...opts });
  return { interval, gpus, series, hourly, servers, serverSeries, hostUtil };
}
