import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HttpMetrics, logFn, logger, newRequestId, processMetrics, withRequestId, WorkerMetrics } from './index.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, destination };
}

describe('structured logs', () => {
  it('writes one JSON object per line with time, level, role, msg and the request id in scope', async () => {
    const { lines, destination } = capture();
    const log = logger('collector', { destination, env: {} });
    log.info('outside');
    await withRequestId('req-12345678', async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.warn({ status: 503 }, 'inside');
    });
    expect(lines[0]).toMatchObject({ level: 'info', role: 'collector', msg: 'outside' });
    expect(lines[0]).not.toHaveProperty('reqId');
    expect(typeof lines[0]!.time).toBe('number');
    expect(lines[1]).toMatchObject({ level: 'warn', role: 'collector', msg: 'inside', status: 503, reqId: 'req-12345678' });
  });

  it('maps the roles’ existing message callbacks onto levels, without the "plumb x:" prefix', () => {
    const { lines, destination } = capture();
    const fn = logFn(logger('worker', { destination, env: {} }));
    fn('plumb worker: job rollups failed: boom');
    fn('plumb: OTLP/HTTP collector on http://0.0.0.0:4318/v1/traces');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'job rollups failed: boom'],
      ['info', 'OTLP/HTTP collector on http://0.0.0.0:4318/v1/traces'],
    ]);
  });

  it('keeps a well-formed incoming request id, makes one otherwise; refuses bad settings', () => {
    expect(newRequestId('abc-DEF_123.456')).toBe('abc-DEF_123.456');
    expect(newRequestId('bad id with spaces')).toMatch(/^[0-9a-f]{16}$/);
    expect(newRequestId(undefined)).toMatch(/^[0-9a-f]{16}$/);
    expect(() => logger('x', { destination: capture().destination, env: { PLUMB_LOG_LEVEL: 'loud' } })).toThrow(/PLUMB_LOG_LEVEL/);
    expect(() => logger('x', { destination: capture().destination, env: { PLUMB_LOG_FORMAT: 'xml' } })).toThrow(/PLUMB_LOG_FORMAT/);
  });
});

const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool) console.warn('ops.test: promtool not installed; the exposition is checked by its own assertions only');

describe('Prometheus metrics of the web server and the worker', () => {
  const web = new HttpMetrics();
  web.observe('/api/trpc/overview.get', 'GET', 200, 0.12);
  web.observe('/traces/0123456789abcdef0123456789abcdef', 'GET', 404, 0.03);
  web.observe('/api/v1/metrics', 'GET', 503, 2);
  const worker = new WorkerMetrics();
  worker.observe('rollups', 'ran', 1.5);
  worker.observe('rollups', 'skipped', 0);
  worker.observe('drift', 'failed', 0.2);

  it('labels by route class (no ids), status class, job and outcome', () => {
    const text = web.registry.render();
    expect(text).toContain('plumb_web_requests_total{route="trpc",method="GET",status="2xx"} 1');
    expect(text).toContain('plumb_web_requests_total{route="page",method="GET",status="4xx"} 1');
    expect(text).toContain('plumb_web_request_duration_seconds_bucket{route="rest",le="2.5"} 1');
    expect(text).not.toContain('0123456789abcdef');
    const w = worker.registry.render();
    expect(w).toContain('plumb_worker_job_runs_total{job="rollups",outcome="skipped"} 1');
    expect(w).toContain('plumb_worker_job_runs_total{job="drift",outcome="failed"} 1');
    expect(w).toMatch(/plumb_worker_job_last_success_timestamp_seconds\{job="rollups"\} \d{10}/);
    expect(w).not.toMatch(/last_success_timestamp_seconds\{job="drift"\}/);
  });

  it.skipIf(!promtool)('is valid exposition text for promtool', () => {
    // What `plumb start` serves in one scrape: both registries and the process series once.
    for (const text of [web.registry.render(), worker.registry.render(), `${web.registry.render()}${worker.registry.render()}${processMetrics('plumb')}\n`]) {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      // promtool exits 1 on lint hints too (e.g. counters without _total); errors name "error".
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/error/i);
    }
  });
});
