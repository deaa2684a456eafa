import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

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
