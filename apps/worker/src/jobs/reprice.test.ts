import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PriceCatalog } from '@plumb/pricing';
import {
  baseSpan, deletePriceOverride, insertSpanRows, queryMetrics, routingWhatIf, listRepriceRuns, requestReprice, rowVersion, spanCostBuckets, sql, Store, toPico, upsertPriceOverride, type SpanRow,
} from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { runReprice } from './reprice.ts';

/**
 * Issue 9: spans stored unpriced (response model a version the catalog does not know, or a
 * model with no price yet) are priced by a reprice run after the fix / an override; the cost
 * is computed in SQL from the prices table and equals the catalog's Node price to the
 * picodollar for every span (tiers, time-of-day prices, cache buckets); a second run changes
 * nothing; the run is logged with old and new totals.
 */
let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-reprice-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

const P = 'default';
const DAY = 86_400_000;
const FROM = Math.floor(Date.now() / DAY) * DAY - 3 * DAY; // inside the test store's 30-day TTL
const TO = FROM + 2 * DAY;
const MODELS: [string, string, string][] = [
  ['openai', 'gpt-4o-2025', 'gpt-4o'], // unknown response version: priced by the request model
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini'],
  ['anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5'], // tiered above 200k input tokens
  ['deepseek', 'deepseek-chat', 'deepseek-chat'], // time-of-day prices
  ['vllm', 'house-llm-7b', 'house-llm-7b'], // no price until an override
];

let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

function spans(): SpanRow[] {
  const out: SpanRow[] = [];
  for (let i = 0; i < 400; i++) {
    const [provider, responseModel, requestModel] = MODELS[i % MODELS.length]!;
    const start = FROM + rand(2 * DAY);
    const input = rand(5) === 0 ? 200_000 + rand(100_000) : rand(20_000);
    const cacheRead = rand(Math.max(1, Math.floor(input / 2)));
    const cacheWrite = rand(Math.max(1, Math.floor((input - cacheRead) / 3)));
    const output = rand(4000);
    out.push(baseSpan({
      traceId: `ab${String(i).padStart(30, '0')}`, spanId: `${String(i).padStart(16, '0')}`,
      startTimeUnixNano: BigInt(start) * 1_000_000n, endTimeUnixNano: BigInt(start + 1000) * 1_000_000n,
      provider, responseModel, requestModel, operation: 'chat', category: 'llm', usageCounted: true,
      inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, reasoningTokens: rand(Math.max(1, output)),
      // As the collector stored them before the fix: response model only, so gpt-4o-2025 and
      // house-llm are unpriced; the rest priced by the ingest catalog.
      costUsd: '0', pricingStatus: 'unpriced', priceId: '', version: rowVersion(true, Date.now()),
    }));
  }
  return out;
}

async function stored(): Promise<Map<string, { cost: string; priceId: string; status: string }>> {
  const rows = await store.query<{ span_id: string; cost: string; price_id: string; status: string }>(sql`
    SELECT span_id, toString(cost_usd) AS cost, price_id, toString(pricing_status) AS status FROM spans FINAL WHERE project_id = ${P}`);
  return new Map(rows.map((r) => [r.span_id, { cost: r.cost, priceId: r.price_id, status: r.status }]));
}

function expectCatalogPrices(rows: SpanRow[], got: Map<string, { cost: string; priceId: string; status: string }>, catalog: PriceCatalog) {
  const wrong: string[] = [];
  for (const s of rows) {
    const want = catalog.costForSpan(s.provider, s.responseModel, s.requestModel, Number(s.startTimeUnixNano / 1_000_000n), s);
    const g = got.get(s.spanId)!;
    if (g.priceId !== want.priceId || toPico(g.cost) !== want.costPico || g.status !== (want.priced ? 'priced' : 'unpriced')) {
      wrong.push(`${s.spanId} ${s.responseModel}: got ${g.priceId} ${g.cost}, want ${want.priceId} ${want.costUsd}`);
    }
  }
  expect(wrong.slice(0, 5)).toEqual([]);
}

describe('reprice', () => {
  const rows = spans();

  it('prices unpriced spans in SQL exactly as the catalog, logs totals, and is idempotent', async () => {
    await insertSpanRows(store, rows);
    const run = await requestReprice(store, P, 'alice@example.com', FROM, TO);
    const done = await runReprice(store, run);
    expect(done.error).toBe('');
    expect(done.state).toBe('done');
    expect(done.oldTotalUsd).toBe('0');
    expect(done.oldUnpriced).toBe(400);
    expect(done.newUnpriced).toBe(80); // house-llm only
    expect(done.hoursDone).toBe(48);
    const got = await stored();
    expectCatalogPrices(rows, got, new PriceCatalog());
    expect([...got.values()].filter((g) => g.priceId.endsWith('@request-model')).length).toBe(80);
    const sum = [...got.values()].reduce((a, g) => a + toPico(g.cost), 0n);
    expect(toPico(done.newTotalUsd)).toBe(sum);

    const again = await runReprice(store, await requestReprice(store, P, 'alice@example.com', FROM, TO));
    expect(again.rowsRewritten).toBe(0);
    expect(again.newTotalUsd).toBe(done.newTotalUsd);

    const log = await listRepriceRuns(store, P);
    expect(log.map((r) => [r.requestedBy, r.state])).toEqual([['alice@example.com', 'done'], ['alice@example.com', 'done']]);
  });

  it('an override for the unknown model, then a reprice, prices the old spans; cost per bucket adds up', async () => {
    const override = { id: 'house', provider: '', modelPattern: 'house-llm*', effectiveFrom: 0, inputPerMTok: '0.4', outputPerMTok: '1.6', cacheReadPerMTok: '0.1' };
    await upsertPriceOverride(store, P, override);
    const done = await runReprice(store, await requestReprice(store, P, 'bob', FROM, TO));
    expect(done.newUnpriced).toBe(0);
    expect(done.rowsRewritten).toBe(80);
    expectCatalogPrices(rows, await stored(), new PriceCatalog([override]));

    for (const s of rows.slice(0, 10)) {
      const b = (await spanCostBuckets(store, P, s.traceId, s.spanId))!;
      expect(b.consistent, `${s.spanId} ${b.priceId}`).toBe(true);
    }
    const gpt = (await spanCostBuckets(store, P, rows[0]!.traceId, rows[0]!.spanId))!;
    expect(gpt.matchedBy).toBe('request');

    // Cache savings priced in SQL = (cost with every cached token at the input price) − cost.
    const catalog = new PriceCatalog([override]);
    let want = 0n;
    for (const s of rows) {
      const t = Number(s.startTimeUnixNano / 1_000_000n);
      const actual = catalog.costForSpan(s.provider, s.responseModel, s.requestModel, t, s);
      const uncached = catalog.costForSpan(s.provider, s.responseModel, s.requestModel, t, { ...s, cacheReadTokens: 0, cacheWriteTokens: 0 });
      want += uncached.costPico - actual.costPico;
    }
    // The semantic-layer measure (what the cost page and alert rules read) equals the hand
    // computation, and its groups and time buckets add up to it to the picodollar.
    const m = await queryMetrics(store, { projectId: P, measures: ['cache_savings_usd', 'cache_read_savings_usd', 'cache_write_extra_usd'], from: FROM, to: TO, exactMoney: true });
    const row = m.rows[0]!;
    expect(toPico(String(row.cache_savings_usd))).toBe(want);
    expect(toPico(String(row.cache_read_savings_usd)) - toPico(String(row.cache_write_extra_usd))).toBe(want);
    expect(want).toBeGreaterThan(0n);
    const byModel = await queryMetrics(store, { projectId: P, measures: ['cache_savings_usd', 'cost_usd'], groupBy: ['model'], from: FROM, to: TO, exactMoney: true });
    expect(byModel.rows.reduce((a, r) => a + toPico(String(r.cache_savings_usd)), 0n)).toBe(want);
    expect(byModel.rows.reduce((a, r) => a + toPico(String(r.cost_usd)), 0n)).toBe(rows.reduce((a, s) => a + catalog.costForSpan(s.provider, s.responseModel, s.requestModel, Number(s.startTimeUnixNano / 1_000_000n), s).costPico, 0n));
    const series = await queryMetrics(store, { projectId: P, measures: ['cache_savings_usd'], from: FROM, to: TO, intervalMs: 6 * 3_600_000, exactMoney: true });
    expect(series.rows.reduce((a, r) => a + toPico(String(r.cache_savings_usd)), 0n)).toBe(want);
  });

  it('routing what-if: gpt-4o-mini calls served by gpt-4o, priced in SQL from the stored tokens', async () => {
    const catalog = new PriceCatalog([{ id: 'house', provider: '', modelPattern: 'house-llm*', effectiveFrom: 0, inputPerMTok: '0.4', outputPerMTok: '1.6', cacheReadPerMTok: '0.1' }]);
    const t = Date.now();
    const target = catalog.lookup('openai', 'gpt-4o', t)!.priceId;
    let moved = 0n;
    let actual = 0n;
    let calls = 0;
    for (const s of rows) {
      const at = Number(s.startTimeUnixNano / 1_000_000n);
      const own = catalog.costForSpan(s.provider, s.responseModel, s.requestModel, at, s).costPico;
      actual += own;
      if (s.requestModel === 'gpt-4o-mini') {
        moved += catalog.cost('openai', 'gpt-4o', t, s).costPico;
        calls++;
      } else moved += own;
    }
    const out = await routingWhatIf(store, P, { from: new Date(FROM), to: new Date(TO), fromModel: 'gpt-4o-mini', toPriceId: target });
    expect(out.reduce((a, r) => a + r.calls, 0)).toBe(calls);
    expect(out.reduce((a, r) => a + toPico(r.whatIfUsd), 0n)).toBe(moved);
    expect(out.reduce((a, r) => a + toPico(r.actualUsd), 0n)).toBe(actual);
  });

  it('a GPU-hour price for the self-hosted model: a reprice moves its calls from unpriced to gpu_hour', async () => {
    // house-llm back to unpriced (the override removed), then marked as priced per GPU-hour.
    await deletePriceOverride(store, P, 'house');
    const unpriced = await runReprice(store, await requestReprice(store, P, 'carol', FROM, TO));
    expect(unpriced.newUnpriced).toBe(80);
    const count = async () => (await queryMetrics(store, { projectId: P, measures: ['unpriced_spans', 'gpu_hour_spans', 'llm_calls'], from: FROM, to: TO })).rows[0]!;
    expect(await count()).toMatchObject({ unpriced_spans: 80, gpu_hour_spans: 0 });

    await upsertPriceOverride(store, P, { id: 'house-gpu', provider: '', modelPattern: 'house-llm*', effectiveFrom: 0, unit: 'gpu_hour', inputPerMTok: '', outputPerMTok: '' });
    const done = await runReprice(store, await requestReprice(store, P, 'carol', FROM, TO));
    expect(done.error).toBe('');
    expect(done.newUnpriced).toBe(0);
    expect(done.newTotalUsd).toBe(unpriced.newTotalUsd); // no token cost added
    expect(await count()).toMatchObject({ unpriced_spans: 0, gpu_hour_spans: 80, llm_calls: 400 });
    const house = [...(await stored()).values()].filter((g) => g.priceId === 'override:house-gpu');
    expect(house.length).toBe(80);
    expect(house.every((g) => g.status === 'gpu_hour' && toPico(g.cost) === 0n)).toBe(true);
    // Idempotent.
    expect((await runReprice(store, await requestReprice(store, P, 'carol', FROM, TO))).rowsRewritten).toBe(0);
  });
});
