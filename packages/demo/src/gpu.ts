/**
 * Demo GPU metrics, consistent with the demo's self-hosted inference spans (issue 11 item 9):
 * a dcgm-exporter-like series for two GPU nodes and a vLLM-like model server, sent as OTLP/JSON
 * to the collector's real `/v1/metrics` (same auth, WAL and normalization as any exporter).
 *
 * - gpu-node-1: 2 × H100 behind a vLLM server serving the demo's self-hosted model. Every
 *   sample derives from the model calls the workload sent to that model (`record`): the mean
 *   number of calls in flight during the step drives utilization, power, temperature, KV cache
 *   and the running/waiting gauges; token, request counters and the TTFT / e2e latency
 *   histograms are cumulative over the calls that ended (vLLM's own metric names and buckets).
 * - gpu-node-2: 2 × A100 reserved but serving nothing: the idle GPUs the GPU page calls out.
 * Before the first call, `historyMs` of quiet samples, so the charts have a baseline.
 */
export const DEMO_GPU_NODES = { serving: 'gpu-node-1', idle: 'gpu-node-2' } as const;
export const DEMO_SERVED_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

export interface ServedCall {
  startMs: number;
  endMs: number;
  inputTokens: number;
  outputTokens: number;
  ttftMs: number | null;
}

export interface GpuDemoOptions {
  endpoint: string;
  headers?: Record<string, string>;
  /** Quiet history before the first sample of the run (default 30 min). */
  historyMs?: number;
  stepMs?: number;
  startMs?: number;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** vLLM's buckets (seconds). */
const TTFT_BOUNDS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const E2E_BOUNDS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60];

const GPUS = [
  { host: DEMO_GPU_NODES.serving, index: '0', uuid: 'GPU-5fa1c2d0-0001-4b2e-9c31-h100000000a0', model: 'NVIDIA H100 80GB HBM3', serving: true },
  { host: DEMO_GPU_NODES.serving, index: '1', uuid: 'GPU-5fa1c2d0-0002-4b2e-9c31-h100000000a1', model: 'NVIDIA H100 80GB HBM3', serving: true },
  { host: DEMO_GPU_NODES.idle, index: '0', uuid: 'GPU-8be2d3f1-0001-4c3f-8d42-a100000000b0', model: 'NVIDIA A100-SXM4-80GB', serving: false },
  { host: DEMO_GPU_NODES.idle, index: '1', uuid: 'GPU-8be2d3f1-0002-4c3f-8d42-a100000000b1', model: 'NVIDIA A100-SXM4-80GB', serving: false },
];

type Attr = { key: string; value: { stringValue: string } };
const attrs = (o: Record<string, string>): Attr[] => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
const nanos = (ms: number) => `${Math.round(ms)}000000`;

function cumulative(bounds: number[], values: number[]): { counts: string[]; sum: number } {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  let sum = 0;
  for (const v of values) {
    let i = bounds.findIndex((b) => v <= b);
    if (i < 0) i = bounds.length;
    counts[i]!++;
    sum += v;
  }
  return { counts: counts.map(String), sum };
}

export class GpuDemo {
  private readonly calls: ServedCall[] = [];
  private readonly step: number;
  private readonly start: number;
  private next: number;
  pointsSent = 0;
  failures = 0;

  constructor(private readonly o: GpuDemoOptions) {
    this.step = o.stepMs ?? 10_000;
    const now = o.startMs ?? Date.now();
    this.start = now - (o.historyMs ?? 30 * 60_000);
    this.next = Math.ceil(this.start / this.step) * this.step;
  }

  /** A model call served by the demo's vLLM server. */
  record(call: ServedCall): void {
    this.calls.push(call);
  }

  /**
   * Sends every sample due up to `toMs` (one request per ≤ 30 samples). `final` (the end of a
   * run) also samples at `toMs` itself: a run shorter than a step would otherwise end before the
   * next sample and its calls would never show in the counters and histograms.
   */
  async flush(toMs = Date.now(), final = false): Promise<void> {
    const times: number[] = [];
    for (; this.next <= toMs; this.next += this.step) times.push(this.next);
    if (final && (times.length === 0 || times[times.length - 1]! < toMs) && this.calls.length > 0) times.push(toMs);
    for (let i = 0; i < times.length; i += 30) await this.send(times.slice(i, i + 30));
  }

  private async send(times: number[]): Promise<void> {
    if (times.length === 0) return;
    const body = JSON.stringify({ resourceMetrics: [...this.dcgm(times), this.vllm(times)] });
    const res = await fetch(`${this.o.endpoint.replace(/\/$/, '')}/v1/metrics`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...this.o.headers }, body,
    }).catch(() => null);
    if (!res?.ok) this.failures++;
    else this.pointsSent += times.length * (GPUS.length * 6 + 8);
  }

  /** Mean number of calls in flight during (t − step, t]. */
  private busy(t: number): number {
    let ms = 0;
    for (const c of this.calls) ms += Math.max(0, Math.min(c.endMs, t) - Math.max(c.startMs, t - this.step));
    return ms / this.step;
  }

  private dcgm(times: number[]) {
    const hosts = [DEMO_GPU_NODES.serving, DEMO_GPU_NODES.idle];
    return hosts.map((host) => {
      const gpus = GPUS.filter((g) => g.host === host);
      const series = (name: string, unit: string, f: (g: (typeof GPUS)[number], busy: number) => number) => ({
        name, unit, gauge: { dataPoints: times.flatMap((t) => {
          const busy = this.busy(t);
          return gpus.map((g) => ({ attributes: attrs({ gpu: g.index, UUID: g.uuid, modelName: g.model, Hostname: host, device: `nvidia${g.index}` }), timeUnixNano: nanos(t), asDouble: f(g, busy) }));
        }) },
      });
      const util = (g: (typeof GPUS)[number], busy: number) => (g.serving ? Math.min(0.97, 0.03 + 0.3 * busy + (g.index === '1' ? 0.02 : 0)) : 0);
      const used = (g: (typeof GPUS)[number], busy: number) => (g.serving ? 16 * GIB + Math.min(0.9, 0.08 + 0.1 * busy) * 58 * GIB : 0.4 * GIB);
      return {
        resource: { attributes: attrs({ 'service.name': 'dcgm-exporter', 'host.name': host }) },
        scopeMetrics: [{ scope: { name: 'dcgm-exporter' }, metrics: [
          series('DCGM_FI_DEV_GPU_UTIL', '%', (g, b) => Math.round(util(g, b) * 100)),
          series('DCGM_FI_DEV_FB_USED', 'MiB', (g, b) => Math.round(used(g, b) / MIB)),
          series('DCGM_FI_DEV_FB_FREE', 'MiB', (g, b) => Math.round((80 * GIB - used(g, b)) / MIB)),
          series('DCGM_FI_DEV_POWER_USAGE', 'W', (g, b) => (g.serving ? 72 + 600 * util(g, b) : 58 + Number(g.index))),
          series('DCGM_FI_DEV_GPU_TEMP', 'Cel', (g, b) => Math.round(g.serving ? 31 + 42 * util(g, b) : 29)),
          series('DCGM_FI_PROF_SM_ACTIVE', '1', (g, b) => util(g, b) * 0.85),
        ] }],
      };
    });
  }

  private vllm(times: number[]) {
    const labels = attrs({ model_name: DEMO_SERVED_MODEL, engine: '0' });
    const gauge = (name: string, f: (busy: number) => number) => ({
      name, unit: '', gauge: { dataPoints: times.map((t) => ({ attributes: labels, timeUnixNano: nanos(t), asDouble: f(this.busy(t)) })) },
    });
    const ended = (t: number) => this.calls.filter((c) => c.endMs <= t);
    const counter = (name: string, f: (c: ServedCall) => number) => ({
      name, unit: '', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: times.map((t) => ({
        attributes: labels, startTimeUnixNano: nanos(this.start), timeUnixNano: nanos(t), asDouble: ended(t).reduce((s, c) => s + f(c), 0),
      })) },
    });
    const histogram = (name: string, bounds: number[], f: (c: ServedCall) => number | null) => ({
      name, unit: 's', histogram: { aggregationTemporality: 2, dataPoints: times.map((t) => {
        const values = ended(t).map(f).filter((v): v is number => v !== null);
        const h = cumulative(bounds, values);
        return { attributes: labels, startTimeUnixNano: nanos(this.start), timeUnixNano: nanos(t), count: String(values.length), sum: h.sum, bucketCounts: h.counts, explicitBounds: bounds };
      }) },
    });
    return {
      resource: { attributes: attrs({ 'service.name': 'vllm', 'host.name': DEMO_GPU_NODES.serving }) },
      scopeMetrics: [{ scope: { name: 'vllm' }, metrics: [
        gauge('vllm:num_requests_running', (b) => Math.round(b)),
        gauge('vllm:num_requests_waiting', (b) => Math.max(0, Math.round(b - 6))),
        gauge('vllm:kv_cache_usage_perc', (b) => Math.min(0.95, 0.02 + 0.1 * b)),
        counter('vllm:prompt_tokens_total', (c) => c.inputTokens),
        counter('vllm:generation_tokens_total', (c) => c.outputTokens),
        counter('vllm:request_success_total', () => 1),
        histogram('vllm:time_to_first_token_seconds', TTFT_BOUNDS, (c) => (c.ttftMs === null ? null : c.ttftMs / 1000)),
        histogram('vllm:e2e_request_latency_seconds', E2E_BOUNDS, (c) => (c.endMs - c.startMs) / 1000),
      ] }],
    };
  }
}
