/**
 * GPU and inference-server metric conventions → one normalized GPU series (pure, table-driven).
 *
 * Sources (../shared/research/conventions.md §7): dcgm-exporter (`DCGM_FI_*`, labels `gpu`,
 * `UUID`, `modelName`, `Hostname` / `hostname`, Kubernetes `pod` / `namespace`; % and MiB),
 * OTel `hw.gpu.*` (ratios, bytes; `hw.id`, `hw.model`), OpenLIT-style `gpu.*` (%, MiB; labels
 * `gpu_index`, `gpu_uuid`, `gpu_name`), nvidia-smi `--query-gpu` field names and
 * nvidia_gpu_exporter's `nvidia_smi_*` (labels `index`, `uuid`, `name`), vLLM (`vllm:*`, label
 * `model_name`) and Triton (`nv_*`, labels `gpu_uuid`, `model`).
 *
 * Canonical units: utilization and activity as a ratio 0–1, memory in bytes, power in watts,
 * temperature in °C, latency in seconds. A metric's OTLP `unit` ('%', 'MiB', 'By', '1', …)
 * wins over the convention's default when the sender states one, so a re-export that converted
 * units is still read right.
 */
export type GpuCanonical =
  | 'gpu.utilization'
  | 'gpu.memory.used_bytes'
  | 'gpu.memory.free_bytes'
  | 'gpu.memory.total_bytes'
  | 'gpu.power_watts'
  | 'gpu.temperature_celsius'
  | 'gpu.sm_active'
  | 'gpu.tensor_active'
  | 'inference.requests_running'
  | 'inference.requests_waiting'
  | 'inference.kv_cache_usage'
  | 'inference.ttft_seconds'
  | 'inference.e2e_latency_seconds'
  // Monotonic counters (cumulative sums): read as rates, never as levels (gpu-catalog.ts).
  | 'inference.prompt_tokens'
  | 'inference.generation_tokens'
  | 'inference.requests_finished';

/** What a value is in when the sender states no unit. */
type DefaultUnit = 'percent' | 'ratio' | 'MiB' | 'bytes' | 'W' | 'C' | 'count' | 's' | 'us';

type Family = 'dcgm' | 'hw' | 'openlit' | 'nvsmi' | 'vllm' | 'triton';

interface Rule {
  canonical: GpuCanonical;
  unit: DefaultUnit;
  family: Family;
}

const r = (canonical: GpuCanonical, unit: DefaultUnit, family: Family): Rule => ({ canonical, unit, family });

const RULES: Record<string, Rule> = {
  // dcgm-exporter
  DCGM_FI_DEV_GPU_UTIL: r('gpu.utilization', 'percent', 'dcgm'),
  DCGM_FI_DEV_FB_USED: r('gpu.memory.used_bytes', 'MiB', 'dcgm'),
  DCGM_FI_DEV_FB_FREE: r('gpu.memory.free_bytes', 'MiB', 'dcgm'),
  DCGM_FI_DEV_FB_TOTAL: r('gpu.memory.total_bytes', 'MiB', 'dcgm'),
  DCGM_FI_DEV_POWER_USAGE: r('gpu.power_watts', 'W', 'dcgm'),
  DCGM_FI_DEV_GPU_TEMP: r('gpu.temperature_celsius', 'C', 'dcgm'),
  DCGM_FI_PROF_SM_ACTIVE: r('gpu.sm_active', 'ratio', 'dcgm'),
  DCGM_FI_PROF_PIPE_TENSOR_ACTIVE: r('gpu.tensor_active', 'ratio', 'dcgm'),
  // OTel hardware semconv (hw.gpu.utilization is filtered to hw.gpu.task=general below)
  'hw.gpu.utilization': r('gpu.utilization', 'ratio', 'hw'),
  'hw.gpu.memory.usage': r('gpu.memory.used_bytes', 'bytes', 'hw'),
  'hw.gpu.memory.limit': r('gpu.memory.total_bytes', 'bytes', 'hw'),
  'hw.power': r('gpu.power_watts', 'W', 'hw'),
  'hw.temperature': r('gpu.temperature_celsius', 'C', 'hw'),
  // OpenLIT-style
  'gpu.utilization': r('gpu.utilization', 'percent', 'openlit'),
  'gpu.memory.used': r('gpu.memory.used_bytes', 'MiB', 'openlit'),
  'gpu.memory.free': r('gpu.memory.free_bytes', 'MiB', 'openlit'),
  'gpu.memory.available': r('gpu.memory.free_bytes', 'MiB', 'openlit'),
  'gpu.memory.total': r('gpu.memory.total_bytes', 'MiB', 'openlit'),
  'gpu.power.draw': r('gpu.power_watts', 'W', 'openlit'),
  'gpu.temperature': r('gpu.temperature_celsius', 'C', 'openlit'),
  // nvidia-smi --query-gpu fields (csv nounits: % and MiB) and nvidia_gpu_exporter
  'utilization.gpu': r('gpu.utilization', 'percent', 'nvsmi'),
  'memory.used': r('gpu.memory.used_bytes', 'MiB', 'nvsmi'),
  'memory.free': r('gpu.memory.free_bytes', 'MiB', 'nvsmi'),
  'memory.total': r('gpu.memory.total_bytes', 'MiB', 'nvsmi'),
  'power.draw': r('gpu.power_watts', 'W', 'nvsmi'),
  'temperature.gpu': r('gpu.temperature_celsius', 'C', 'nvsmi'),
  nvidia_smi_utilization_gpu_ratio: r('gpu.utilization', 'ratio', 'nvsmi'),
  nvidia_smi_memory_used_bytes: r('gpu.memory.used_bytes', 'bytes', 'nvsmi'),
  nvidia_smi_memory_free_bytes: r('gpu.memory.free_bytes', 'bytes', 'nvsmi'),
  nvidia_smi_memory_total_bytes: r('gpu.memory.total_bytes', 'bytes', 'nvsmi'),
  nvidia_smi_power_draw_watts: r('gpu.power_watts', 'W', 'nvsmi'),
  nvidia_smi_temperature_gpu: r('gpu.temperature_celsius', 'C', 'nvsmi'),
  // vLLM (gpu_cache_usage_perc: the name before 0.9, also a 0–1 ratio despite "perc")
  'vllm:num_requests_running': r('inference.requests_running', 'count', 'vllm'),
  'vllm:num_requests_waiting': r('inference.requests_waiting', 'count', 'vllm'),
  'vllm:kv_cache_usage_perc': r('inference.kv_cache_usage', 'ratio', 'vllm'),
  'vllm:gpu_cache_usage_perc': r('inference.kv_cache_usage', 'ratio', 'vllm'),
  'vllm:time_to_first_token_seconds': r('inference.ttft_seconds', 's', 'vllm'),
  'vllm:e2e_request_latency_seconds': r('inference.e2e_latency_seconds', 's', 'vllm'),
  // Counters: Prometheus client libraries declare the family with or without `_total`.
  'vllm:prompt_tokens_total': r('inference.prompt_tokens', 'count', 'vllm'),
  'vllm:prompt_tokens': r('inference.prompt_tokens', 'count', 'vllm'),
  'vllm:generation_tokens_total': r('inference.generation_tokens', 'count', 'vllm'),
  'vllm:generation_tokens': r('inference.generation_tokens', 'count', 'vllm'),
  'vllm:request_success_total': r('inference.requests_finished', 'count', 'vllm'),
  'vllm:request_success': r('inference.requests_finished', 'count', 'vllm'),
  // Triton
  nv_gpu_utilization: r('gpu.utilization', 'ratio', 'triton'),
  nv_gpu_memory_used_bytes: r('gpu.memory.used_bytes', 'bytes', 'triton'),
  nv_gpu_memory_total_bytes: r('gpu.memory.total_bytes', 'bytes', 'triton'),
  nv_gpu_power_usage: r('gpu.power_watts', 'W', 'triton'),
  nv_inference_pending_request_count: r('inference.requests_waiting', 'count', 'triton'),
};

/** Label names per family: [uuid, index, model (GPU model), served model, host]. */
const LABELS: Record<Family, { uuid: string[]; index: string[]; gpuModel: string[]; model: string[]; host: string[] }> = {
  dcgm: { uuid: ['UUID', 'uuid'], index: ['gpu'], gpuModel: ['modelName'], model: [], host: ['Hostname', 'hostname'] },
  hw: { uuid: ['hw.id'], index: [], gpuModel: ['hw.model', 'hw.name'], model: [], host: [] },
  openlit: { uuid: ['gpu_uuid', 'gpu.uuid'], index: ['gpu_index', 'gpu.index'], gpuModel: ['gpu_name', 'gpu.name'], model: [], host: [] },
  nvsmi: { uuid: ['uuid'], index: ['index'], gpuModel: ['name'], model: [], host: ['hostname'] },
  vllm: { uuid: [], index: [], gpuModel: [], model: ['model_name'], host: [] },
  triton: { uuid: ['gpu_uuid'], index: [], gpuModel: [], model: ['model'], host: [] },
};

export interface GpuPoint {
  canonical: GpuCanonical;
  /** In the canonical unit; NaN for histograms (their buckets carry the distribution). */
  value: number;
  gpuUuid: string;
  gpuIndex: string;
  gpuModel: string;
  /** The served model (vLLM `model_name`, Triton `model`). */
  modelName: string;
  /** Host from the point's labels ('' when the convention has none; the resource's host.name wins). */
  host: string;
  k8sPod: string;
  k8sNamespace: string;
}

const first = (attrs: Record<string, string>, keys: string[]): string => {
  for (const k of keys) {
    const v = attrs[k];
    if (v) return v;
  }
  return '';
};

const MIB = 1024 * 1024;

/** Factor from the stated OTLP/UCUM unit, or null when the unit says nothing we convert. */
function statedFactor(unit: string): number | null {
  switch (unit) {
    case '%':
    case 'percent':
      return 0.01;
    case '1':
    case 'ratio':
    case 'By':
    case 'W':
    case 'Cel':
    case 's':
      return 1;
    case 'MiBy':
    case 'MiB':
    case 'MB':
      return MIB;
    case 'KiBy':
      return 1024;
    case 'GiBy':
      return 1024 * MIB;
    case 'mW':
      return 0.001;
    case 'ms':
      return 0.001;
    case 'us':
      return 1e-6;
    default:
      return null;
  }
}

const DEFAULT_FACTOR: Record<DefaultUnit, number> = { percent: 0.01, ratio: 1, MiB: MIB, bytes: 1, W: 1, C: 1, count: 1, s: 1, us: 1e-6 };

/** The rule for a metric name, or undefined (most metrics are not GPU metrics). */
export function gpuRule(name: string): Rule | undefined {
  return Object.hasOwn(RULES, name) ? RULES[name] : undefined;
}

/**
 * Normalizes one data point. `value` is the gauge/sum value (ignored for histograms). Returns null
 * for metrics the conventions do not map, and for `hw.*` points that are not about a GPU's general
 * engine (`hw.type` other than gpu, `hw.gpu.task` encoder/decoder).
 */
export function normalizeGpuPoint(name: string, unit: string, attrs: Record<string, string>, value: number): GpuPoint | null {
  const rule = gpuRule(name);
  if (!rule) return null;
  if (rule.family === 'hw') {
    if (name.startsWith('hw.gpu.')) {
      const task = attrs['hw.gpu.task'];
      if (name === 'hw.gpu.utilization' && task && task !== 'general') return null;
    } else if (attrs['hw.type'] !== 'gpu') return null; // hw.power / hw.temperature of other hardware
  }
  const factor = statedFactor(unit) ?? DEFAULT_FACTOR[rule.unit];
  const l = LABELS[rule.family];
  const histogram = rule.canonical === 'inference.ttft_seconds' || rule.canonical === 'inference.e2e_latency_seconds';
  return {
    canonical: rule.canonical,
    value: histogram ? NaN : value * factor,
    gpuUuid: first(attrs, l.uuid),
    gpuIndex: first(attrs, l.index),
    gpuModel: first(attrs, l.gpuModel),
    modelName: first(attrs, l.model),
    host: first(attrs, l.host),
    k8sPod: first(attrs, ['pod', 'k8s.pod.name']),
    k8sNamespace: first(attrs, ['namespace', 'k8s.namespace.name']),
  };
}
