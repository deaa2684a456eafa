import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store, sql } from '@plumb/store';
import { hexId, otlpJson } from './testing.ts';

const CLI = resolve(import.meta.dirname, '../../plumb/bin/plumb.js');

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function startCollector(dir: string, port: number): ChildProcess {
  return spawn(process.execPath, [CLI, 'collector'], {
    env: {
      ...process.env,
      CLICKHOUSE_URL: `file:${join(dir, 'ch')}`,
      PLUMB_WAL_DIR: join(dir, 'wal'),
      PLUMB_COLLECTOR_PORT: String(port),
      PLUMB_COLLECTOR_HOST: '127.0.0.1',
      // A long batch window keeps acknowledged spans only in the WAL when the process dies.
      PLUMB_BATCH_MAX_DELAY_MS: '3000',
      PLUMB_BATCH_MAX_ROWS: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitHealthy(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`collector exited: ${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`collector did not start: ${output}`);
}

// A signal-killed child has signalCode set and exitCode null.
const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

describe('crash safety', () => {
  it('keeps every acknowledged span through kill -9 under load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-crash-'));
    const port = await freePort();
    let child = startCollector(dir, port);
    await waitHealthy(port, child);

    const acked: string[] = [];
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const traceId = hexId(16);
        const spans = Array.from({ length: 50 }, (_, i) => ({
          traceId, spanId: hexId(8), name: `s${i}`, startMs: Date.now() - 1000, durationMs: 5,
          attributes: { 'tenant.id': 'crash', 'gen_ai.usage.input_tokens': 10 },
        }));
        try {
          const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
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
    const senders = Array.from({ length: 4 }, sender);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await exited(child);
    expect(acked.length).toBeGreaterThan(500);

    child = startCollector(dir, port);
    await waitHealthy(port, child); // replays the WAL before it listens
    child.kill('SIGTERM');
    await exited(child);

    const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 30 });
    try {
      const rows = await store.query<{ n: number }>(sql`SELECT count() AS n FROM spans FINAL WHERE span_id IN ${acked}`);
      expect(rows[0]!.n).toBe(acked.length);
    } finally {
      await store.close();
    }
  }, 120_000);
});
