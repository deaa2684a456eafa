import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PriceCatalog } from '@plumb/pricing';
import { queryMetrics, toPico, type MetricsQuery } from '@plumb/store';
import { rollupsJob } from '@plumb/worker';
import { hexId, otlpJson, postJson, startTestCollector, type JsonSpanSpec, type TestCollector } from './testing.ts';

/**
 * Issue 9, "exact numbers": every total equals the sum of span costs with each span counted
 * once — the same batches sent twice, and through two collector instances with separate WALs
 * against one store, leave every total unchanged to the picodollar; rollup totals equal raw
 * totals on random ranges.
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
// Whole hours that are closed (the rollup job builds hours closed 5 min ago).
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const MODELS: [string, string, string][] = [
  ['openai', 'gpt-4o', 'gpt-4o-2025'], // unknown response version → priced by request model
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
  ['anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5'],
  ['vllm', 'house-llm', 'house-llm'], // unpriced
];
const TENANTS = ['acme', 'globex', ''];
let seed = 9;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

interface Sent {
  batches: string[];
  /** tenant|model → picodollars */
  want: Map<string, bigint>;
}

function workload(): Sent {
  const catalog = new PriceCatalog();
  const batches: string[] = [];
  const want = new Map<string, bigint>();
  for (let t = 0; t < 120; t++) {
    const traceId = hexId(16);
    const root = hexId(8);
    const tenant = TENANTS[rand(TENANTS.length)]!;
    const at = T0 + rand(4 * HOUR);
    const spans: JsonSpanSpec[] = [{ traceId, spanId: root, name: 'handle', startMs: at, durationMs: 2000, attributes: { ...(tenant ? { 'tenant.id': tenant } : {}), 'plumb.request_type': 'chat' } }];
    for (let i = 0; i < 3; i++) {
      const [provider, requestModel, responseModel] = MODELS[rand(MODELS.length)]!;
      const input = rand(300_000);
      const cacheRead = rand(Math.max(1, Math.floor(input / 2)));
      const output = rand(3000);
      const startMs = at + 10 + i * 100;
      spans.push({
        traceId, spanId: hexId(8), parentSpanId: root, name: `chat ${requestModel}`, startMs, durationMs: 90,
        attributes: {
          'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider, 'gen_ai.request.model': requestModel, 'gen_ai.response.model': responseModel,
          'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, 'gen_ai.usage.cache_read.input_tokens': cacheRead,
        },
      });
      const cost = catalog.costForSpan(provider, responseModel, requestModel, startMs, { inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: 0, reasoningTokens: 0 });
      const key = `${tenant}|${requestModel}`;
      want.set(key, (want.get(key) ?? 0n) + cost.costPico);
    }
    batches.push(otlpJson(spans));
  }
  return { batches, want };
}

async function totals(q: Partial<MetricsQuery> = {}, raw = false): Promise<Map<string, bigint>> {
  const r = await queryMetrics(
    a.store,
    { projectId: 'default', measures: ['cost_usd'], groupBy: ['tenant', 'model'], from: new Date(T0 - HOUR), to: new Date(T0 + 6 * HOUR), exactMoney: true, limit: 10_000, ...q },
    raw ? { coverage: null } : {},
  );
  return new Map(r.rows.filter((x) => toPico(String(x.cost_usd)) !== 0n).map((x) => [`${x.tenant}|${x.model}`, toPico(String(x.cost_usd))]));
}

async function send(c: TestCollector, batches: string[]) {
  for (const body of batches) expect((await postJson(c.url, body)).status).toBe(200);
  await c.collector.flush();
}

describe('exact cost totals', () => {
  const w = workload();
  const want = new Map([...w.want].filter(([, v]) => v !== 0n));

  it('sent once, twice, and through a second collector with its own WAL: every total unchanged to the picodollar', async () => {
    await send(a, w.batches);
    expect(await totals()).toEqual(want);
    await send(a, w.batches);
    await send(b, w.batches);
    await send(b, [...w.batches].reverse());
    expect(await totals()).toEqual(want);
    // The request-model fallback priced the unknown gpt-4o-2025 calls.
    expect([...want.keys()].some((k) => k.endsWith('|gpt-4o'))).toBe(true);
  });

  it('rollup totals equal raw totals on random ranges', async () => {
    const built = await rollupsJob(() => {}).runOnce(a.store, new AbortController().signal, true);
    expect(built).toBeGreaterThan(0);
    for (let i = 0; i < 12; i++) {
      const from = T0 - HOUR + rand(5 * HOUR) + (i % 2 === 0 ? 0 : rand(HOUR));
      const to = from + HOUR + rand(5 * HOUR);
      const q = { from: new Date(from), to: new Date(to) };
      const viaRollup = await queryMetrics(a.store, { projectId: 'default', measures: ['cost_usd'], groupBy: ['tenant', 'model'], ...q, exactMoney: true, limit: 10_000 });
      expect(await totals(q)).toEqual(await totals(q, true));
      if (from % HOUR === 0) expect(viaRollup.source).toBe('rollup');
    }
    // Whole-hour ranges read the rollup.
    const whole = await queryMetrics(a.store, { projectId: 'default', measures: ['cost_usd'], groupBy: ['tenant'], from: new Date(T0), to: new Date(T0 + 4 * HOUR) });
    expect(whole.source).toBe('rollup');
  });
});
