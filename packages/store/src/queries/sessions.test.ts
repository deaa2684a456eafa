import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { QueryError } from '../semantic/errors.ts';
import { buildFixture, decimalToPico, FIXTURE_START, fixtureTraceId, insertFixture } from './fixtures.ts';
import { listSessions, type ListSessionsQuery } from './sessions.ts';

// The fixture: 12 traces 5 min apart; acme's traces (0, 3, 6, 9) share session `sess-acme`, every
// other trace i has its own `sess-i`; traces 3, 7 and 11 fail at the root; even traces' LLM spans
// and every third root are delivered twice (FINAL must count them once).
let store: Store;
const fixture = buildFixture();
const from = FIXTURE_START;
const to = new Date(FIXTURE_START.getTime() + 3_600_000);
const P = 'default';
const q = (over: Partial<ListSessionsQuery> = {}) => listSessions(store, { projectId: P, from, to, ...over });
const traceCost = (i: number) =>
  fixture.spans.filter((s) => s.traceId === fixtureTraceId(i) && s.usageCounted).reduce((a, s) => a + decimalToPico(s.costUsd), 0n);

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-sessions-'))));
  await store.migrate();
  await insertFixture(store, fixture);
});
afterAll(async () => store?.close());

describe('listSessions', () => {
  it('groups spans by session with counts, times, tenant, cost and errors (re-deliveries once)', async () => {
    const page = await q();
    expect(page.total).toBe(9);
    expect(page.items).toHaveLength(9);
    const acme = page.items.find((s) => s.sessionId === 'sess-acme')!;
    expect(acme).toMatchObject({ traces: 4, spans: 24, tenant: 'acme', tenantCount: 1, userId: 'user-acme', errorTraces: 1 });
    expect(acme.errorSpans).toBe(4); // trace 3: root, two agents, the tool
    expect(decimalToPico(acme.costUsdExact)).toBe([0, 3, 6, 9].reduce((a, i) => a + traceCost(i), 0n));
    // First span of trace 0 → end of trace 9's root (45 min later, 1,900 ms long).
    expect(acme.firstSeen).toBe(FIXTURE_START.toISOString().replace('Z', '000Z'));
    expect(acme.durationMs).toBe(45 * 60_000 + 1900);
    const one = page.items.find((s) => s.sessionId === 'sess-7')!;
    expect(one).toMatchObject({ traces: 1, spans: 6, tenant: 'globex', errorTraces: 1 });
  });

  it('sorts by last activity, newest first, and pages with a cursor without gaps or repeats', async () => {
    const all = (await q()).items.map((s) => s.sessionId);
    expect(all.slice(0, 3)).toEqual(['sess-11', 'sess-10', 'sess-acme']);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await q({ limit: 2, cursor });
      expect(page.total).toBe(9);
      seen.push(...page.items.map((s) => s.sessionId));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all);
  });

  it('sorts by cost, traces and errors', async () => {
    expect((await q({ sort: 'traces' })).items[0]!.sessionId).toBe('sess-acme');
    const byCost = (await q({ sort: 'costUsd', order: 'asc' })).items.map((s) => decimalToPico(s.costUsdExact));
    expect(byCost).toEqual([...byCost].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const byErrors = await q({ sort: 'errors', limit: 3 });
    expect(byErrors.items.map((s) => s.errorTraces)).toEqual([1, 1, 1]);
  });

  it('filters by tenant, status, id substring and window (numbers stay whole sessions)', async () => {
    const acme = await q({ tenant: ['acme'] });
    expect(acme.items.map((s) => s.sessionId)).toEqual(['sess-acme']);
    expect(acme.total).toBe(1);
    const failed = await q({ status: 'error' });
    expect(failed.items.map((s) => s.sessionId).sort()).toEqual(['sess-11', 'sess-7', 'sess-acme']);
    const ok = await q({ status: 'ok' });
    expect(ok.total).toBe(6);
    expect((await q({ q: 'ACME' })).items.map((s) => s.sessionId)).toEqual(['sess-acme']);
    // Traces 0..2 only: sess-acme has one trace in this window.
    const early = await q({ to: new Date(FIXTURE_START.getTime() + 12 * 60_000) });
    expect(early.items.find((s) => s.sessionId === 'sess-acme')!.traces).toBe(1);
    expect(early.total).toBe(3);
    expect((await listSessions(store, { projectId: 'other', from, to })).items).toEqual([]);
  });

  it('rejects bad input naming the field', async () => {
    await expect(q({ sort: 'nope' as never })).rejects.toMatchObject({ field: 'sort' });
    await expect(q({ limit: 0 })).rejects.toBeInstanceOf(QueryError);
    await expect(q({ cursor: 'garbage' })).rejects.toMatchObject({ field: 'cursor' });
    const c = (await q({ limit: 1 })).nextCursor!;
    await expect(q({ sort: 'costUsd', cursor: c })).rejects.toMatchObject({ field: 'cursor' });
  });
});
