import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, insertSpanRows } from './queries/fixtures.ts';
import { deployMarkers, latencyRegression, stageBreakdown } from './regression.ts';
import type { SpanRow } from './spans.ts';
import { computeStagesForHour, getRequestStages, unstagedHours } from './stages.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
const P = 'default';
const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / HOUR) * HOUR;
const B = NOW - 7 * 24 * HOUR - 2 * HOUR; // baseline hour
const C = NOW - 2 * HOUR; // comparison hour
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
const ns = (ms: number) => BigInt(Math.round(ms * 1000)) * 1000n;

/**
 * One request: root agent [0, d] → retrieval [0, 100] → model call [100, 100 + llm] (queue 50 ms,
 * TTFT 200 ms as attributes) → two parallel tool calls. In the comparison hour, model m-b for
 * tenant t1 decodes 2 s longer (and is served by a new version m-b-2 from service 2.0).
 */
function request(i: number, at: number, slow: boolean, model: string, tenant: string, version: string, served: string): SpanRow[] {
  const trace = hex(i + 1, 32);
  const sid = (k: number) => hex(i * 8 + k, 16);
  const jitter = (i * 37) % 200;
  const llmMs = 600 + jitter + (slow ? 2000 : 0);
  const toolEnd = 100 + llmMs + 300;
  const end = toolEnd + 50;
  const ctx = { projectId: P, traceId: trace, tenant, requestType: 'chat', serviceVersion: version };
  const sp = (k: number, a: number, b: number, over: Partial<SpanRow>) =>
    baseSpan({ ...ctx, spanId: sid(k), parentSpanId: k === 1 ? '' : sid(1), startTimeUnixNano: ns(at + a), endTimeUnixNano: ns(at + b), ...over });
  return [
    sp(1, 0, end, { category: 'agent', agentName: 'assistant', name: 'invoke_agent assistant', statusCode: 'ok' }),
    sp(2, 0, 100, { category: 'retrieval', name: 'retrieve' }),
    sp(3, 100, 100 + llmMs, {
      category: 'llm', requestModel: model, responseModel: served, provider: 'openai', outputTokens: 100, ttftMs: 200,
      attributes: { 'gen_ai.latency.time_in_queue': '0.05' },
    }),
    sp(4, 100 + llmMs, toolEnd - 100, { category: 'tool', toolName: 'a' }),
    sp(5, 100 + llmMs, toolEnd, { category: 'tool', toolName: 'b' }),
  ];
}

function workload(): SpanRow[] {
  const rows: SpanRow[] = [];
  let i = 0;
  for (const [start, comparison] of [[B, false], [C, true]] as const) {
    for (let k = 0; k < 400; k++) {
      const model = k % 2 === 0 ? 'm-a' : 'm-b';
      const tenant = k % 4 < 2 ? 't1' : 't2';
      const regressed = comparison && model === 'm-b' && tenant === 't1';
      rows.push(...request(i++, start + k * 8000, regressed, model, tenant, regressed ? '2.0' : '1.0', regressed ? 'm-b-2' : model));
    }
  }
  return rows;
}

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-regression-'))));
  await store.migrate();
  await insertSpanRows(store, workload());
  const hours = await unstagedHours(store, NOW - 10 * 24 * HOUR, NOW + HOUR);
  expect(hours.map((h) => h.hourMs).sort()).toEqual([B, C]);
  for (const h of hours) await computeStagesForHour(store, h.projectId, h.hourMs, { settleMs: 0 });
}, 120_000);

afterAll(async () => {
  await store?.close();
});

describe('request stages', () => {
  it('computes each trace once: a second pass finds nothing to do', async () => {
    expect(await unstagedHours(store, NOW - 10 * 24 * HOUR, NOW + HOUR)).toEqual([]);
    expect(await computeStagesForHour(store, P, C, { settleMs: 0 })).toBe(0);
    const [n] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM request_stages FINAL`);
    expect(Number(n!.n)).toBe(800);
  });

  it('gives one request its critical-path stages (parallel tools counted once)', async () => {
    const r = await getRequestStages(store, P, hex(1, 32));
    // Request 0: llm 600 ms (queue 50, prefill 150, decode 400), tools 300 (the longer of two parallel), root own 50.
    expect(r).toMatchObject({ durationMs: 1050, outputTokens: 100, llmCalls: 1, dimensions: { model: 'm-a', tenant: 't1', agent: 'assistant' } });
    expect(r!.stages).toEqual({ queue: 50, prefill: 150, decode: 400, llm: 0, retrieval: 100, tool: 300, own: 50 });
    expect(await getRequestStages(store, P, hex(99_999, 32))).toBeNull();
  });

  it('aggregates stage shares per segment, for all and for slow requests', async () => {
    const s = await stageBreakdown(store, P, { window: { fromMs: C, toMs: C + HOUR }, groupBy: 'model' });
    expect(s.total.requests).toBe(400);
    expect(s.segments.map((g) => g.value).sort()).toEqual(['m-a', 'm-b']);
    const mb = s.segments.find((g) => g.value === 'm-b')!;
    const sumShare = Object.values(mb.all.share).reduce((a, b) => a + b, 0);
    expect(sumShare).toBeCloseTo(1, 9);
    expect(s.total.slow.share.decode).toBeGreaterThan(s.total.all.share.decode);
    expect(s.segments.find((g) => g.value === 'm-a')!.slowRequests).toBe(0);
  });
});

describe('latencyRegression', () => {
  it('finds the model and tenant that slowed down, and the stage where the time went', async () => {
    const r = await latencyRegression(store, P, { baseline: { fromMs: B, toMs: B + HOUR }, comparison: { fromMs: C, toMs: C + HOUR } });
    expect(r.p95.baselineCount).toBe(400);
    expect(r.p95.comparisonCount).toBe(400);
    expect(r.p95.change).toBeGreaterThan(1500);
    expect(r.p95.ci![0]).toBeGreaterThan(0);
    const dim = (d: string) => r.attribution.dimensions.find((x) => x.dimension === d)!;
    expect(dim('model').segments[0]!.value).toBe('m-b');
    expect(dim('tenant').segments[0]!.value).toBe('t1');
    for (const d of r.attribution.dimensions) expect(d.mix + d.within).toBeCloseTo(r.attribution.change, 9);
    // Decode grew; queue and prefill did not.
    const delta = (s: 'decode' | 'queue' | 'prefill') => r.stages.comparison.all.meanMs[s] - r.stages.baseline.all.meanMs[s];
    expect(delta('decode')).toBeGreaterThan(400);
    expect(Math.abs(delta('queue'))).toBeLessThan(1);
    expect(r.worst).not.toBeNull();
    expect(r.exemplars.length).toBe(10);
    for (const e of r.exemplars) expect(e.dimensions).toMatchObject({ model: 'm-b', tenant: 't1' });
    expect(r.exemplars[0]!.durationMs).toBeGreaterThanOrEqual(r.exemplars[9]!.durationMs);
  });

  it('filters by a dimension and finds the deploy markers', async () => {
    const r = await latencyRegression(store, P, {
      baseline: { fromMs: B, toMs: B + HOUR }, comparison: { fromMs: C, toMs: C + HOUR }, filters: { tenant: ['t2'] },
    });
    expect(r.p95.comparisonCount).toBe(200);
    expect(r.exemplars.every((e) => e.dimensions.tenant === 't2')).toBe(true);
    const m = await deployMarkers(store, P, NOW - 24 * HOUR, NOW + HOUR);
    expect(m.map((x) => [x.dimension, x.value, x.firstSeenMs]).sort()).toEqual([
      ['response_model', 'm-b-2', C + 8000],
      ['service_version', '2.0', C + 8000],
    ]);
  });
});
