import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countStored, freePort, load, startChildCollector, waitHealthy } from './testing/child.ts';

/** mulberry32: a small seeded PRNG, so a failing sequence of kill moments can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('crash safety', () => {
  it('keeps every acknowledged span exactly once through repeated kill -9 at random moments under load', async () => {
    const seed = Number(process.env.PLUMB_CRASH_SEED ?? 20261126);
    const rand = prng(seed);
    const rounds = 10;
    const dir = mkdtempSync(join(tmpdir(), 'plumb-crash-'));
    const port = await freePort();
    const acked: string[] = [];
    const log: string[] = [];
    for (let round = 0; round < rounds; round++) {
      // Vary the batch window: some rounds die with rows only in the WAL, some mid-insert.
      const c = startChildCollector(dir, port, {
        PLUMB_BATCH_MAX_DELAY_MS: String(Math.floor(50 + rand() * 1500)),
        PLUMB_BATCH_MAX_ROWS: String(Math.floor(20 + rand() * 500)),
        PLUMB_CONTEXT_HOLD_MS: '0',
      });
      if (round % 4 === 3) {
        // Die at a random moment of start-up (possibly mid-replay of the previous rounds' WAL).
        await new Promise((r) => setTimeout(r, rand() * 1500));
        c.child.kill('SIGKILL');
        await c.exited();
        log.push(`round ${round}: killed during start-up`);
        continue;
      }
      await waitHealthy(c);
      const before = acked.length;
      const stop = load(c, acked, 3);
      const ms = 100 + rand() * 600;
      await new Promise((r) => setTimeout(r, ms));
      c.child.kill('SIGKILL');
      await stop();
      await c.exited();
      log.push(`round ${round}: killed after ${Math.round(ms)} ms, ${acked.length - before} spans acknowledged`);
    }
    expect(acked.length, log.join('\n')).toBeGreaterThan(200);

    // A last start replays whatever is left; a graceful stop must finish within its bound.
    const last = startChildCollector(dir, port);
    await waitHealthy(last); // replays the WAL before it listens
    const t0 = Date.now();
    last.child.kill('SIGTERM');
    await last.exited();
    expect(Date.now() - t0, last.output()).toBeLessThan(10_000);

    expect(await countStored(dir, acked), `seed ${seed}\n${log.join('\n')}`).toEqual({ rows: acked.length, spans: acked.length });
  }, 120_000);
});
