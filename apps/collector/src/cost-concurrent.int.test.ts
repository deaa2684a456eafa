import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PriceCatalog, type PriceOverride } from '@plumb/pricing';
import { queryMetrics, requestReprice, toPico, upsertPriceOverride } from '@plumb/store';
import { runReprice } from '@plumb/worker';
import { hexId, otlpJson, postJson, startTestCollector, type JsonSpanSpec, type TestCollector } from './testing.ts';

/**
 * Issue 9, "exact numbers" under concurrent writers: two collectors (separate WALs) ingesting
 * the same batches — duplicates, reordered — while reprice runs rewrite the same rows after a
 * price change. Whatever the interleaving, every span counts once (model calls = distinct spans),
 * totals of prices that did not change never move, and once the last reprice has run every total
 * equals the catalog's price of each span to the picodollar.
 *
 * Both writers share one embedded engine in this process: chDB locks its data directory, so
 * separate OS processes cannot share a store here (with a ClickHouse server they can, and the
 * store code is the same; this test does not start one).
 */
let a: TestCollector;
let b: TestCollector;
beforeAll(async () => {
  a = await startTestCollector({ contextHoldMs: 100 });
  b = await startTestCollector({ contextHoldMs: 100, walDir: `${a.dir}/wal-b` }, { store: a.store, dir: a.dir });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const HOUR = 3_600_000;
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 8 * HOUR;
const RANGE = { from: new Date(T0 - HOUR), to: new Date(T0 + 6 * HOUR) };
const MODELS: [string, string][] = [['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-5'], ['vllm', 'house-llm']];
const OVERRIDE: PriceOverride = { id: 'house', provider: 'vllm', modelPattern: 'house-llm', effectiveFrom: T0 - 24 * HOUR, inputPerMTok: '0.2', outputPerMTok: '0.6' };
let seed = 17;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

function workload() {
  const before = new PriceCatalog();
  const after = new PriceCatalog([OVERRIDE]);
  const batches: string[] = [];
  const want = { before: new Map<string, bigint>(), after: new Map<string, bigint>() };
  let calls = 0;
  for (let t = 0; t < 150; t++) {
    const traceId = hexId(16);
    const root = hexId(8);
    const tenant = ['acme', 'globex'][rand(2)]!;
    const at = T0 + rand(4 * HOUR);
    const spans: JsonSpanSpec[] = [{ traceId, spanId: root, name: 'handle', startMs: at, durationMs: 2000, attributes: { 'tenant.id': tenant } }];
    for (let i = 0; i < 2; i++) {
      const [provider, model] = MODELS[rand(MODELS.length)]!;
      const usage = { inputTokens: rand(200_000), outputTokens: rand(2000), cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
      const startMs = at + 10 + i * 100;
      spans.push({
        traceId, spanId: hexId(8), parentSpanId: root, name: `chat ${model}`, startMs, durationMs: 90,
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider, 'gen_ai.request.model': model, 'gen_ai.response.model': model,
          'gen_ai.usage.input_tokens': usage.inputTokens, 'gen_ai.usage.output_tokens': usage.outputTokens },
      });
      calls++;
      for (const [k, catalog] of [['before', before], ['after', after]] as const) {
        const key = `${tenant}|${model}`;
        want[k].set(key, (want[k].get(key) ?? 0n) + catalog.costForSpan(provider, model, model, startMs, usage).costPico);
      }
    }
    batches.push(otlpJson(spans));
  }
  return { batches, want, calls };
}

async function totals(): Promise<{ cost: Map<string, bigint>; calls: number }> {
  const r = await queryMetrics(a.store, { projectId: 'default', measures: ['cost_usd', 'llm_calls'], groupBy: ['tenant', 'model'], ...RANGE, exactMoney: true, limit: 10_000 }, { coverage: null });
  return {
    cost: new Map(r.rows.map((x) => [`${x.tenant}|${x.model}`, toPico(String(x.cost_usd))])),
    calls: r.rows.reduce((n, x) => n + Number(x.llm_calls), 0),
  };
}
const unchanged = (m: Map<string, bigint>) => new Map([...m].filter(([k]) => !k.endsWith('|house-llm')));

async function send(c: TestCollector, batches: string[]) {
  for (const body of batches) expect((await postJson(c.url, body)).status).toBe(200);
  await c.collector.flush();
}
async function reprice() {
  const run = await requestReprice(a.store, 'default', 'test', RANGE.from.getTime(), RANGE.to.getTime());
  const done = await runReprice(a.store, run);
  expect(done.state, done.error).toBe('done');
  return done;
}

describe('exact cost totals with concurrent writers', () => {
  const w = workload();

  it('two collectors re-delivering while reprice runs rewrite the same rows: each span once, exact totals', async () => {
    await send(a, w.batches.slice(0, 75));
    await upsertPriceOverride(a.store, 'default', OVERRIDE);
    // Writers at once: both collectors (the rest, then everything again, reversed on one) and
    // two reprice runs, interleaved on the engine.
    await Promise.all([
      send(a, [...w.batches.slice(75), ...w.batches]),
      send(b, [...w.batches].reverse()),
      reprice(),
      (async () => {
        await new Promise((r) => setTimeout(r, 50));
        await reprice();
      })(),
    ]);
    const mid = await totals();
    expect(mid.calls).toBe(w.calls);
    expect(unchanged(mid.cost)).toEqual(unchanged(w.want.before));
    // Spans ingested after a run's scan may carry the collector's cached catalog: the next run
    // prices them; re-deliveries after it never undo it (rewritten rows outrank ingest copies).
    await reprice();
    await send(b, w.batches);
    const end = await totals();
    expect(end.calls).toBe(w.calls);
    expect(end.cost).toEqual(w.want.after);
    expect([...w.want.after.keys()].some((k) => k.endsWith('|house-llm') && w.want.after.get(k)! > 0n)).toBe(true);
    // Idempotent: one more run rewrites nothing.
    expect((await reprice()).rowsRewritten).toBe(0);
  });
});
