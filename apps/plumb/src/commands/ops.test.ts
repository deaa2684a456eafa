import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, insertFixture, sql, Store } from '@plumb/store';
import { MANIFEST, type Manifest } from './backup.ts';

/**
 * `plumb doctor`, `plumb backup` and `plumb restore` through the real CLI (child processes) on
 * real embedded stores. chDB allows one process per data directory, so the test process opens a
 * store only while no child needs it.
 */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/plumb.js');
const dir = mkdtempSync(join(tmpdir(), 'plumb-ops-'));
const storeDir = join(dir, 'ch');
const walDir = join(dir, 'wal');

function plumb(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CLICKHOUSE_URL: `file:${storeDir}`, PLUMB_WAL_DIR: walDir, CLICKHOUSE_CLUSTER: '', PLUMB_COLLECTOR_PORT: '1', ...env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}
const doctorJson = (env: Record<string, string> = {}) => {
  const r = plumb(['doctor', '--json'], env);
  return { status: r.status, report: JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; level: string; detail: string }[] } };
};
const level = (report: { checks: { name: string; level: string }[] }, name: string) => report.checks.find((c) => c.name === name)?.level;

let spans = 0;
beforeAll(async () => {
  const store = await Store.open({ target: { kind: 'embedded', path: storeDir }, cluster: '', retentionDays: 3650 });
  await store.migrate();
  const fixture = buildFixture({ traces: 40 });
  await insertFixture(store, fixture);
  const [r] = await store.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM spans FINAL`);
  spans = Number(r!.n);
  await store.close();
}, 120_000);
afterAll(() => {});

describe('plumb doctor', () => {
  it('reports a healthy store: config, reachability, schema version, WAL backlog, disk space', () => {
    mkdirSync(walDir, { recursive: true });
    writeFileSync(join(walDir, '000000000007.wal'), Buffer.alloc(3 * 1024 * 1024));
    const { status, report } = doctorJson();
    expect(status).toBe(0);
    expect(report.ok).toBe(true);
    for (const name of ['config: store', 'config: collector', 'config: web', 'store', 'schema', 'WAL backlog', 'disk: store', 'disk: WAL']) expect(level(report, name), name).toBe('ok');
    expect(report.checks.find((c) => c.name === 'schema')!.detail).toMatch(/^at 00\d\d_\w+ \(\d+ migrations applied\)/);
    expect(report.checks.find((c) => c.name === 'WAL backlog')!.detail).toMatch(/^1 segment\(s\), 3\.0 MiB/);
  });

  it('fails (exit 1) on bad configuration, naming the variable', () => {
    const { status, report } = doctorJson({ PLUMB_COLLECTOR_PORT: 'seventy' });
    expect(status).toBe(1);
    expect(report.checks.find((c) => c.name === 'config: collector')).toMatchObject({ level: 'fail', detail: expect.stringMatching(/PLUMB_COLLECTOR_PORT/) });
  });

  it('fails on a store that is not migrated, and says what to run', () => {
    const empty = join(dir, 'empty');
    const { status, report } = doctorJson({ CLICKHOUSE_URL: `file:${empty}` });
    expect(status).toBe(1);
    expect(report.checks.find((c) => c.name === 'schema')).toMatchObject({ level: 'fail', detail: expect.stringMatching(/plumb migrate/) });
  });

  it('fails on an unreachable server', () => {
    const { status, report } = doctorJson({ CLICKHOUSE_URL: 'http://127.0.0.1:1/plumb' });
    expect(status).toBe(1);
    expect(level(report, 'store')).toBe('fail');
  });
});

describe('plumb backup / restore (embedded)', () => {
  const backupDir = join(dir, 'backup');
  const restored = join(dir, 'restored');

  it('refuses to copy a store another process has open', async () => {
    const store = await Store.open({ target: { kind: 'embedded', path: storeDir }, cluster: '', retentionDays: 3650 });
    try {
      const r = plumb(['backup', '--out', join(dir, 'never')]);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/in use by another process[\s\S]*needs Plumb stopped/);
    } finally {
      await store.close();
    }
  });

  it('backs up with a manifest and restores into an empty directory with the same rows', async () => {
    const b = plumb(['backup', '--out', backupDir]);
    expect(b.status, b.out).toBe(0);
    const manifest = JSON.parse(readFileSync(join(backupDir, MANIFEST), 'utf8')) as Manifest;
    expect(manifest.migrations.length).toBeGreaterThan(10);
    expect(manifest.rows['default.spans']).toBeGreaterThan(0);

    const r = plumb(['restore', '--from', backupDir], { CLICKHOUSE_URL: `file:${restored}` });
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/row counts match the backup/);
    // Restoring over a store that has data needs --force (and moves it aside).
    const again = plumb(['restore', '--from', backupDir], { CLICKHOUSE_URL: `file:${restored}` });
    expect(again.status).toBe(1);
    expect(again.out).toMatch(/not empty/);

    const store = await Store.open({ target: { kind: 'embedded', path: restored }, cluster: '', retentionDays: 3650 });
    try {
      const [r2] = await store.query<{ n: string; cost: string }>(sql`SELECT toString(count()) AS n, toString(sum(cost_usd)) AS cost FROM spans FINAL`);
      expect(Number(r2!.n)).toBe(spans);
      // The restored store takes writes (a migrate is a no-op: same schema).
      expect(await store.migrate()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('plumb worker on its own', () => {
  it('writes JSON log lines and serves its job series on PLUMB_METRICS_PORT', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [BIN, 'worker'], {
      env: { ...process.env, CLICKHOUSE_URL: `file:${join(dir, 'worker-ch')}`, PLUMB_METRICS_PORT: String(port), PLUMB_LOG_FORMAT: 'json', CLICKHOUSE_CLUSTER: '' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      let text = '';
      const deadline = Date.now() + 60_000;
      while (!/plumb_worker_job_runs_total\{job="context-corrections",outcome="ran"\} [1-9]/.test(text)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no worker series: ${text.slice(0, 400)} ${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 500));
        text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
      }
      expect(text).toMatch(/plumb_worker_job_duration_seconds_count\{job="context-corrections"\} \d+/);
      expect(text).toMatch(/plumb_process_resident_memory_bytes\{role="worker"\} \d+/);
      const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; role: string; msg: string; time: number });
      expect(lines.some((l) => l.role === 'plumb' && /Prometheus metrics on/.test(l.msg))).toBe(true);
      for (const l of lines) expect(typeof l.time).toBe('number');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 90_000);
});
