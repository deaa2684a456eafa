import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetrics, toPico, type MetricsQuery } from '@plumb/store';
import { correctionsJob, rollupsJob } from '@plumb/worker';
import { postJson, startTestCollector, type TestCollector } from './testing.ts';
import { costWorkload, HOUR } from './testing/cost-workload.ts';

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

// Whole hours that are closed (the rollup job builds hours closed 5 min ago).
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
let seed = 9;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

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
  const w = costWorkload(T0, 120, 9);
  const want = w.want;

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

  it('rollup totals equal raw totals on random ranges, grouped and not, also after duplicates arrive past the build', async () => {
    const built = await rollupsJob(() => {}).runOnce(a.store, new AbortController().signal, true);
    expect(built).toBeGreaterThan(0);
    const MEASURES = ['cost_usd', 'unpriced_spans', 'llm_calls', 'total_tokens', 'cache_read_tokens'];
    const all = async (q: { from: Date; to: Date }, groupBy: string[], raw: boolean) => {
      const r = await queryMetrics(a.store, { projectId: 'default', measures: MEASURES, groupBy, ...q, exactMoney: true, limit: 10_000 }, raw ? { coverage: null } : {});
      return { source: r.source, rows: new Map(r.rows.map((x) => [groupBy.map((d) => x[d]).join('|'), MEASURES.map((m) => String(x[m]))])) };
    };
    const compare = async (label: string) => {
      let viaRollup = 0;
      for (let i = 0; i < 12; i++) {
        const from = T0 - HOUR + rand(5 * HOUR) + (i % 2 === 0 ? 0 : rand(HOUR));
        const to = from + HOUR + rand(5 * HOUR);
        const q = { from: new Date(from), to: new Date(to) };
        for (const groupBy of [['tenant', 'model'], []]) {
          const rolled = await all(q, groupBy, false);
          expect(rolled.rows, `${label} ${q.from.toISOString()}..${q.to.toISOString()} by ${groupBy.join(',') || '-'}`).toEqual((await all(q, groupBy, true)).rows);
          if (rolled.source === 'rollup') viaRollup++;
        }
        expect(await totals(q)).toEqual(await totals(q, true));
      }
      // The comparison is only worth something if the rollup answered (whole built hours inside).
      expect(viaRollup).toBeGreaterThan(12);
    };
    await compare('after the build');
    // Late duplicates of spans in built hours (a retrying exporter, another collector's WAL
    // replay): those hours turn stale and are read raw until re-rolled — never counted twice.
    await send(b, w.batches);
    await compare('duplicates after the build');
    expect(await totals()).toEqual(want);
    await rollupsJob(() => {}).runOnce(a.store, new AbortController().signal, true);
    await compare('re-rolled');
    expect(await totals()).toEqual(want);
    const whole = await queryMetrics(a.store, { projectId: 'default', measures: ['cost_usd'], groupBy: ['tenant'], from: new Date(T0), to: new Date(T0 + 4 * HOUR) });
    expect(whole.source).toBe('rollup');
  });

  it('a tenant known only after the calls were written (late root via the other collector): corrected, every total exact, never counted twice', async () => {
    // Another window, so the earlier tests' totals stay as they are.
    const base = T0 - 30 * HOUR;
    const late = costWorkload(base, 60, 23);
    const range = { from: new Date(base - HOUR), to: new Date(base + 6 * HOUR) };
    const byTenant = async () => totals(range);
    const total = async () => {
      const r = await queryMetrics(a.store, { projectId: 'default', measures: ['cost_usd', 'llm_calls'], ...range, exactMoney: true }, { coverage: null });
      return [toPico(String(r.rows[0]!.cost_usd)), Number(r.rows[0]!.llm_calls)];
    };
    const sum = [...late.want.values()].reduce((x, y) => x + y, 0n);
    // The calls through b, alone: held for their root (100 ms), then written without a tenant.
    await send(b, late.children);
    await new Promise((r) => setTimeout(r, 400));
    await b.collector.flush();
    expect(await total()).toEqual([sum, late.calls]);
    expect([...(await byTenant()).keys()].every((k) => k.startsWith('|'))).toBe(true); // all untagged so far
    // The roots (with the tenant) through a: b never sees them, so only the store can correct.
    await send(a, late.roots);
    const job = correctionsJob(() => {}, { batch: 1000 });
    await job.run(a.store, new AbortController().signal);
    expect(await byTenant()).toEqual(late.want);
    expect(await total()).toEqual([sum, late.calls]);
    // The calls re-delivered through b after the correction (written unresolved again): the
    // corrected rows outrank them; a second correction pass changes nothing either.
    await send(b, late.children);
    await new Promise((r) => setTimeout(r, 400));
    await b.collector.flush();
    await job.run(a.store, new AbortController().signal);
    expect(await byTenant()).toEqual(late.want);
    expect(await total()).toEqual([sum, late.calls]);
  });
});
