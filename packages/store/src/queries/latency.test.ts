import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import type { SpanRow } from '../spans.ts';
import { buildRollupHour } from '../semantic/rollup-build.ts';
import { compile } from '../semantic/compile.ts';
import { rollupCoverage } from '../semantic/coverage.ts';
import { planMetricsQuery, queryMetrics } from '../semantic/query.ts';
import { render } from '../sql.ts';
import { baseSpan, hex, insertSpanRows } from './fixtures.ts';
import { latencyPercentiles } from './latency-percentiles.ts';
import { bucketLowerMs, latencyHeatmap, latencyRegion } from './latency-heatmap.ts';
import { latencySaturation, modelSpeed } from './latency-saturation.ts';
import { dependencyHealth } from './latency-dependencies.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const MS = 1_000_000n;
// Two closed hours of yesterday.
const H0 = Math.floor(Date.now() / HOUR) * HOUR - 30 * HOUR;
let store: Store;

// ---- the fixture: 300 requests over two hours, one or two model calls each ----
let seed = 5;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const P = 'lat';
const spans: SpanRow[] = [];
const MODELS = [
  { model: 'gpt-4o', provider: 'openai', host: 'api.openai.com', base: 400 },
  { model: 'claude-sonnet', provider: 'anthropic', host: 'api.anthropic.com', base: 900 },
];
for (let i = 0; i < 300; i++) {
  const traceId = hex(i + 1, 32);
  const start = H0 + 1000 + Math.floor(rand() * (2 * HOUR - 20_000));
  const m = MODELS[i % 3 === 0 ? 1 : 0]!;
  const callMs = Math.round(m.base * Math.exp(rand() * 1.5));
  const throttled = i % 17 === 0;
  const rootMs = callMs + 50 + Math.round(rand() * 200) + (throttled ? 300 : 0);
  const timeout = i % 29 === 0;
  const ns = (ms: number) => BigInt(ms) * MS;
  const tenant = i % 2 ? 'acme' : 'globex';
  spans.push(baseSpan({
    projectId: P, traceId, spanId: hex(1, 16), name: 'POST /chat', route: '/chat', tenant, requestType: 'chat', category: 'agent', usageCounted: false,
    startTimeUnixNano: BigInt(start) * MS, endTimeUnixNano: BigInt(start) * MS + ns(rootMs),
    statusCode: timeout ? 'error' : 'ok', errorType: timeout ? 'timeout' : '',
  }));
  const call = (spanId: number, at: number, ms: number, over: Partial<SpanRow>) => spans.push(baseSpan({
    projectId: P, traceId, spanId: hex(spanId, 16), parentSpanId: hex(1, 16), name: `chat ${m.model}`, tenant, requestType: 'chat', route: '/chat',
    category: 'llm', operation: 'chat', provider: m.provider, requestModel: m.model, responseModel: `${m.model}-2025`,
    startTimeUnixNano: BigInt(at) * MS, endTimeUnixNano: BigInt(at) * MS + ns(ms), attributes: { 'server.address': m.host }, ...over,
  }));
  let at = start + 20;
  if (throttled) {
    call(3, at, 30, { statusCode: 'error', errorType: 'rate_limit', statusMessage: '429 Too Many Requests' });
    at += 300;
  }
  call(2, at, callMs, { statusCode: 'ok', finishReason: i % 7 === 0 ? 'length' : 'stop', outputTokens: 101, ttftMs: callMs / 5 });
}
const roots = spans.filter((s) => s.parentSpanId === '');
const calls = spans.filter((s) => s.category === 'llm');
const dur = (s: SpanRow) => Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6;
const inWindow = (s: SpanRow, a: number, b: number) => s.startTimeUnixNano >= BigInt(a) * MS && s.startTimeUnixNano < BigInt(b) * MS;

const isModelDim = (d: string) => ['model', 'response_model', 'provider'].includes(d);
const SUBJECT: Record<string, (s: SpanRow) => boolean> = Object.fromEntries(
  ['tenant', 'request_type', 'route', 'environment', 'service', 'service_version', 'model', 'response_model', 'provider', 'agent'].map((d) => [
    d, isModelDim(d) ? (s: SpanRow) => s.usageCounted : d === 'agent' ? (s: SpanRow) => s.category === 'agent' : (s: SpanRow) => s.parentSpanId === '',
  ]),
);
const VALUE: Record<string, (s: SpanRow) => string> = {
  tenant: (s) => s.tenant, request_type: (s) => s.requestType, route: (s) => s.route, environment: (s) => s.environment, service: (s) => s.service,
  service_version: (s) => s.serviceVersion, model: (s) => s.requestModel, response_model: (s) => s.responseModel, provider: (s) => s.provider, agent: (s) => s.agentName,
};

/** A sketch value is right when within 2 % of the exact order statistics around the rank (R-7 when exact). */
function expectQuantile(v: number | null, values: number[], q: number, exact: boolean): void {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = sorted[Math.floor(h)]!;
  const hi = sorted[Math.ceil(h)]!;
  expect(v).not.toBeNull();
  if (exact) expect(v!).toBeCloseTo(lo + (hi - lo) * (h - Math.floor(h)), 6);
  else {
    expect(v!).toBeGreaterThanOrEqual(lo * 0.98);
    expect(v!).toBeLessThanOrEqual(hi * 1.02);
  }
}

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-latency-'))));
  await store.migrate();
  await insertSpanRows(store, spans);
});
afterAll(async () => store?.close());

const window = { projectId: P, from: H0, to: H0 + 2 * HOUR };

describe('latency percentiles by dimension', () => {
  const check = async (exact: boolean) => {
    const r = await latencyPercentiles(store, { ...window, intervalMs: HOUR, dimension: 'model' });
    expect(r.source).toBe(exact ? 'spans' : 'rollup');
    expect(r.approximate).toBe(!exact);
    expect(r.series.map((s) => s.key).sort()).toEqual(['claude-sonnet', 'gpt-4o']);
    for (const s of r.series) {
      const mine = calls.filter((c) => c.requestModel === s.key && inWindow(c, window.from, window.to));
      expect(s.window.requests).toBe(mine.length);
      for (const [k, q] of [['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99]] as const) expectQuantile(s.window[k], mine.map(dur), q, exact);
      // Per-hour points: requests add up; each point's p95 is the p95 of that hour's calls (merged, not averaged).
      expect(s.points.map((p) => p.t)).toEqual([H0, H0 + HOUR]);
      expect(s.points.reduce((a, p) => a + p.requests, 0)).toBe(mine.length);
      for (const p of s.points) expectQuantile(p.p95, mine.filter((c) => inWindow(c, p.t, p.t + HOUR)).map(dur), 0.95, exact);
    }
  };

  it('raw spans: exact percentiles of model calls per model and per hour', async () => {
    await check(true);
  });

  it('end-to-end request latency by tenant with a filter', async () => {
    const r = await latencyPercentiles(store, { ...window, intervalMs: HOUR, dimension: 'tenant', filters: { route: ['/chat'] } });
    for (const s of r.series) {
      const mine = roots.filter((x) => x.tenant === s.key);
      expect(s.window.requests).toBe(mine.length);
      expectQuantile(s.window.p99, mine.map(dur), 0.99, true);
    }
    const none = await latencyPercentiles(store, { ...window, intervalMs: HOUR, filters: { route: ['/nope'] } });
    expect(none.series[0]?.window.requests ?? 0).toBe(0);
  });

  it('hourly rollup: merged sketches within 2 %, counts exact', async () => {
    await buildRollupHour(store, P, H0, 200);
    await buildRollupHour(store, P, H0 + HOUR, 200);
    await check(false);
  });

  it.each(['tenant', 'request_type', 'route', 'environment', 'service', 'service_version', 'model', 'response_model', 'provider', 'agent'])(
    'by %s the latency rollup answers (rollup_latency_hourly + raw edge): counts exact, percentiles within 2 %%', async (d) => {
      const SUBJECT_MEASURES = ['requests', 'errors', 'error_rate', 'avg_latency_ms', 'p50_latency_ms', 'p90_latency_ms', 'p95_latency_ms', 'p99_latency_ms'];
      for (const [from, interval] of [[H0, undefined], [H0 + 25 * MIN, undefined], [H0, HOUR]] as const) {
        const q = { projectId: P, from: new Date(from), to: new Date(H0 + 2 * HOUR), measures: SUBJECT_MEASURES, groupBy: [d], intervalMs: interval, limit: 100 };
        const plan = planMetricsQuery(q);
        const coverage = await rollupCoverage(store, P, plan.from, plan.to, [d]);
        const text = render(compile(P, plan, { coverage })).query;
        expect(text).toContain('FROM rollup_latency_hourly');
        expect(text).not.toMatch(/FROM rollup_hourly\b/);
        const fast = await queryMetrics(store, q);
        const raw = await store.query<Record<string, unknown>>(compile(P, plan));
        expect(fast.source).toBe('rollup');
        const rows = fast.rows.filter((r) => Number(r.requests) > 0);
        expect(rows).toHaveLength(raw.length);
        for (const r of rows) {
          const x = raw.find((y) => String(y[`d_${d}`]) === String(r[d]) && (interval === undefined || Number(y.__bucket) === Date.parse(String(r.time))))!;
          expect(x, `${d}=${String(r[d])}`).toBeDefined();
          expect(r.requests).toBe(Number(x.m_requests));
          expect(r.errors).toBe(Number(x.m_errors));
          expect(r.avg_latency_ms as number).toBeCloseTo(Number(x.m_avg_latency_ms), 6);
          // The sketch contract against the exact order statistics of the group's subject spans.
          const t0 = interval === undefined ? from : Date.parse(String(r.time));
          const t1 = interval === undefined ? H0 + 2 * HOUR : t0 + interval;
          const mine = spans.filter((s) => SUBJECT[d]!(s) && VALUE[d]!(s) === String(r[d]) && inWindow(s, t0, t1)).map(dur);
          expect(mine).toHaveLength(Number(r.requests));
          for (const [m, level] of [['p50_latency_ms', 0.5], ['p90_latency_ms', 0.9], ['p95_latency_ms', 0.95], ['p99_latency_ms', 0.99]] as const) {
            expectQuantile(r[m] as number, mine, level, false);
          }
        }
      }
      // A filter on another dimension falls back to rollup_hourly (the latency rollup keys one dimension).
      const other = planMetricsQuery({ projectId: P, from: new Date(H0), to: new Date(H0 + 2 * HOUR), measures: ['p95_latency_ms'], groupBy: [d], filters: { status: ['ok'] } });
      const cov = await rollupCoverage(store, P, other.from, other.to, [d, 'status']);
      expect(render(compile(P, other, { coverage: cov })).query).toMatch(/FROM rollup_hourly\b/);
    },
  );

  it('refuses an unknown dimension or filter, naming the field', async () => {
    await expect(latencyPercentiles(store, { ...window, intervalMs: HOUR, dimension: 'host' as never })).rejects.toMatchObject({ field: 'dimension' });
    await expect(latencyPercentiles(store, { ...window, intervalMs: HOUR, filters: { host: ['x'] } as never })).rejects.toMatchObject({ field: 'filter[host]' });
  });
});

describe('latency heatmap and its regions', () => {
  it('counts every request once, in log-spaced duration buckets', async () => {
    const h = await latencyHeatmap(store, { ...window, intervalMs: 10 * MIN });
    expect(h.total).toBe(roots.length);
    for (const c of h.cells) {
      const mine = roots.filter((s) => inWindow(s, c.t, c.t + 10 * MIN) && dur(s) >= bucketLowerMs(c.b) && dur(s) < bucketLowerMs(c.b + 1));
      expect(c.count).toBe(mine.length);
    }
    const byModel = await latencyHeatmap(store, { ...window, intervalMs: 10 * MIN, dimension: 'model', filters: { model: ['gpt-4o'] } });
    expect(byModel.total).toBe(calls.filter((c) => c.requestModel === 'gpt-4o').length);
  });

  it('a region lists exactly the spans of its cells, slowest first', async () => {
    const h = await latencyHeatmap(store, { ...window, intervalMs: 10 * MIN });
    const cell = [...h.cells].sort((a, b) => b.count - a.count)[0]!;
    const r = await latencyRegion(store, { projectId: P, from: cell.t, to: cell.t + 10 * MIN, minMs: bucketLowerMs(cell.b), maxMs: bucketLowerMs(cell.b + 1) });
    expect(r.total).toBe(cell.count);
    expect(r.spans).toHaveLength(Math.min(cell.count, 50));
    expect(r.spans.map((s) => s.durationMs)).toEqual([...r.spans.map((s) => s.durationMs)].sort((a, b) => b - a));
    for (const s of r.spans) expect(s.name).toBe('POST /chat');
  });
});

describe('throughput and saturation', () => {
  it('requests/s, timeouts, retries and tokens/s per bucket add up to the brute force', async () => {
    const r = await latencySaturation(store, { ...window, intervalMs: HOUR });
    expect(r.points).toHaveLength(2);
    expect(r.totals.requests).toBe(roots.length);
    expect(r.totals.timeouts).toBe(roots.filter((s) => s.errorType === 'timeout').length);
    expect(r.totals.retries).toBe(calls.filter((s) => s.errorType === 'rate_limit').length);
    expect(r.totals.modelCalls).toBe(calls.length);
    expect(r.totals.outputTokens).toBe(calls.reduce((a, s) => a + s.outputTokens, 0));
    expect(r.points[0]!.requestsPerSec).toBeCloseTo(roots.filter((s) => inWindow(s, H0, H0 + HOUR)).length / 3600, 9);
  });

  it('requests in flight from span intervals: the mean over the bucket and the peak', async () => {
    const Q = 'conc';
    const req = (i: number, a: number, b: number) => baseSpan({ projectId: Q, traceId: hex(1000 + i, 32), spanId: hex(1, 16), startTimeUnixNano: BigInt(H0 + a) * MS, endTimeUnixNano: BigInt(H0 + b) * MS });
    // [0, 30 min), [10, 20 min), [40, 50 min) in hour 0; [50 min, 70 min) crosses into hour 1.
    await insertSpanRows(store, [req(1, 0, 30 * MIN), req(2, 10 * MIN, 20 * MIN), req(3, 40 * MIN, 50 * MIN), req(4, 50 * MIN, 70 * MIN)]);
    const r = await latencySaturation(store, { projectId: Q, from: H0, to: H0 + 2 * HOUR, intervalMs: HOUR });
    expect(r.points[0]!.inFlightAvg).toBeCloseTo((30 + 10 + 10 + 10) / 60, 9);
    expect(r.points[1]!.inFlightAvg).toBeCloseTo(10 / 60, 9);
    expect(r.points[0]!.inFlightPeak).toBe(2);
    expect(r.points[0]!.requests).toBe(4);
    expect(r.points[1]!.requests).toBe(0);
  });

  it('TTFT and time per output token p95 by model', async () => {
    const rows = await modelSpeed(store, window);
    for (const m of MODELS) {
      const row = rows.find((r) => r.model === m.model)!;
      const mine = calls.filter((c) => c.requestModel === m.model);
      expect(row.calls).toBe(mine.length);
      const ok = mine.filter((c) => c.ttftMs !== null);
      expect(row.streamed).toBe(ok.length);
      expectQuantile(row.tpotP95Ms, ok.map((c) => (dur(c) - c.ttftMs!) / (c.outputTokens - 1)), 0.95, true);
      expectQuantile(row.ttftP95Ms, ok.map((c) => c.ttftMs!), 0.95, false);
    }
  });
});

describe('dependency health', () => {
  it('per provider and endpoint: errors, 429s, truncations and p95', async () => {
    const rows = await dependencyHealth(store, window);
    expect(rows.map((r) => `${r.provider} ${r.endpoint}`).sort()).toEqual(['anthropic api.anthropic.com', 'openai api.openai.com']);
    for (const r of rows) {
      const mine = calls.filter((c) => c.provider === r.provider);
      expect(r.calls).toBe(mine.length);
      expect(r.errors).toBe(mine.filter((c) => c.statusCode === 'error').length);
      expect(r.throttled).toBe(mine.filter((c) => c.errorType === 'rate_limit').length);
      expect(r.throttled).toBeGreaterThan(0);
      expect(r.truncated).toBe(mine.filter((c) => c.finishReason === 'length').length);
      expect(r.finished).toBe(mine.filter((c) => c.finishReason !== '').length);
      expectQuantile(r.p95Ms, mine.map(dur), 0.95, true);
    }
  });
});
