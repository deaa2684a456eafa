import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineQueue, QUERY_TIMEOUT_SEC, withQueryTag } from './scheduler.ts';
import { sql } from './sql.ts';
import { QueryTimeoutError, Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-settings-'))));
});
afterAll(async () => store?.close());

const settingsSeen = (opts?: Parameters<Store['query']>[1]) =>
  store.query<{ t: number; c: string }>(sql`SELECT toFloat64(getSetting('max_execution_time')) AS t, toString(getSetting('log_comment')) AS c`, opts).then((r) => r[0]!);

describe('every statement carries a timeout and a log_comment', () => {
  it('by kind and caller', async () => {
    expect(await settingsSeen({ kind: 'auth', caller: 'keys.verify' })).toEqual({ t: QUERY_TIMEOUT_SEC.auth, c: 'plumb auth: keys.verify' });
    expect(await settingsSeen()).toMatchObject({ t: QUERY_TIMEOUT_SEC.dashboard, c: expect.stringMatching(/^plumb dashboard: .*query-settings\.test\.ts/) });
  });

  it('from the surrounding tag (a tRPC procedure, a REST route, a job)', async () => {
    const seen = await withQueryTag({ kind: 'maintenance', caller: 'job compact' }, () => settingsSeen());
    expect(seen).toEqual({ t: QUERY_TIMEOUT_SEC.maintenance, c: 'plumb maintenance: job compact' });
    // A statement's own options win over the tag; the tag does not leak past its scope.
    expect(await withQueryTag({ caller: 'trpc overview.get' }, () => settingsSeen({ kind: 'auth' }))).toEqual({ t: 5, c: 'plumb auth: trpc overview.get' });
    expect((await settingsSeen()).c).not.toContain('trpc');
  });

  it('a statement past its time limit fails with QueryTimeoutError', async () => {
    const slow = sql`SELECT count() FROM numbers(100000000000) WHERE cityHash64(number) % 1000003 = 7`;
    const err = await store.query(slow, { caller: 'test.slow', timeoutSec: 0.3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryTimeoutError);
    expect((err as QueryTimeoutError).message).toMatch(/dashboard query test.slow took longer than 0.3 s/);
    // The engine is free again at once.
    expect(await settingsSeen({ kind: 'auth', caller: 'after' })).toMatchObject({ t: 5 });
  });
});

describe('EngineQueue', () => {
  it('runs one at a time and hands the engine the most urgent statement next', async () => {
    const q = new EngineQueue(1);
    const order: string[] = [];
    let release!: () => void;
    const running = q.run('dashboard', () => new Promise<void>((r) => (release = r)).then(() => order.push('running')));
    const queued = [
      q.run('dashboard', async () => order.push('dash-1')),
      q.run('maintenance', async () => order.push('optimize')),
      q.run('dashboard', async () => order.push('dash-2')),
      q.run('insert', async () => order.push('insert')),
      q.run('auth', async () => order.push('login')),
    ];
    expect(q.depth).toBe(5);
    release();
    await Promise.all([running, ...queued]);
    expect(order).toEqual(['running', 'login', 'insert', 'dash-1', 'dash-2', 'optimize']);
    expect(q.depth).toBe(0);
  });

  it('frees the slot when a statement fails', async () => {
    const q = new EngineQueue(1);
    await expect(q.run('auth', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run('auth', async () => 42)).toBe(42);
  });
});
