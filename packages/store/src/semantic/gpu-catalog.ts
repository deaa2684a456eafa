import type { DimensionDef, MeasureDef } from './catalog.ts';

/**
 * GPU and inference-server measures: a second view of the semantic layer, over `metric_points`
 * (OTLP metrics and scraped Prometheus pages, normalized at ingest into `canonical` /
 * `canonical_value`, packages/semconv metrics/gpu.ts). Declared here, listed in the one catalog
 * (catalog.ts appends them), compiled by gpu-view.ts; REST `metrics`, tRPC and alert rules name
 * them like span measures (`gpu_utilization` by host, `gpu_memory_used_bytes` by gpu_uuid).
 *
 * Every measure is a level (a gauge), computed in two steps:
 *  1. per series — one GPU (host, uuid, index) or one model-server series — the mean of its
 *     samples in the bucket (or the whole range);
 *  2. across the series of a group: capacities add up (memory, power, request counts, GPUs),
 *     ratios average (utilization, SM/tensor activity, KV-cache usage), temperature takes the
 *     hottest GPU.
 * So `gpu_memory_used_bytes` by host is the host's total, and `gpu_utilization` by host the mean
 * over its GPUs. An empty bucket is null (no samples), never 0.
 */
export interface GpuMeasureSql {
  /** Aggregate over one series' rows; NULL when the series has no sample of this measure. */
  perSeries: string;
  across: 'avg' | 'sum' | 'max';
  /** `canonical` values the measure reads (the WHERE keeps only these rows). */
  canonicals: readonly string[];
  /**
   * 'level' (default): a gauge, as above. 'rate': `perSeries` sums the counter increases `__inc`
   * (gpu-increase.ts) and the group's sum is divided by the bucket's (or range's) seconds.
   * 'quantile': `perSeries` sums the bucket-count increases `__inc_counts` of a histogram; the
   * group adds them bucket by bucket (same bounds) and interpolates `quantile` × `scale`.
   */
  kind?: 'level' | 'rate' | 'quantile';
  quantile?: number;
  /** Multiplier of the quantile (the histogram's unit → the measure's; seconds → ms). */
  scale?: number;
}

const mean = (c: string) => `avgIfOrNull(canonical_value, canonical = '${c}')`;
const rate = (c: string): GpuMeasureSql => ({
  perSeries: `if(countIf(canonical = '${c}') > 0, sumIf(__inc, canonical = '${c}'), NULL)`, across: 'sum', canonicals: [c], kind: 'rate',
});
const quantile = (c: string, q: number): GpuMeasureSql => ({
  perSeries: `sumForEachIf(__inc_counts, canonical = '${c}')`, across: 'sum', canonicals: [c], kind: 'quantile', quantile: q, scale: 1000,
});
/** The measure is not defined over spans: fails loudly if it ever reaches the span compiler. */
const NOT_ON_SPANS = "throwIf(1, 'GPU measures are compiled by gpu-view.ts')";

export const GPU_MEASURE_SQL: Readonly<Record<string, GpuMeasureSql>> = {
  gpu_utilization: { perSeries: mean('gpu.utilization'), across: 'avg', canonicals: ['gpu.utilization'] },
  gpu_memory_used_bytes: { perSeries: mean('gpu.memory.used_bytes'), across: 'sum', canonicals: ['gpu.memory.used_bytes'] },
  gpu_memory_total_bytes: {
    // dcgm-exporter reports used + free (FB_TOTAL only when enabled); OTel hw.gpu reports the limit.
    perSeries: `if(countIf(canonical = 'gpu.memory.total_bytes') > 0, ${mean('gpu.memory.total_bytes')}, ${mean('gpu.memory.used_bytes')} + ${mean('gpu.memory.free_bytes')})`,
    across: 'sum',
    canonicals: ['gpu.memory.total_bytes', 'gpu.memory.used_bytes', 'gpu.memory.free_bytes'],
  },
  gpu_power_watts: { perSeries: mean('gpu.power_watts'), across: 'sum', canonicals: ['gpu.power_watts'] },
  gpu_temperature_celsius: { perSeries: mean('gpu.temperature_celsius'), across: 'max', canonicals: ['gpu.temperature_celsius'] },
  gpu_sm_active: { perSeries: mean('gpu.sm_active'), across: 'avg', canonicals: ['gpu.sm_active'] },
  gpu_tensor_active: { perSeries: mean('gpu.tensor_active'), across: 'avg', canonicals: ['gpu.tensor_active'] },
  gpu_count: {
    perSeries: "if(countIf(startsWith(canonical, 'gpu.')) > 0, 1, NULL)",
    across: 'sum',
    canonicals: ['gpu.utilization', 'gpu.memory.used_bytes', 'gpu.memory.total_bytes', 'gpu.power_watts', 'gpu.temperature_celsius'],
  },
  inference_requests_running: { perSeries: mean('inference.requests_running'), across: 'sum', canonicals: ['inference.requests_running'] },
  inference_requests_waiting: { perSeries: mean('inference.requests_waiting'), across: 'sum', canonicals: ['inference.requests_waiting'] },
  inference_kv_cache_usage: { perSeries: mean('inference.kv_cache_usage'), across: 'avg', canonicals: ['inference.kv_cache_usage'] },
  inference_prompt_tokens_per_s: rate('inference.prompt_tokens'),
  inference_generation_tokens_per_s: rate('inference.generation_tokens'),
  inference_requests_per_s: rate('inference.requests_finished'),
  inference_ttft_p50_ms: quantile('inference.ttft_seconds', 0.5),
  inference_ttft_p95_ms: quantile('inference.ttft_seconds', 0.95),
  inference_e2e_p50_ms: quantile('inference.e2e_latency_seconds', 0.5),
  inference_e2e_p95_ms: quantile('inference.e2e_latency_seconds', 0.95),
};

const gpu = (name: string, label: string, unit: MeasureDef['unit'], description: string): MeasureDef => ({
  name, label, unit, description, view: 'gpu', spanSet: 'all', additive: false, expr: NOT_ON_SPANS, rollup: NOT_ON_SPANS,
});

export const GPU_MEASURES: readonly MeasureDef[] = [
  gpu('gpu_utilization', 'GPU utilization', 'ratio', 'Share of time the GPU was busy (0–1; dcgm GPU_UTIL, hw.gpu.utilization, nvidia-smi); mean over the GPUs of a group.'),
  gpu('gpu_memory_used_bytes', 'GPU memory used', 'bytes', 'Framebuffer memory in use, bytes; summed over the GPUs of a group.'),
  gpu('gpu_memory_total_bytes', 'GPU memory total', 'bytes', 'Framebuffer memory (reported total, else used + free), bytes; summed over GPUs.'),
  gpu('gpu_power_watts', 'GPU power', 'watts', 'Power draw, W; summed over the GPUs of a group.'),
  gpu('gpu_temperature_celsius', 'GPU temperature', 'celsius', 'GPU temperature, °C; the hottest GPU of a group.'),
  gpu('gpu_sm_active', 'SM activity', 'ratio', 'Ratio of cycles an SM had a warp assigned (DCGM_FI_PROF_SM_ACTIVE, 0–1); mean over GPUs.'),
  gpu('gpu_tensor_active', 'Tensor activity', 'ratio', 'Ratio of cycles the tensor pipe was active (DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, 0–1); mean over GPUs.'),
  gpu('gpu_count', 'GPUs', 'count', 'GPUs that reported any GPU metric in the bucket.'),
  gpu('inference_requests_running', 'Running requests', 'count', 'Requests in the model server batch (vLLM num_requests_running); summed over servers.'),
  gpu('inference_requests_waiting', 'Queued requests', 'count', 'Requests waiting in the model server queue (vLLM num_requests_waiting, Triton pending); summed over servers.'),
  gpu('inference_kv_cache_usage', 'KV-cache usage', 'ratio', 'KV-cache blocks in use (vLLM kv_cache_usage_perc, 0–1); mean over servers.'),
  gpu('inference_prompt_tokens_per_s', 'Prompt tokens/s', 'tokens_per_s', 'Rate of the model server prompt-token counter (vLLM prompt_tokens_total): reset-aware increase per series over the bucket, summed over servers.'),
  gpu('inference_generation_tokens_per_s', 'Generated tokens/s', 'tokens_per_s', 'Rate of the generated-token counter (vLLM generation_tokens_total), reset-aware, summed over servers.'),
  gpu('inference_requests_per_s', 'Finished requests/s', 'per_s', 'Rate of the finished-request counter (vLLM request_success_total), reset-aware, summed over servers.'),
  gpu('inference_ttft_p50_ms', 'Server TTFT p50', 'ms', 'Median time to first token from the model server histogram (vLLM time_to_first_token_seconds): bucket increases merged across servers, linear within a bucket.'),
  gpu('inference_ttft_p95_ms', 'Server TTFT p95', 'ms', '95th percentile time to first token from the model server histogram, merged across servers.'),
  gpu('inference_e2e_p50_ms', 'Server latency p50', 'ms', 'Median request latency from the model server histogram (vLLM e2e_request_latency_seconds), merged across servers.'),
  gpu('inference_e2e_p95_ms', 'Server latency p95', 'ms', '95th percentile request latency from the model server histogram, merged across servers.'),
];

/**
 * Dimensions of the GPU view. `host`, `service`, `k8s_pod`, `k8s_namespace` are also span
 * dimensions (same column names); the `gpu` kind ones exist only on metric points.
 */
export const GPU_DIMENSIONS: readonly DimensionDef[] = [
  { name: 'k8s_namespace', label: 'Kubernetes namespace', expr: 'k8s_namespace', kind: 'span', rollup: false },
  { name: 'k8s_pod', label: 'Kubernetes pod', expr: 'k8s_pod', kind: 'span', rollup: false },
  { name: 'gpu_uuid', label: 'GPU', expr: 'gpu_uuid', kind: 'gpu', rollup: false },
  { name: 'gpu_index', label: 'GPU index', expr: 'gpu_index', kind: 'gpu', rollup: false },
  { name: 'gpu_model', label: 'GPU model', expr: 'gpu_model', kind: 'gpu', rollup: false },
  { name: 'served_model', label: 'Served model', expr: 'model_name', kind: 'gpu', rollup: false },
];

/** What the GPU view can group and filter by, and the expression over `metric_points`. */
export const GPU_VIEW_DIMENSIONS: ReadonlyMap<string, { expr: string }> = new Map([
  ['host', { expr: 'host' }],
  ['service', { expr: 'service' }],
  ...GPU_DIMENSIONS.map((d): [string, { expr: string }] => [d.name, { expr: d.expr }]),
]);

export const isGpuMeasure = (m: Pick<MeasureDef, 'view'>): boolean => m.view === 'gpu';

const gpuCost = (name: string, label: string, description: string): MeasureDef => ({
  name, label, unit: 'usd', description, view: 'gpu_cost', spanSet: 'all', additive: true,
  expr: "throwIf(1, 'GPU cost measures are computed by gpu-cost-view.ts')", rollup: "throwIf(1, 'GPU cost measures are computed by gpu-cost-view.ts')",
});

/**
 * Self-hosted GPU cost (store gpu-cost.ts, rule in gpu-split.ts): GPU-hours × GPU-hour prices,
 * by host, or by tenant — the busy part split by each tenant's share of inference busy time, the
 * idle part as its own group `(idle)`. Exact: the groups add up to the total to the picodollar.
 */
export const GPU_COST_MEASURES: readonly MeasureDef[] = [
  gpuCost('gpu_cost_usd', 'Self-hosted GPU cost', 'GPU-hours of self-hosted inference × GPU-hour price (per GPU model or host), USD. By tenant: the busy part split by share of inference busy time, idle as the group `(idle)`.'),
  gpuCost('gpu_idle_cost_usd', 'Idle GPU cost', 'The part of the GPU cost not used by requests (1 − mean utilization, or the whole hour without traffic), USD.'),
];
export const GPU_COST_DIMENSIONS: ReadonlySet<string> = new Set(['tenant', 'host']);
export const IDLE_TENANT = '(idle)';

/**
 * Why a query mixes the views, or null: measures of different views (spans, GPU, GPU cost), a
 * GPU-only dimension on span measures, or a dimension the measures' view does not have. `field`
 * names what to fix.
 */
export function viewMismatch(measures: readonly MeasureDef[], dimensions: readonly { name: string; field: string }[]): { field: string; message: string } | null {
  const views = new Set(measures.map((m) => m.view ?? 'spans'));
  if (views.size > 1) {
    const other = measures.filter((m) => m.view !== undefined);
    return { field: 'measures', message: `measures of different views (${other.map((m) => `${m.name}: ${m.view}`).join(', ')}) cannot be combined with each other or with span measures in one query` };
  }
  const view = [...views][0];
  for (const d of dimensions) {
    if (view === 'gpu' && !GPU_VIEW_DIMENSIONS.has(d.name)) {
      return { field: d.field, message: `dimension \`${d.name}\` does not apply to GPU measures; use ${[...GPU_VIEW_DIMENSIONS.keys()].join(', ')}` };
    }
    if (view === 'gpu_cost' && !GPU_COST_DIMENSIONS.has(d.name)) {
      return { field: d.field, message: `dimension \`${d.name}\` does not apply to GPU cost measures; use ${[...GPU_COST_DIMENSIONS].join(', ')}` };
    }
    if (view === 'spans' && GPU_DIMENSIONS.some((g) => g.name === d.name && g.kind === 'gpu')) {
      return { field: d.field, message: `dimension \`${d.name}\` applies to GPU measures only (${GPU_MEASURES.map((m) => m.name).join(', ')})` };
    }
  }
  return null;
}
