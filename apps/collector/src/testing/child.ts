import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { sql, Store } from '@plumb/store';
import { hexId, otlpJson } from '../testing.ts';

/** The real collector (`plumb collector`) as a child process, for crash and resource-limit tests. */
const CLI = resolve(import.meta.dirname, '../../../plumb/bin/plumb.js');

export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface ChildCollector {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  exited(): Promise<void>;
}

export function startChildCollector(dir: string, port: number, env: Record<string, string> = {}): ChildCollector {
  const child = spawn(process.execPath, [CLI, 'collector'], {
    env: {
      ...process.env,
      CLICKHOUSE_URL: `file:${join(dir, 'ch')}`,
      PLUMB_WAL_DIR: join(dir, 'wal'),
      PLUMB_COLLECTOR_PORT: String(port),
      PLUMB_COLLECTOR_HOST: '127.0.0.1',
      PLUMB_COLLECTOR_GRPC_PORT: '-1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    // A signal-killed child has signalCode set and exitCode null.
    exited: () => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r()))),
  };
}

export async function waitHealthy(c: ChildCollector, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (c.child.exitCode !== null || c.child.signalCode !== null) throw new Error(`collector exited: ${c.output()}`);
    try {
      if ((await fetch(`${c.url}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`collector did not start: ${c.output()}`);
}

/** Real HTTP senders of small batches until `stop()`; acknowledged span ids land in `acked`. */
export function load(c: ChildCollector, acked: string[], senders: number) {
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

/**
 * Opens the stopped child's store (`dir`) and counts the acknowledged span ids in it: rows under
 * FINAL and distinct ids, which both equal `acked.length` when every acknowledged span is stored
 * exactly once.
 */
export async function countStored(dir: string, acked: readonly string[]): Promise<{ rows: number; spans: number }> {
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 30 });
  try {
    const [r] = await store.query<{ rows: number; spans: number }>(
      sql`SELECT count() AS rows, uniqExact(span_id) AS spans FROM spans FINAL WHERE span_id IN ${[...acked]}`,
    );
    return r!;
  } finally {
    await store.close();
  }
}
