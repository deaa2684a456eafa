import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@plumb/store';
import { correctionsJob, CorrectionStats } from '@plumb/worker';
import { hexId, otlpJson, postJson, startTestCollector, type JsonSpanSpec, type TestCollector } from './testing.ts';

/**
 * Defect 4: spend landing under "untagged". Late trace context is corrected from the store (the
 * trace_context view + the worker's corrections job), not from one collector's memory.
 */
let t: TestCollector;
const stats = new CorrectionStats();
const logs: string[] = [];
const job = correctionsJob((m) => logs.push(m), { stats, batch: 50 });
const run = () => job.run(t.store, new AbortController().signal);

beforeAll(async () => {
  t = await startTestCollector({ contextHoldMs: 150 });
});
afterAll(async () => t?.stop());

/** Everything accepted so far is stored, then one corrections pass runs (twice: the re-check is a no-op). */
async function settle(...collectors: TestCollector[]) {
  for (const c of collectors.length ? collectors : [t]) await c.collector.flush();
  await run();
  await run();
}

const byTenant = (traceId: string) =>
  t.store.query<{ tenant: string; spans: string; input: string; resolved: boolean }>(sql`
    SELECT tenant, toString(count()) AS spans, toString(sum(input_tokens)) AS input, min(context_resolved) AS resolved
    FROM spans FINAL WHERE trace_id = ${traceId} GROUP BY tenant ORDER BY tenant`);

const base = Date.now() - 120_000;
function spansOf(traceId: string) {
  const root = hexId(8);
  const at = base + Math.random() * 60_000;
  return {
    root,
    rootSpan: (attributes: Record<string, string> = {}): JsonSpanSpec => ({ traceId, spanId: root, name: 'handle', startMs: at, durationMs: 900, attributes }),
    llm: (attributes: Record<string, string | number> = {}): JsonSpanSpec => ({
      traceId, spanId: hexId(8), parentSpanId: root, name: 'chat gpt-4o', startMs: at + 10 + Math.random() * 500, durationMs: 100,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 100, ...attributes },
    }),
  };
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('late trace context, corrected from the store', () => {
  it('(a) applies a tenant carried by a span that arrives after the root resolved the trace without one', async () => {
    const traceId = hexId(16);
    const s = spansOf(traceId);
    await postJson(t.url, otlpJson([s.llm(), s.rootSpan({ 'plumb.request_type': 'chat' })]));
    await t.collector.flush();
    expect(await byTenant(traceId)).toMatchObject([{ tenant: '', spans: '2' }]);
    await postJson(t.url, otlpJson([s.llm({ 'tenant.id': 'late-co' })]));
    await settle();
    expect(await byTenant(traceId)).toMatchObject([{ tenant: 'late-co', spans: '3', input: '200', resolved: true }]);
  });

  it('corrects rows written before a late root (hold expired), idempotently', async () => {
    const traceId = hexId(16);
    const s = spansOf(traceId);
    await postJson(t.url, otlpJson([s.llm(), s.llm()]));
    await wait(400); // past the hold: written untagged
    await t.collector.flush();
    expect(await byTenant(traceId)).toMatchObject([{ tenant: '', spans: '2', resolved: false }]);
    await postJson(t.url, otlpJson([s.rootSpan({ 'tenant.id': 'very-late', 'plumb.request_type': 'chat' })]));
    await settle();
    expect(await byTenant(traceId)).toMatchObject([{ tenant: 'very-late', spans: '3', input: '200', resolved: true }]);
    const rewritten = stats.rowsRewritten;
    await run();
    expect(stats.rowsRewritten).toBe(rewritten); // nothing left to rewrite
  });

  it('(b) corrects a trace the context stage evicted to stay within its byte budget', async () => {
    const small = await startTestCollector({ contextHoldMs: 100, contextMaxBytes: 32 * 1024, walDir: t.dir + '/b' }, { store: t.store, dir: t.dir });
    try {
      const traceId = hexId(16);
      const s = spansOf(traceId);
      await postJson(small.url, otlpJson([s.llm(), s.llm()]));
      await wait(300);
      // 100 other rootless traces of 10 spans: far past 32 KiB of state, so the first is evicted.
      for (let i = 0; i < 10; i++) {
        const others = Array.from({ length: 10 }, () => {
          const o = spansOf(hexId(16));
          return Array.from({ length: 10 }, () => o.llm());
        }).flat();
        await postJson(small.url, otlpJson(others));
      }
      expect(small.collector.contextStats.evicted).toBeGreaterThan(0);
      expect(small.collector.contextStats.bytes).toBeLessThanOrEqual(32 * 1024);
      await postJson(small.url, otlpJson([s.rootSpan({ 'tenant.id': 'evicted-co' })]));
      await settle(small);
      expect(await byTenant(traceId)).toMatchObject([{ tenant: 'evicted-co', spans: '3', input: '200', resolved: true }]);
    } finally {
      await small.stop();
    }
  });

  it('(d) corrects rows written before a restart when the root arrives after it (a second collector on the same store)', async () => {
    // Its own WAL directory: what the first wrote is inserted and gone from any WAL (as after a
    // segment rotation), so nothing the second collector replays can remind it of the trace.
    const first = await startTestCollector({ contextHoldMs: 100, walDir: t.dir + '/d1' }, { store: t.store, dir: t.dir });
    const traceId = hexId(16);
    const s = spansOf(traceId);
    await postJson(first.url, otlpJson([s.llm(), s.llm(), s.llm()]));
    await first.stop(); // writes the held spans unresolved, as a shutdown does
    const second = await startTestCollector({ contextHoldMs: 100, walDir: t.dir + '/d2' }, { store: t.store, dir: t.dir });
    try {
      await postJson(second.url, otlpJson([s.rootSpan({ 'tenant.id': 'after-restart', 'plumb.request_type': 'chat', 'user.id': 'u-7' })]));
      await settle(second);
      expect(await byTenant(traceId)).toMatchObject([{ tenant: 'after-restart', spans: '4', input: '300', resolved: true }]);
      const [u] = await t.store.query<{ users: string[] }>(sql`SELECT groupUniqArray(user_id) AS users FROM spans FINAL WHERE trace_id = ${traceId}`);
      expect(u!.users).toEqual(['u-7']);
    } finally {
      await second.stop();
    }
  });

  it('corrects across collectors: the root went to one, a span carrying the tenant to another', async () => {
    const other = await startTestCollector({ contextHoldMs: 100, walDir: t.dir + '/x' }, { store: t.store, dir: t.dir });
    try {
      const traceId = hexId(16);
      const s = spansOf(traceId);
      await postJson(t.url, otlpJson([s.llm(), s.rootSpan({ 'plumb.request_type': 'chat' })])); // resolved here, no tenant
      // Tenant and request type on the span: the other collector resolves the trace by itself.
      await postJson(other.url, otlpJson([s.llm({ 'tenant.id': 'elsewhere', 'plumb.request_type': 'chat' })]));
      await settle(t, other);
      expect(await byTenant(traceId)).toMatchObject([{ tenant: 'elsewhere', spans: '3', input: '200', resolved: true }]);
    } finally {
      await other.stop();
    }
  });

  it('(c) counts a failing correction in /metrics and retries it until it succeeds', async () => {
    const traceId = hexId(16);
    const s = spansOf(traceId);
    await postJson(t.url, otlpJson([s.llm()]));
    await wait(400);
    await postJson(t.url, otlpJson([s.rootSpan({ 'tenant.id': 'retried-co' })]));
    await t.collector.flush();
    const failedBefore = stats.failed;
    // A real store fault: the table a rewrite must mark is gone, so every correction fails.
    await t.store.command(sql`RENAME TABLE rollup_dirty_hours TO rollup_dirty_hours_away`);
    try {
      for (let i = 0; i < 6; i++) await run(); // more passes than the old writer's 5 attempts
    } finally {
      await t.store.command(sql`RENAME TABLE rollup_dirty_hours_away TO rollup_dirty_hours`);
    }
    expect(stats.failed).toBeGreaterThanOrEqual(failedBefore + 6);
    expect(stats.failing).toBeGreaterThan(0);
    expect(logs.some((l) => l.includes(traceId) && l.includes('failed'))).toBe(true);
    expect(await byTenant(traceId)).toMatchObject([{ tenant: '' }, { tenant: 'retried-co' }]);
    t.collector.metrics.addSource(() => stats.render());
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/plumb_context_corrections_total\{outcome="failed"\} [1-9]/);
    expect(metrics).toMatch(/plumb_context_corrections_failing [1-9]/);
    // Not given up: the next pass, with the store healthy again, corrects it.
    await run();
    await run();
    expect(stats.failing).toBe(0);
    expect(await byTenant(traceId)).toMatchObject([{ tenant: 'retried-co', spans: '2', resolved: true }]);
  });

  it('keeps spend of a trace that never learns a tenant as untagged (nothing to correct)', async () => {
    const traceId = hexId(16);
    const s = spansOf(traceId);
    await postJson(t.url, otlpJson([s.llm(), s.rootSpan()]));
    await settle();
    expect(await byTenant(traceId)).toMatchObject([{ tenant: '', spans: '2' }]);
  });
});
