import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { startWorker, type Job } from './worker.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-worker-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('worker', () => {
  it('two workers on one store never run a job at once; the other takes over when one stops', { timeout: 30_000 }, async () => {
    // chDB allows one process per data directory, so both workers share this process's store;
    // against a server (CLICKHOUSE_URL) the same test runs them over one database.
    let concurrent = 0;
    let maxConcurrent = 0;
    const runsBy: Record<string, number> = { A: 0, B: 0 };
    const job = (who: string): Job => ({
      name: 'exclusive',
      intervalMs: 40,
      async run() {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        runsBy[who]!++;
        await sleep(150);
        concurrent--;
      },
    });
    const lease = { ttlMs: 2000, settleMs: 60 };
    const logs: string[] = [];
    const a = startWorker(store, { log: (m) => logs.push(m), jobs: [job('A')], holder: 'A', lease });
    const b = startWorker(store, { log: (m) => logs.push(m), jobs: [job('B')], holder: 'B', lease });
    await sleep(4000);
    expect(runsBy.A! + runsBy.B!).toBeGreaterThan(3);
    // Which one wins each free lease is a race; when one worker stops (releasing its lease),
    // the other must take over.
    const [first, second] = runsBy.A! >= runsBy.B! ? [a, 'B'] as const : [b, 'A'] as const;
    await first.stop();
    const before = runsBy[second]!;
    await sleep(2500);
    await Promise.all([a.stop(), b.stop()]);
    expect(runsBy[second]!).toBeGreaterThan(before);
    expect(logs).toEqual([]);
    expect(maxConcurrent).toBe(1);
  });
});
