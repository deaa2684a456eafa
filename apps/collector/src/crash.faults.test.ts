import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const tmpfs = tmpfsSupport();
if (!tmpfs.ok) console.warn(`crash.faults: skipping the stuck-writer SIGTERM test: cannot mount a tmpfs here (${tmpfs.reason})`);
import { Store, sql } from '@plumb/store';
import { rmSync } from 'node:fs';
import { freePort, startChildCollector, waitHealthy, type ChildCollector } from './testing/child.ts';
import { fillFilesystem, mountTmpfs, tmpfsSupport } from './testing/tmpfs.ts';
import { hexId, otlpJson } from './testing.ts';

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

/** Real HTTP senders of small batches until `stop()`; acknowledged span ids land in `acked`. */
function load(c: ChildCollector, acked: string[], senders: number) {
  let stopped = false;
  const one = async () => {
    while (!stopped) {
      const traceId = hexId(16);
      const spans = Array.from({ length: 10 }, (_, i) => ({
        traceId, spanId: hexId(8), name: `s${i}`, startMs: Date.now() - 1000, durationMs: 5,
        attributes: { 'tenant.id': 'crash', 'gen_ai.usage.input_tokens': 10 },
      }));
      try {
        const res = await fetch(`${c.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: otlpJson(spans),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer(); // release the connection (an unread body keeps it busy)
        if (res.status === 200) acked.push(...spans.map((s) => s.spanId));
      } catch {
        return; // the process died mid-request: that batch was never acknowledged
      }
    }
  };
  const running = Array.from({ length: senders }, one);
  return async () => {
    stopped = true;
    await Promise.all(running);
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
      const ms = 150 + rand() * 900;
      await new Promise((r) => setTimeout(r, ms));
      c.child.kill('SIGKILL');
      await stop();
      await c.exited();
      log.push(`round ${round}: killed after ${Math.round(ms)} ms, ${acked.length - before} spans acknowledged`);
    }
    expect(acked.length, log.join('\n')).toBeGreaterThan(500);

    // A last start replays whatever is left; a graceful stop must finish within its bound.
    const last = startChildCollector(dir, port);
    await waitHealthy(last); // replays the WAL before it listens
    const t0 = Date.now();
    last.child.kill('SIGTERM');
    await last.exited();
    expect(Date.now() - t0, last.output()).toBeLessThan(10_000);

    const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 30 });
    try {
      const [r] = await store.query<{ rows: number; spans: number }>(
        sql`SELECT count() AS rows, uniqExact(span_id) AS spans FROM spans FINAL WHERE span_id IN ${acked}`,
      );
      expect(r, `seed ${seed}\n${log.join('\n')}`).toEqual({ rows: acked.length, spans: acked.length });
    } finally {
      await store.close();
    }
  }, 120_000);

  it.skipIf(!tmpfs.ok)('stops on SIGTERM within its bound while the store cannot write; the next start stores the spans', async () => {
    const m = mountTmpfs('size=160m'); // the engine's disk
    if ('error' in m) throw new Error(m.error);
    try {
      const walDir = join(mkdtempSync(join(tmpdir(), 'plumb-stuck-')), 'wal');
      const port = await freePort();
      const env = {
        PLUMB_WAL_DIR: walDir, PLUMB_BATCH_MAX_DELAY_MS: '20', PLUMB_CONTEXT_HOLD_MS: '0',
        PLUMB_SHUTDOWN_TIMEOUT_MS: '4000', PLUMB_WRITER_STUCK_MS: '1000',
      };
      const c = startChildCollector(m.dir, port, env);
      await waitHealthy(c);
      const acked: string[] = [];
      let stop = load(c, acked, 2);
      await new Promise((r) => setTimeout(r, 300));
      await stop();
      const filler = fillFilesystem(m.dir);
      stop = load(c, acked, 2); // the first batches are acknowledged (the WAL has room), then 503
      const deadline = Date.now() + 15_000;
      while ((await fetch(`${c.url}/healthz`)).status !== 503) {
        if (Date.now() > deadline) throw new Error(`the writer never reported stuck: ${c.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await stop();
      const t0 = Date.now();
      c.child.kill('SIGTERM');
      await c.exited();
      expect(Date.now() - t0, c.output()).toBeLessThan(5_000);
      expect(c.output()).toMatch(/not yet stored; they stay in the WAL/);

      rmSync(filler);
      const again = startChildCollector(m.dir, port, env);
      await waitHealthy(again); // replays the WAL: the spans the stopped run could not store
      again.child.kill('SIGTERM');
      await again.exited();
      const store = await Store.open({ target: { kind: 'embedded', path: join(m.dir, 'ch') }, cluster: '', retentionDays: 30 });
      try {
        const [r] = await store.query<{ rows: number; spans: number }>(
          sql`SELECT count() AS rows, uniqExact(span_id) AS spans FROM spans FINAL WHERE span_id IN ${acked}`,
        );
        expect(r).toEqual({ rows: acked.length, spans: acked.length });
      } finally {
        await store.close();
      }
    } finally {
      m.unmount();
    }
  }, 60_000);
});
