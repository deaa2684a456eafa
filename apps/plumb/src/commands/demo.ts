import { parseArgs } from 'node:util';
import { backfill, DEMO_TENANTS, GpuDemo, REGRESSION_STAGES, runWorkload, type OtlpProtocol, type RegressionInjection, type RegressionStage } from '@plumb/demo';
import { openStore } from './migrate.ts';

export async function demo(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string', default: process.env.PLUMB_DEMO_ENDPOINT || `http://127.0.0.1:${process.env.PLUMB_COLLECTOR_PORT || 4318}` },
      key: { type: 'string', default: process.env.PLUMB_INGEST_KEY || undefined },
      rate: { type: 'string', default: '5' },
      duration: { type: 'string', default: '60' },
      protocol: { type: 'string', default: 'http/protobuf' },
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      backfill: { type: 'boolean', default: false },
      days: { type: 'string', default: '30' },
      spans: { type: 'string', default: '1000000' },
      // Backfill only: from --drift-after (ISO time, or hours before now: 24h), the calls served by
      // --drift-model produce --drift-factor× the output tokens and 30 % stop on `length`.
      'drift-model': { type: 'string' },
      'drift-after': { type: 'string', default: '24h' },
      'drift-factor': { type: 'string', default: '2' },
      // DCGM-like and vLLM-like metrics for the self-hosted model (packages/demo gpu.ts); --no-gpu off.
      gpu: { type: 'boolean', default: true },
      // Latency regression (backfill and live): from --regression-from (ISO time, or hours before
      // now: 2h; default now), the calls of --regression-model made for --regression-tenant take
      // --regression-ms longer in --regression-stage (decode: longer generation; prefill: later
      // first token). --time-shift (hours, e.g. -168) stamps live traces earlier, to send a baseline.
      'regression-model': { type: 'string' },
      'regression-tenant': { type: 'string' },
      'regression-from': { type: 'string' },
      'regression-stage': { type: 'string', default: 'decode' },
      'regression-ms': { type: 'string', default: '20000' },
      'time-shift': { type: 'string', default: '0' },
    },
    allowNegative: true,
  });
  const regression = regressionOption(values);
  if (values.backfill) {
    const store = await openStore();
    try {
      await store.migrate();
      let last = 0;
      const r = await backfill(store, {
        days: Number(values.days),
        spans: Number(values.spans),
        seed: Number(values.seed),
        ...(values['drift-model'] ? { drift: { model: values['drift-model'], afterMs: driftAfter(values['drift-after']!), outputFactor: Number(values['drift-factor']) } } : {}),
        ...(regression ? { regression } : {}),
        onProgress: (p) => {
          if (p.elapsedMs - last < 2000) return;
          last = p.elapsedMs;
          console.log(`  ${p.spans.toLocaleString()} spans (${Math.round(p.spansPerSec).toLocaleString()}/s)`);
        },
      });
      console.log(`backfilled ${r.spans.toLocaleString()} spans in ${r.traces.toLocaleString()} traces over ${values.days} days in ${(r.elapsedMs / 1000).toFixed(1)} s; cost $${r.costUsd}`);
    } finally {
      await store.close();
    }
    return;
  }
  const protocol = values.protocol as OtlpProtocol;
  if (protocol !== 'http/json' && protocol !== 'http/protobuf') throw new Error('--protocol must be http/json or http/protobuf');
  const duration = values.duration === 'forever' ? Number.POSITIVE_INFINITY : Number(values.duration);
  console.log(`demo: ${values.rate} traces/s for ${Number.isFinite(duration) ? `${duration}s` : 'ever'} → ${values.endpoint} (${protocol})`);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let last = 0;
  const headers = values.key ? { Authorization: `Bearer ${values.key}` } : undefined;
  const gpu = values.gpu ? new GpuDemo({ endpoint: values.endpoint!, headers }) : undefined;
  const r = await runWorkload({
    endpoint: values.endpoint!,
    headers,
    gpu,
    tracesPerSecond: Number(values.rate),
    durationSec: duration,
    seed: Number(values.seed),
    protocol,
    signal: abort.signal,
    ...(regression ? { regression } : {}),
    timeShiftMs: hoursOption('--time-shift', values['time-shift']!),
    onProgress: (p) => {
      if (p.elapsedMs - last < 5000) return;
      last = p.elapsedMs;
      console.log(`  ${p.traces} traces, ${p.spans} spans`);
    },
  });
  console.log(`demo: sent ${r.traces} traces (${r.exportedSpans}/${r.spans} spans delivered)`);
  if (gpu) console.log(`demo: sent ${gpu.pointsSent} GPU / model-server metric points${gpu.failures ? ` (${gpu.failures} requests failed)` : ''}`);
  if (r.failed) {
    console.error(`demo: ${r.failedSpans} spans were not delivered — is Plumb running (npm start)?`);
    process.exitCode = 1;
  }
}

/** `24h` = 24 hours before now; anything else an ISO time. */
function driftAfter(v: string): number {
  const m = /^(\d+(?:\.\d+)?)h$/.exec(v.trim());
  const ms = m ? Date.now() - Number(m[1]) * 3_600_000 : Date.parse(v);
  if (!Number.isFinite(ms)) throw new Error(`--drift-after: expected an ISO time or hours like 24h, got ${JSON.stringify(v)}`);
  return ms;
}

function hoursOption(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${flag}: expected hours (a number), got ${JSON.stringify(v)}`);
  return n * 3_600_000;
}

/** The --regression-* flags → an injection, or undefined without --regression-model. */
function regressionOption(v: Record<string, string | boolean | undefined>): RegressionInjection | undefined {
  const model = v['regression-model'];
  if (typeof model !== 'string' || model === '') return undefined;
  const tenant = v['regression-tenant'];
  if (typeof tenant !== 'string' || tenant === '') throw new Error(`--regression-tenant is required with --regression-model (one of ${DEMO_TENANTS.join(', ')})`);
  const stage = v['regression-stage'] as RegressionStage;
  if (!REGRESSION_STAGES.includes(stage)) throw new Error(`--regression-stage: one of ${REGRESSION_STAGES.join(', ')}`);
  const extraMs = Number(v['regression-ms']);
  if (!(extraMs > 0 && extraMs <= 600_000)) throw new Error('--regression-ms: a number of milliseconds in 1..600000');
  const from = v['regression-from'];
  const fromMs = typeof from === 'string' && from !== '' ? driftAfter(from) : Date.now();
  return { model, tenant, stage, extraMs, fromMs };
}
