import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';
import { leaseHolder, releaseLease, renewLease, tryAcquireLease, withLease } from './leases.ts';

let store: Store;
const o = { ttlMs: 1500, settleMs: 100 };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-leases-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

describe('job leases', () => {
  it('one holder at a time; released leases can be taken', async () => {
    const a = await tryAcquireLease(store, 'j1', 'A', o);
    expect(a).not.toBeNull();
    expect(await tryAcquireLease(store, 'j1', 'B', o)).toBeNull();
    expect(await leaseHolder(store, 'j1')).toEqual({ term: a!.term, holder: 'A' });
    await releaseLease(store, a!);
    expect(await leaseHolder(store, 'j1')).toBeNull();
    const b = await tryAcquireLease(store, 'j1', 'B', o);
    expect(b).toMatchObject({ holder: 'B', term: a!.term + 1 });
    expect(await renewLease(store, a!, o)).toBe(false); // A lost it for good
  });

  it('expires without renewal; renewal keeps it', { timeout: 30_000 }, async () => {
    const long = { ttlMs: 3000, settleMs: 100 };
    const a = await tryAcquireLease(store, 'j2', 'A', long);
    await sleep(1500);
    expect(await renewLease(store, a!, long)).toBe(true);
    await sleep(2000); // 3.5 s after the claim, 2 s after the renewal: still held
    expect(await tryAcquireLease(store, 'j2', 'B', long)).toBeNull();
    await sleep(3200);
    const b = await tryAcquireLease(store, 'j2', 'B', long);
    expect(b).toMatchObject({ holder: 'B' });
    expect(await renewLease(store, a!, o)).toBe(false);
  });

  it('racing claims for the same term: exactly one winner', async () => {
    for (let round = 0; round < 3; round++) {
      const job = `race-${round}`;
      const got = await Promise.all(['A', 'B', 'C', 'D'].map((h) => tryAcquireLease(store, job, h, o)));
      expect(got.filter(Boolean)).toHaveLength(1);
    }
  });

  it('withLease runs, renews while running, and skips when held elsewhere', { timeout: 30_000 }, async () => {
    const short = { ttlMs: 2000, settleMs: 50 };
    let inside = 0;
    const r = await withLease(store, 'j3', 'A', async (signal) => {
      // Longer than the ttl: only renewals keep B out.
      for (let i = 0; i < 8; i++) {
        expect(await withLease(store, 'j3', 'B', async () => 1, short)).toEqual({ ran: false });
        await sleep(400);
        expect(signal.aborted).toBe(false);
      }
      inside++;
      return 'done';
    }, short);
    expect(r).toEqual({ ran: true, value: 'done' });
    expect(inside).toBe(1);
    expect(await leaseHolder(store, 'j3')).toBeNull(); // released
  });
});
