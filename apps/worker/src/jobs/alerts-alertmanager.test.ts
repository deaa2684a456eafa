import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, parseRule } from '@plumb/alerts';
import { baseSpan, insertSpanRows, listDeliveries, saveAlertRule, saveContactPoint, Store } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { runAlerts } from './alerts.ts';

/**
 * Delivery to a real Alertmanager (Debian's prometheus-alertmanager, installed by .ci/run) through
 * API v2: the alert Plumb pushes is listed by Alertmanager's own `GET /api/v2/alerts`, with the
 * fingerprint Plumb computes for the same labels.
 */
const BIN = ['/usr/bin/prometheus-alertmanager', '/usr/bin/alertmanager'].find((p) => existsSync(p));
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN + 30_000;
const AT = NOW - 30_000;

let am: ChildProcess | undefined;
let amUrl = '';
let store: Store;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  if (!BIN) return;
  const dir = mkdtempSync(join(tmpdir(), 'plumb-am-'));
  writeFileSync(join(dir, 'am.yml'), 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  am = spawn(BIN, [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${amUrl}/-/ready`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  store = await Store.open(testStoreConfig(join(dir, 'store')));
  await store.migrate();
  await insertSpanRows(store, Array.from({ length: 10 }, (_, i) => {
    const t = BigInt(AT - 3 * MIN + i * 1000) * 1_000_000n;
    return baseSpan({ traceId: (i + 1).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), tenant: 'acme', startTimeUnixNano: t, endTimeUnixNano: t + 5_000_000_000n, usageCounted: false });
  }));
});
afterAll(async () => {
  am?.kill('SIGTERM');
  await store?.close();
});

describe.skipIf(!BIN)('Alertmanager API v2 (prometheus-alertmanager)', () => {
  it('receives the alert and lists it with the same fingerprint', async () => {
    const cp = await saveContactPoint(store, 'default', { name: 'am', kind: 'alertmanager', url: amUrl, secret: '', groupBy: [], groupWaitMs: 0, groupIntervalMs: 0, repeatIntervalMs: 0, sendResolved: true, maxAlerts: 0 });
    const rule = await saveAlertRule(store, 'default', null, parseRule({
      name: 'slow requests', query: { measure: 'p95_latency_ms', groupBy: ['tenant'] }, condition: { op: '>', critical: 1000 }, contactPoints: [cp.id],
      annotations: { summary: 'p95 {{ $value }} ms for {{ $labels.tenant }}' },
    }), 'test');
    await runAlerts(store, NOW, new Map(), { externalUrl: 'http://plumb.test', send: { attempts: 2, backoffMs: 10 } });
    const log = await listDeliveries(store, 'default', { fromMs: 0, toMs: NOW + MIN });
    expect(log.map((d) => [d.kind, d.outcome, d.httpStatus])).toEqual([['alertmanager', 'ok', 200]]);
    const listed = (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as { labels: Record<string, string>; annotations: Record<string, string>; fingerprint: string; status: { state: string } }[];
    expect(listed).toHaveLength(1);
    const a = listed[0]!;
    expect(a.labels).toEqual({ alertname: 'slow requests', rule_id: rule.id, tenant: 'acme', severity: 'critical' });
    expect(a.annotations.summary).toBe('p95 5000 ms for acme');
    expect(a.status.state).toBe('active');
    // Alertmanager's fingerprint of the label set it received equals ours for the same labels.
    expect(a.fingerprint).toBe(fingerprint(a.labels));
  });
});

if (!BIN) console.warn('skipping the Alertmanager API v2 test: prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager; .ci/run installs it)');
