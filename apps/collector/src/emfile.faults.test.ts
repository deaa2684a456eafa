import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countStored, freePort, startChildCollector, waitHealthy } from './testing/child.ts';
import { hexId, otlpJson } from './testing.ts';

/**
 * Too many open files, for real: the file limit of a running child collector is lowered with
 * prlimit(1) to the lowest free descriptor number, so no open() can succeed (WAL segments, the
 * engine's part files), while the test keeps talking to it over connections already open.
 */
function prlimitWorks(): string | null {
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), '--nofile'], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
const unsupported = prlimitWorks();
if (unsupported) console.warn(`emfile.faults: skipping: prlimit is not usable here (${unsupported})`);

function lowestFreeFd(pid: number): number {
  const used = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  let fd = 0;
  while (used.has(fd)) fd++;
  return fd;
}

describe.skipIf(unsupported !== null)('too many open files', () => {
  it('answers 503 + Retry-After while no file can be opened, recovers alone, loses nothing acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-emfile-'));
    const port = await freePort();
    const c = startChildCollector(dir, port, {
      PLUMB_BATCH_MAX_DELAY_MS: '50',
      PLUMB_CONTEXT_HOLD_MS: '0',
      PLUMB_WAL_SEGMENT_MAX_AGE_MS: '100',
    });
    const pid = c.child.pid!;
    await waitHealthy(c);
    // Two keep-alive connections, opened while descriptors are plentiful, and reused throughout.
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const acked: string[] = [];
    const statuses: number[] = [];
    let retryAfterMissing = 0;
    const send = () =>
      new Promise<number>((resolve, reject) => {
        const traceId = hexId(16);
        const spans = Array.from({ length: 5 }, (_, i) => ({ traceId, spanId: hexId(8), name: `e${i}`, startMs: Date.now() - 1000, durationMs: 2 }));
        const req = request(`${c.url}/v1/traces`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            statuses.push(status);
            if (status === 200) acked.push(...spans.map((s) => s.spanId));
            else if (!res.headers['retry-after']) retryAfterMissing++;
            resolve(status);
          });
        });
        req.on('error', reject);
        req.end(otlpJson(spans));
      });

    await Promise.all([send(), send()]);
    await new Promise((r) => setTimeout(r, 300)); // inserted: the writer has a known-good row
    const limits = execFileSync('prlimit', ['--pid', String(pid), '--nofile', '--raw', '--noheadings', '--output', 'SOFT,HARD']).toString().trim().split(/\s+/);
    const limit = lowestFreeFd(pid);
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:${limits[1]}`]);
    let during: number[] = [];
    try {
      await new Promise((r) => setTimeout(r, 200)); // the WAL segment is due for rotation
      during = [];
      for (let i = 0; i < 10; i++) during.push(await send());
    } finally {
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limits[0]}:${limits[1]}`]);
    }
    expect(during.filter((s) => s === 503).length, c.output()).toBeGreaterThan(0);
    expect(during.every((s) => s === 200 || s === 503)).toBe(true);
    const deadline = Date.now() + 20_000;
    while ((await send()) !== 200) {
      if (Date.now() > deadline) throw new Error(`did not recover: ${c.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 5; i++) await send();
    if (process.env.PLUMB_TEST_LOG) console.log(during, c.output());
    expect(retryAfterMissing).toBe(0);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).not.toMatch(/reason="store_rejected"/);
    agent.destroy();

    c.child.kill('SIGTERM');
    await c.exited();
    const again = startChildCollector(dir, port);
    await waitHealthy(again); // replays what the first run had not stored
    again.child.kill('SIGTERM');
    await again.exited();
    expect(await countStored(dir, acked)).toEqual({ rows: acked.length, spans: acked.length });
  }, 90_000);
});
