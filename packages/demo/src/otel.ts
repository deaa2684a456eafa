/**
 * Emits scenario traces through the real OpenTelemetry JS SDK (2.x family): one
 * NodeTracerProvider per service (a provider has one resource), each with a BatchSpanProcessor
 * and an OTLP/HTTP exporter (JSON or protobuf). Spans get explicit start/end times, so one second
 * of wall time can carry many traces; each trace is shifted so that it ends just before "now".
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace as otelTrace, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { exceptionEvent, resourceAttributes, SCOPE_NAME, SERVICE_VERSION, spanAttributes } from './attributes.ts';
import { DEMO_SERVED_MODEL, type GpuDemo } from './gpu.ts';
import { Scenario, type PlannedKind, type PlannedTrace } from './scenario.ts';
import { applyRegression, type RegressionInjection } from './regression.ts';

export type OtlpProtocol = 'http/json' | 'http/protobuf';

export interface WorkloadProgress {
  traces: number;
  spans: number;
  elapsedMs: number;
}

export interface WorkloadOptions {
  /** Collector base URL; spans go to `${endpoint}/v1/traces`. */
  endpoint: string;
  headers?: Record<string, string>;
  tracesPerSecond: number;
  /** Wall-clock duration; Infinity runs until `signal` aborts. */
  durationSec: number;
  seed: number;
  protocol: OtlpProtocol;
  onProgress?: (p: WorkloadProgress) => void;
  signal?: AbortSignal;
  /** Scenario knobs (failure / retry / content rates). */
  failureRate?: number;
  retryRate?: number;
  contentRate?: number;
  /** Also send GPU / model-server metrics consistent with the self-hosted model calls (gpu.ts). */
  gpu?: GpuDemo;
  /** Slow one model down for one tenant from a time (see regression.ts). */
  regression?: RegressionInjection;
  /** Stamp traces this much later (negative: earlier) than now, e.g. −7 days to send a baseline week. */
  timeShiftMs?: number;
}

export interface WorkloadResult {
  traces: number;
  /** Spans created and ended. */
  spans: number;
  /** Spans the exporter reported delivered. */
  exportedSpans: number;
  /** Spans in export calls that failed (after the exporter's own retries). */
  failedSpans: number;
  exportFailures: number;
  /** True when any span was not delivered (failed export, or dropped by a full queue). */
  failed: boolean;
  elapsedMs: number;
}

const KIND: Record<PlannedKind, SpanKind> = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL };

/** Epoch milliseconds (fractional) → HrTime. Numbers would be misread as performance.now()
 *  offsets when they predate the process start, so times are always passed as HrTime. */
export function msToHrTime(ms: number): HrTime {
  let sec = Math.floor(ms / 1000);
  let nanos = Math.round((ms - sec * 1000) * 1e6);
  if (nanos >= 1e9) {
    sec += 1;
    nanos -= 1e9;
  }
  return [sec, nanos];
}

/** Counts what the wrapped exporter delivers or fails. */
class CountingExporter implements SpanExporter {
  exported = 0;
  failed = 0;
  failures = 0;

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.exported += spans.length;
      else {
        this.failed += spans.length;
        this.failures++;
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Hands the SDK the scenario's ids, so emitted traces match the plan (trace ids are stable per seed). */
class PlannedIds {
  traceId = '';
  spanId = '';
  generateTraceId = (): string => this.traceId;
  generateSpanId = (): string => this.spanId;
}

interface ServiceTracer {
  provider: NodeTracerProvider;
  exporter: CountingExporter;
  tracer: Tracer;
}

function makeExporter(o: WorkloadOptions): SpanExporter {
  const config = { url: `${o.endpoint.replace(/\/$/, '')}/v1/traces`, headers: o.headers ?? {}, timeoutMillis: 10_000 };
  return o.protocol === 'http/protobuf' ? new OTLPProtoExporter(config) : new OTLPHttpJsonExporter(config);
}

export async function runWorkload(o: WorkloadOptions): Promise<WorkloadResult> {
  if (!(o.tracesPerSecond > 0)) throw new Error('tracesPerSecond must be > 0');
  if (!(o.durationSec > 0)) throw new Error('durationSec must be > 0');
  const ids = new PlannedIds();
  const services = new Map<string, ServiceTracer>();
  // Enough queue for ~2 s of spans at the requested rate (≈ 12 spans per trace on average).
  const maxQueueSize = Math.max(8192, Math.ceil(o.tracesPerSecond * 30));
  const serviceTracer = (service: string): Tracer => {
    let s = services.get(service);
    if (!s) {
      const exporter = new CountingExporter(makeExporter(o));
      const provider = new NodeTracerProvider({
        resource: resourceFromAttributes(resourceAttributes(service)),
        idGenerator: ids,
        spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize, maxExportBatchSize: 2048, scheduledDelayMillis: 200 })],
      });
      s = { provider, exporter, tracer: provider.getTracer(SCOPE_NAME, SERVICE_VERSION) };
      services.set(service, s);
    }
    return s.tracer;
  };

  const scenario = new Scenario({ seed: o.seed, failureRate: o.failureRate, retryRate: o.retryRate, contentRate: o.contentRate });
  const total = Number.isFinite(o.durationSec) ? Math.max(1, Math.round(o.tracesPerSecond * o.durationSec)) : Infinity;
  const started = performance.now();
  let traces = 0;
  let spans = 0;
  let gpuFlushedAt = -Infinity;
  while (traces < total && !o.signal?.aborted) {
    const elapsedMs = performance.now() - started;
    const due = Math.min(total, Math.floor((elapsedMs / 1000) * o.tracesPerSecond) + 1);
    for (; traces < due; traces++) {
      const t = scenario.next();
      const nowMs = Date.now() + (o.timeShiftMs ?? 0);
      if (o.regression) applyRegression(t, nowMs - t.durationMs - 50, o.regression);
      spans += emitTrace(t, nowMs, serviceTracer, ids, o.gpu);
    }
    o.onProgress?.({ traces, spans, elapsedMs });
    if (o.gpu && elapsedMs - gpuFlushedAt >= 5000) {
      gpuFlushedAt = elapsedMs;
      await o.gpu.flush();
    }
    if (traces < total) {
      const nextDueMs = ((traces / o.tracesPerSecond) * 1000) - (performance.now() - started);
      await sleep(Math.min(100, Math.max(1, nextDueMs)), o.signal);
    }
  }

  await o.gpu?.flush(Date.now(), true);
  const all = [...services.values()];
  await Promise.all(all.map((s) => s.provider.forceFlush().catch(() => undefined)));
  await Promise.all(all.map((s) => s.provider.shutdown().catch(() => undefined)));
  const exportedSpans = all.reduce((n, s) => n + s.exporter.exported, 0);
  const failedSpans = all.reduce((n, s) => n + s.exporter.failed, 0);
  const exportFailures = all.reduce((n, s) => n + s.exporter.failures, 0);
  return {
    traces, spans, exportedSpans, failedSpans, exportFailures,
    failed: exportFailures > 0 || exportedSpans < spans,
    elapsedMs: performance.now() - started,
  };
}

/** Creates and ends all spans of one trace so that it ends ~50 ms before `nowMs`. Returns the span count. */
function emitTrace(t: PlannedTrace, nowMs: number, tracerFor: (service: string) => Tracer, ids: PlannedIds, gpu?: GpuDemo): number {
  const base = nowMs - t.durationMs - 50;
  for (const s of t.spans) {
    if (gpu && s.operation === 'chat' && s.requestModel === DEMO_SERVED_MODEL && s.status === 'ok') {
      gpu.record({ startMs: base + s.startMs, endMs: base + s.endMs, inputTokens: s.inputTokens, outputTokens: s.outputTokens, ttftMs: s.ttftMs });
    }
  }
  const live = new Map<string, Span>();
  ids.traceId = t.traceId;
  for (const s of t.spans) {
    const parent = live.get(s.parentSpanId);
    const ctx = parent ? otelTrace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    ids.spanId = s.spanId;
    const span = tracerFor(s.service).startSpan(
      s.name,
      { kind: KIND[s.kind], startTime: msToHrTime(base + s.startMs), attributes: spanAttributes(t, s) },
      ctx,
    );
    live.set(s.spanId, span);
  }
  // End leaves first (in end-time order), as an instrumented app would; the root ends last.
  const byEnd = [...t.spans].sort((a, b) => a.endMs - b.endMs);
  for (const s of byEnd) {
    const span = live.get(s.spanId)!;
    const end = msToHrTime(base + s.endMs);
    const exception = exceptionEvent(s);
    if (exception) {
      span.addEvent('exception', exception, end);
      span.setStatus({ code: SpanStatusCode.ERROR, message: s.statusMessage });
    } else {
      span.setStatus({ code: SpanStatusCode.OK });
    }
    span.end(end);
  }
  return t.spans.length;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
