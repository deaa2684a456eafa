import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countStored, freePort, load, startChildCollector, waitHealthy } from './testing/child.ts';
import { fillFilesystem, mountTmpfs, tmpfsSupport } from './testing/tmpfs.ts';

/**
 * The "SIGTERM did not stop the process within 30 s", on the real child collector: the
 * engine's disk is a full tmpfs (inserts fail), the WAL is elsewhere (requests are acknowledged
 * until the writer is unhealthy). /healthz must report the stuck writer, SIGTERM must return within
 * PLUMB_SHUTDOWN_TIMEOUT_MS, and the next start must store what the stopped run could not.
 */
const tmpfs = tmpfsSupport();
if (!tmpfs.ok) console.warn(`sigterm.faults: skipping: cannot mount a tmpfs here (${tmpfs.reason})`);

describe('SIGTERM while the writer is stuck', () => {
  it.skipIf(!tmpfs.ok)('stops on SIGTERM within its bound while the store cannot write; the next start stores the spans', async () => {
    const m = mountTmpfs('size=160m'); // the engine's disk
    if ('error' in m) throw new Error(m.error);
    try {
      const walDir = join(mkdtempSync(join(tmpdir(), 'plumb-stuck-')), 'wal');
      const port = await freePort();
      const env = {
        PLUMB_WAL_DIR: walDir, PLUMB_BATCH_MAX_DELAY_MS: '20', PLUMB_CONTEXT_HOLD_MS: '0',
        PLUMB_SHUTDOWN_TIMEOUT_MS: '4000', PLUMB_WRITER_STUCK_MS: '1000', PLUMB_WAL_MAX_BYTES: String(1024 * 1024),
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
      expect(await countStored(m.dir, acked)).toEqual({ rows: acked.length, spans: acked.length });
    } finally {
      m.unmount();
    }
  }, 60_000);
});
