import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import type { SpanRow } from '../spans.ts';
import { buildRollupHour } from '../semantic/rollup-build.ts';
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
