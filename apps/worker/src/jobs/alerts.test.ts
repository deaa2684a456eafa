import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRule, type WebhookV4 } from '@plumb/alerts';
import {
  baseSpan, insertSpanRows, listDeliveries, listTransitions, loadInstances, saveAlertRule, saveContactPoint, saveSilence, Store, type SpanRow,
} from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { startWorker } from '../worker.ts';
import { alertsJob, evaluateProject, runAlerts } from './alerts.ts';

const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN + 30_000;
const AT = NOW - 30_000;
const SECRET = 'shh-its-a-secret';
let dir: string;
let store: Store;

interface Received { headers: IncomingHttpHeaders; body: string }
const received: Received[] = [];
let failNext = 0;
let server: Server;
let hookUrl = '';

/** Root spans in [AT-4m, AT-1m): tenant `slow` takes 3 s, `fast` 100 ms; every 5th of `flaky` fails. */
function spans(): SpanRow[] {
  const rows: SpanRow[] = [];
  let n = 0;
  for (const tenant of ['slow', 'fast', 'flaky']) {
    for (let i = 0; i < 20; i++) {
      n++;
      const t = BigInt(AT - 4 * MIN + i * 9000) * 1_000_000n;
      const ms = tenant === 'slow' ? 3000 : 100;
      rows.push(baseSpan({
        traceId: n.toString(16).padStart(32, '0'), spanId: n.toString(16).padStart(16, '0'), tenant, startTimeUnixNano: t, endTimeUnixNano: t + BigInt(ms) * 1_000_000n,
        statusCode: tenant === 'flaky' && i % 5 === 0 ? 'error' : 'ok', usageCounted: false,
      }));
    }
  }
  return rows;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-alerts-job-'));
  store = await Store.open(testStoreConfig(dir));
  await store.migrate();
  await insertSpanRows(store, spans());
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503, { 'retry-after': '0' }).end('busy');
        return;
      }
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await store?.close();
  await new Promise((r) => server.close(r));
});

const send = { attempts: 3, backoffMs: 10 };

describe('alerts job over the embedded store', () => {
  it('a rule fires per group; the webhook gets a valid v4 payload with a correct HMAC; a restart sends no duplicate', async () => {
    const cp = await saveContactPoint(store, 'default', { name: 'hook', kind: 'webhook', url: hookUrl, secret: SECRET, groupBy: ['alertname'], groupWaitMs: 0, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000, sendResolved: true, maxAlerts: 0 });
    const rule = await saveAlertRule(store, 'default', null, parseRule({
      name: 'p95 high', query: { measure: 'p95_latency_ms', groupBy: ['tenant'] }, condition: { op: '>', warning: 1000, critical: 2000 },
      annotations: { summary: '{{ $labels.tenant }} p95 {{ $value }} ms' }, contactPoints: [cp.id], labels: { team: 'sre' },
    }), 'test');
    const last = new Map<string, number>();
    const stats = await runAlerts(store, NOW, last, { externalUrl: 'http://plumb.test', send });
    expect(stats).toMatchObject({ rules: 1, queries: 1, failedQueries: 0 });
    const inst = await loadInstances(store, 'default', [rule.id]);
    expect(Object.fromEntries(inst.map((i) => [i.group.tenant, i.state]))).toEqual({ slow: 'firing', fast: 'inactive', flaky: 'inactive' });
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    // Signature recomputed here from the documented recipe, not with the sender's own helper.
    const ts = String(headers['x-plumb-timestamp']);
    expect(headers['x-plumb-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`);
    const p = JSON.parse(body) as WebhookV4;
    expect(p).toMatchObject({ version: '4', status: 'firing', receiver: 'hook', truncatedAlerts: 0, notification_reason: 'first notification', groupLabels: { alertname: 'p95 high' } });
    expect(p.alerts).toHaveLength(1);
    expect(p.alerts[0]).toMatchObject({ status: 'firing', labels: { alertname: 'p95 high', tenant: 'slow', team: 'sre', severity: 'critical', rule_id: rule.id }, endsAt: '0001-01-01T00:00:00Z' });
    expect(p.alerts[0]!.annotations.summary).toBe('slow p95 3000 ms');
    expect(p.alerts[0]!.annotations.dashboard).toContain('/traces?from=');
    expect(p.alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(new Date(p.alerts[0]!.startsAt).getTime()).toBe(AT);

    // Restart: a new store handle on the same data dir and a fresh job (no memory), one minute later.
    await store.close();
    store = await Store.open(testStoreConfig(dir));
    await runAlerts(store, NOW + MIN, new Map(), { externalUrl: 'http://plumb.test', send });
    await runAlerts(store, NOW + 2 * MIN, new Map(), { externalUrl: 'http://plumb.test', send });
    expect(received).toHaveLength(1);
    const after = await loadInstances(store, 'default', [rule.id]);
    expect(after.find((i) => i.group.tenant === 'slow')).toMatchObject({ state: 'firing', firedAt: AT });
    const log = await listDeliveries(store, 'default', { fromMs: 0, toMs: NOW + 10 * MIN });
    expect(log.map((d) => [d.outcome, d.httpStatus, d.reason])).toEqual([['ok', 200, 'first notification']]);
    const hist = await listTransitions(store, 'default', { ruleId: rule.id, fromMs: 0, toMs: NOW + 10 * MIN });
    expect(hist.map((t) => `${t.labels.tenant}:${t.from}→${t.to}`)).toEqual(['slow:inactive→firing']);

    // The data window moves past the slow spans: the alert resolves and a resolved notification goes out (after group_interval).
    await runAlerts(store, NOW + 6 * MIN, new Map(), { externalUrl: 'http://plumb.test', send });
    expect(received).toHaveLength(2);
    const resolved = JSON.parse(received[1]!.body) as WebhookV4;
    expect(resolved).toMatchObject({ status: 'resolved', notification_reason: 'all alerts resolved' });
    expect(resolved.alerts[0]!.fingerprint).toBe(p.alerts[0]!.fingerprint);
  });

  it('pending → firing after `for`; retries with backoff are logged; silences mute', async () => {
    received.length = 0;
    const cp = await saveContactPoint(store, 'default', { name: 'hook2', kind: 'webhook', url: hookUrl, secret: '', groupBy: ['...'], groupWaitMs: 0, groupIntervalMs: 60_000, repeatIntervalMs: 3_600_000, sendResolved: true, maxAlerts: 0 });
    const rule = await saveAlertRule(store, 'default', null, parseRule({
      name: 'errors', query: { measure: 'error_rate', groupBy: ['tenant'] }, condition: { op: '>', critical: 0.1 }, forMs: '1m', windowMs: '10m', contactPoints: [cp.id],
    }), 'test');
    const last = new Map<string, number>();
    await runAlerts(store, NOW, last, { send });
    expect((await loadInstances(store, 'default', [rule.id])).find((i) => i.group.tenant === 'flaky')?.state).toBe('pending');
    expect(received).toHaveLength(0);
    failNext = 2;
    await runAlerts(store, NOW + MIN, last, { send });
    expect((await loadInstances(store, 'default', [rule.id])).find((i) => i.group.tenant === 'flaky')?.state).toBe('firing');
    expect(received).toHaveLength(1);
    const log = await listDeliveries(store, 'default', { contactPointId: cp.id, fromMs: 0, toMs: NOW + 10 * MIN });
    expect(log.map((d) => [d.attempt, d.outcome, d.httpStatus]).sort()).toEqual([[1, 'retrying', 503], [2, 'retrying', 503], [3, 'ok', 200]]);

    // A silence on tenant=flaky mutes a new rule's alert for it.
    await saveSilence(store, 'default', { matchers: [{ name: 'tenant', op: '=', value: 'flaky' }], startsAt: NOW - MIN, endsAt: NOW + 60 * MIN, createdBy: 'test', comment: 'known' });
    await saveAlertRule(store, 'default', null, parseRule({ name: 'errors2', query: { measure: 'errors', groupBy: ['tenant'] }, condition: { op: '>', critical: 0 }, windowMs: '10m', contactPoints: [cp.id] }), 'test');
    await runAlerts(store, NOW + 2 * MIN, last, { send });
    expect(received).toHaveLength(1);
  });

  it('rules with the same shape share one query; a failing query puts only its rules in error', async () => {
    const r = (name: string, measure: string) => parseRule({ name, query: { measure, groupBy: ['tenant'] }, condition: { op: '>', critical: 1e12 }, windowMs: '7m' });
    const rules = [];
    for (const m of ['requests', 'errors', 'p50_latency_ms', 'p99_latency_ms', 'cost_usd']) rules.push({ ...(await saveAlertRule(store, 'default', null, r(`shared ${m}`, m), 'test')), projectId: 'default' });
    const e = await evaluateProject(store, 'default', rules, NOW);
    expect([e.queries, e.failed, e.instances.length]).toEqual([1, 0, 15]);
    // A rule whose measure left the catalog (saved before a catalog change) fails only its own query.
    const bad = { ...rules[0]!, id: 'ar_bad', query: { ...rules[0]!.query, measure: 'no_such_measure', groupBy: ['model'] } };
    const e2 = await evaluateProject(store, 'default', [...rules, bad], NOW + MIN);
    expect([e2.queries, e2.failed]).toEqual([2, 1]);
    expect(e2.instances.filter((i) => i.state === 'error').map((i) => i.ruleId)).toEqual(['ar_bad']);
  });

  it('Slack: an incoming-webhook body (text + one attachment per alert)', async () => {
    received.length = 0;
    const cp = await saveContactPoint(store, 'slack', { name: 'slack', kind: 'slack', url: hookUrl, secret: '', groupBy: ['alertname'], groupWaitMs: 0, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000, sendResolved: true, maxAlerts: 0 });
    await saveAlertRule(store, 'slack', null, parseRule({ name: 'any traffic', query: { measure: 'requests' }, condition: { op: '>', critical: 0 }, windowMs: '10m', contactPoints: [cp.id] }), 'test');
    await insertSpanRows(store, spans().slice(0, 3).map((r) => ({ ...r, projectId: 'slack' })));
    await runAlerts(store, NOW, new Map(), { send });
    const slack = received.map((r) => JSON.parse(r.body) as { text: string; attachments: { title: string; color: string }[] }).find((b) => b.text.includes('any traffic'));
    expect(slack).toMatchObject({ text: '[FIRING:1] any traffic', attachments: [{ title: 'CRITICAL: any traffic', color: '#e01e5a' }] });
    expect(received.find((r) => r.body.includes('any traffic'))!.headers['x-plumb-signature']).toBeUndefined();
  });

  it('two workers: one evaluates at a time under the lease; the second takes over when the first stops, with no duplicate notification', async () => {
    received.length = 0;
    const cp = await saveContactPoint(store, 'ha', { name: 'ha', kind: 'webhook', url: hookUrl, secret: SECRET, groupBy: ['alertname'], groupWaitMs: 0, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000, sendResolved: true, maxAlerts: 0 });
    await saveAlertRule(store, 'ha', null, parseRule({ name: 'ha traffic', query: { measure: 'requests' }, condition: { op: '>', critical: 0 }, windowMs: '10m', contactPoints: [cp.id] }), 'test');
    await insertSpanRows(store, spans().slice(0, 3).map((r) => ({ ...r, projectId: 'ha' })));
    const ran: string[] = [];
    let clock = NOW;
    const start = (holder: string) => startWorker(store, {
      log: () => undefined, holder, lease: { ttlMs: 1500, settleMs: 50 },
      jobs: [alertsJob({ intervalMs: 150, now: () => clock, send })],
      onTick: (_job, r) => { if (r) ran.push(holder); },
    });
    const w1 = start('w1');
    const w2 = start('w2');
    for (let i = 0; i < 100 && ran.length < 6; i++) await new Promise((r) => setTimeout(r, 100));
    await w1.stop();
    const before = ran.length;
    clock += MIN;
    for (let i = 0; i < 100 && !ran.slice(before).includes('w2'); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    await w2.stop();
    expect(ran.slice(before)).toContain('w2');
    expect(received.filter((r) => r.body.includes('ha traffic'))).toHaveLength(1);
    const log = await listDeliveries(store, 'ha', { fromMs: 0, toMs: NOW + 10 * MIN });
    expect(log.map((d) => d.outcome)).toEqual(['ok']);
  });
});
