import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, FIXTURE_START, insertFixture, type Fixture } from '../queries/fixtures.ts';
import type { SpanRow } from '../spans.ts';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { buildRollupHour } from './rollup-build.ts';
import { metricsCatalog } from './describe.ts';
import { queryMetrics } from './query.ts';

/**
 * Cost per unit of work as semantic-layer measures (issue 9): cost per conversation (session)
 * and per request of the query's subject (trace; agent run by agent), checked against a brute
 * force over the fixture's spans (re-deliveries collapsed to their latest version).
 */
let store: Store;
let fixture: Fixture;
const from = new Date(FIXTURE_START.getTime() - 3_600_000);
const to = new Date(FIXTURE_START.getTime() + 3 * 3_600_000);

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-unit-econ-'))));
  await store.migrate();
  fixture = buildFixture();
  await insertFixture(store, fixture);
});
afterAll(async () => store?.close());

/** The stored spans: one per (trace, span), its latest version. */
function stored(): SpanRow[] {
  const latest = new Map<string, SpanRow>();
  for (const s of fixture.batches.flat()) {
    const k = `${s.traceId}/${s.spanId}`;
    if ((latest.get(k)?.version ?? -1) < s.version) latest.set(k, s);
  }
  return [...latest.values()];
}
const usd = (s: SpanRow) => Number(s.costUsd);

describe('unit economics measures', () => {
  it('cost per conversation by tenant = cost of the spans in sessions / distinct sessions', async () => {
    const r = await queryMetrics(store, { projectId: 'default', measures: ['cost_per_conversation', 'conversations'], groupBy: ['tenant'], from, to });
    expect(r.source).toBe('spans');
    const spans = stored();
    for (const tenant of ['acme', 'globex', 'initech']) {
      const mine = spans.filter((s) => s.tenant === tenant && s.sessionId !== '');
      const sessions = new Set(mine.map((s) => s.sessionId)).size;
      const cost = mine.filter((s) => s.usageCounted).reduce((a, s) => a + usd(s), 0);
      const row = r.rows.find((x) => x.tenant === tenant)!;
      expect(row.conversations, tenant).toBe(sessions);
      expect(row.cost_per_conversation as number, tenant).toBeCloseTo(cost / sessions, 12);
    }
    // acme's four traces share one session: its cost per conversation is four traces' cost.
    expect(r.rows.find((x) => x.tenant === 'acme')!.conversations).toBe(1);
  });

  it('cost per request: per trace ungrouped, per agent run by agent; equal on the rollup', async () => {
    const spans = stored();
    const total = spans.filter((s) => s.usageCounted).reduce((a, s) => a + usd(s), 0);
    const traces = new Set(spans.map((s) => s.traceId)).size;
    const plain = await queryMetrics(store, { projectId: 'default', measures: ['cost_per_request'], from, to });
    expect(plain.rows[0]!.cost_per_request as number).toBeCloseTo(total / traces, 12);
    const byAgent = await queryMetrics(store, { projectId: 'default', measures: ['cost_per_request'], groupBy: ['agent'], from, to });
    for (const agent of ['planner', 'researcher']) {
      const cost = spans.filter((s) => s.usageCounted && s.agentName === agent).reduce((a, s) => a + usd(s), 0);
      const runs = spans.filter((s) => s.category === 'agent' && s.agentName === agent).length;
      expect(byAgent.rows.find((x) => x.agent === agent)!.cost_per_request as number, agent).toBeCloseTo(cost / runs, 12);
    }
    // Built rollup hours answer the same ratio; conversations stay on raw spans.
    const h0 = Math.floor(from.getTime() / 3_600_000) * 3_600_000;
    for (let h = h0; h < to.getTime() - 3_600_000; h += 3_600_000) await buildRollupHour(store, 'default', h, 10_000);
    const rolled = await queryMetrics(store, { projectId: 'default', measures: ['cost_per_request'], groupBy: ['agent'], from: new Date(h0), to: new Date(h0 + 2 * 3_600_000) });
    const raw = await queryMetrics(store, { projectId: 'default', measures: ['cost_per_request', 'conversations'], groupBy: ['agent'], from: new Date(h0), to: new Date(h0 + 2 * 3_600_000) });
    expect(rolled.source).toBe('rollup');
    expect(raw.source).toBe('spans');
    for (const row of rolled.rows) expect(row.cost_per_request as number).toBeCloseTo(raw.rows.find((x) => x.agent === row.agent)!.cost_per_request as number, 12);
  });

  it('the catalog lists them (pickers and alert-rule editors read it)', () => {
    const names = metricsCatalog().measures.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['cost_per_request', 'conversations', 'cost_per_conversation', 'budget_burn', 'budget_forecast_ratio']));
  });
});
