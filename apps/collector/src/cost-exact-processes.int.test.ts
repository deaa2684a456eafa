import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetrics, Store, toPico } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { freePort, startChildCollector, waitHealthy, type ChildCollector } from './testing/child.ts';
import { costWorkload, HOUR } from './testing/cost-workload.ts';

/**
 * Issue 9 item 2, the two-process variant: two `plumb collector` PROCESSES, each with its own
 * WAL, against one ClickHouse server, sent the same batches (twice, and reversed on one): every
 * (tenant, model) total equals the catalog's price of each span once, to the picodollar.
 *
 * Runs only when CLICKHOUSE_URL names a server (http:// or https://): the embedded engine locks
 * its data directory to one process, so two processes cannot share an embedded store (the
 * in-process variant is cost-exact.int.test.ts and cost-concurrent.int.test.ts).
 */
const SERVER = /^https?:\/\//.test(process.env.CLICKHOUSE_URL ?? '') ? process.env.CLICKHOUSE_URL! : null;
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const RANGE = { from: new Date(T0 - HOUR), to: new Date(T0 + 6 * HOUR) };

describe.skipIf(SERVER === null)('exact cost totals through two collector processes (ClickHouse server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-cost-2p-'));
  let store: Store;
  const children: ChildCollector[] = [];
  beforeAll(async () => {
    store = await Store.open(testStoreConfig(dir));
    await store.migrate();
    for (const name of ['a', 'b']) {
      const c = startChildCollector(join(dir, name), await freePort(), { CLICKHOUSE_URL: SERVER!, PLUMB_WAL_DIR: join(dir, name, 'wal') });
      children.push(c);
      await waitHealthy(c);
    }
  }, 120_000);
  afterAll(async () => {
    for (const c of children) {
      c.child.kill('SIGTERM');
      await c.exited();
    }
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const w = costWorkload(T0, 100, 31);
  const post = async (c: ChildCollector, bodies: string[]) => {
    for (const body of bodies) {
      const res = await fetch(`${c.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(200);
    }
  };
  const totals = async () => {
    const r = await queryMetrics(store, { projectId: 'default', measures: ['cost_usd', 'llm_calls'], groupBy: ['tenant', 'model'], ...RANGE, exactMoney: true, limit: 10_000 }, { coverage: null });
    return {
      calls: r.rows.reduce((n, x) => n + Number(x.llm_calls), 0),
      cost: new Map(r.rows.filter((x) => toPico(String(x.cost_usd)) !== 0n).map((x) => [`${x.tenant}|${x.model}`, toPico(String(x.cost_usd))])),
    };
  };
  /** Until every model call is stored (the children write within their batch delay). */
  const settled = async () => {
    const deadline = Date.now() + 60_000;
    let t = await totals();
    while (t.calls < w.calls && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      t = await totals();
    }
    await new Promise((r) => setTimeout(r, 2_000)); // late duplicates would land by now
    return totals();
  };

  it('the same batches through both processes, twice: each span once, every total exact', async () => {
    const [a, b] = children as [ChildCollector, ChildCollector];
    await post(a, w.batches);
    let t = await settled();
    expect(t.calls).toBe(w.calls);
    expect(t.cost).toEqual(w.want);
    await Promise.all([post(a, w.batches), post(b, [...w.batches].reverse()), post(b, w.batches)]);
    t = await settled();
    expect(t.calls).toBe(w.calls);
    expect(t.cost).toEqual(w.want);
  }, 180_000);
});
