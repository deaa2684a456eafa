import { describe, expect, it } from 'vitest';
import { fingerprint, instanceLabels } from './fingerprint.ts';
import { alertmanagerV2, slackMessage, webhookV4, type OutAlert } from './payload.ts';
import { silencedBy, silenceState, type Silence } from './silence.ts';
import { checkTemplate, dashboardLink, renderTemplate } from './template.ts';

const T = Date.UTC(2026, 0, 2, 3, 4, 5);
const alert = (fp: string, status: 'firing' | 'resolved', tenant: string): OutAlert => ({
  fingerprint: fp, status, labels: { alertname: 'cost', rule_id: 'r1', tenant, severity: 'critical' }, annotations: { summary: `tenant ${tenant}`, runbook: 'x' },
  startsAt: T, endsAt: status === 'resolved' ? T + 60_000 : null, generatorURL: 'http://plumb/alerts?rule=r1', value: 1,
});

describe('fingerprint', () => {
  it('is Alertmanager\'s FNV-1a label-set fingerprint: order-independent, stable', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
    expect(fingerprint({ b: '2', a: '1' })).toBe(fingerprint({ a: '1', b: '2' }));
    expect(fingerprint({ a: '1' })).not.toBe(fingerprint({ a: '2' }));
    // Separators matter: {ab: ''} and {a: 'b'} must not collide.
    expect(fingerprint({ ab: '' })).not.toBe(fingerprint({ a: 'b' }));
    expect(instanceLabels({ id: 'r1', name: 'n', labels: { team: 'ml' } }, { model: 'm' })).toEqual({ team: 'ml', model: 'm', alertname: 'n', rule_id: 'r1' });
  });
});

describe('payloads', () => {
  it('webhook v4: version, status, common labels/annotations, zero endsAt while firing, truncation', () => {
    const p = webhookV4({ receiver: 'ops', groupKey: 'k', groupLabels: { alertname: 'cost' }, externalURL: 'http://plumb', reason: 'first notification', alerts: [alert('b', 'resolved', 'y'), alert('a', 'firing', 'x')] });
    expect(p).toMatchObject({ version: '4', status: 'firing', receiver: 'ops', truncatedAlerts: 0, notification_reason: 'first notification', commonLabels: { alertname: 'cost', rule_id: 'r1', severity: 'critical' }, commonAnnotations: { runbook: 'x' } });
    expect(p.alerts.map((a) => [a.fingerprint, a.status, a.startsAt, a.endsAt])).toEqual([
      ['a', 'firing', '2026-01-02T03:04:05.000Z', '0001-01-01T00:00:00Z'], ['b', 'resolved', '2026-01-02T03:04:05.000Z', '2026-01-02T03:05:05.000Z'],
    ]);
    const cut = webhookV4({ receiver: 'ops', groupKey: 'k', groupLabels: {}, externalURL: '', reason: '', alerts: [alert('a', 'firing', 'x'), alert('b', 'firing', 'y')], maxAlerts: 1 });
    expect([cut.alerts.length, cut.truncatedAlerts]).toEqual([1, 1]);
    expect(webhookV4({ receiver: 'r', groupKey: 'k', groupLabels: {}, externalURL: '', reason: '', alerts: [alert('b', 'resolved', 'y')] }).status).toBe('resolved');
  });

  it('slack and Alertmanager v2 bodies', () => {
    const s = slackMessage({ receiver: 'ops', groupKey: 'k', groupLabels: {}, externalURL: '', reason: '', alerts: [alert('a', 'firing', 'x'), alert('b', 'resolved', 'y')] });
    expect(s.text).toBe('[FIRING:1] cost');
    expect(s.attachments.map((a) => a.title)).toEqual(['CRITICAL: cost (tenant=x)', 'RESOLVED: cost (tenant=y)']);
    const am = alertmanagerV2([alert('a', 'firing', 'x'), alert('b', 'resolved', 'y')], T, 60_000);
    expect(am[0]!.endsAt).toBe(new Date(T + 240_000).toISOString());
    expect(am[1]!.endsAt).toBe(new Date(T + 60_000).toISOString());
    expect(am[0]).not.toHaveProperty('fingerprint');
  });
});

describe('templates and links', () => {
  it('renders the known variables and refuses others when saved', () => {
    const d = { value: 3141.59265, threshold: 3000, severity: 'critical', state: 'firing', rule: 'p95', link: 'http://l', labels: { model: 'gpt' } };
    expect(renderTemplate('{{ $rule }}: {{$labels.model}} p95 {{ $value }} ms > {{ $threshold }} ({{ $severity }}) {{ $labels.none }}{{ $link }}', d)).toBe('p95: gpt p95 3142 ms > 3000 (critical) http://l');
    expect(checkTemplate('{{ $value }} {{ $labels.a_b }}')).toBeNull();
    expect(checkTemplate('{{ .Value }}')).toMatch(/unknown template variable/);
    expect(checkTemplate('{{ $value')).toMatch(/unclosed/);
  });

  it('links to the traces behind the alert: group, filters, window, errors', () => {
    const l = dashboardLink('http://plumb/', { measure: 'error_rate', filters: { environment: ['prod'] } }, { tenant: 'acme', host: 'h1' }, 1000, 2000);
    expect(l).toBe('http://plumb/traces?from=1000&to=2000&environment=prod&tenant=acme&status=error');
  });
});

describe('silences', () => {
  const s = (matchers: Silence['matchers'], startsAt = 0, endsAt = 10): Silence => ({ id: 's', matchers, startsAt, endsAt, createdBy: 'u', comment: '' });
  it('matches every matcher (regex anchored, missing label = empty) while active', () => {
    const labels = { alertname: 'cost', tenant: 'acme-eu' };
    expect(silencedBy([s([{ name: 'tenant', op: '=~', value: 'acme-.*' }])], labels, 5)).toEqual(['s']);
    expect(silencedBy([s([{ name: 'tenant', op: '=~', value: 'acme' }])], labels, 5)).toEqual([]);
    expect(silencedBy([s([{ name: 'tenant', op: '=', value: 'acme-eu' }, { name: 'model', op: '=', value: '' }])], labels, 5)).toEqual(['s']);
    expect(silencedBy([s([{ name: 'tenant', op: '!=', value: 'acme-eu' }])], labels, 5)).toEqual([]);
    expect(silencedBy([s([{ name: 'tenant', op: '!~', value: 'x.*' }])], labels, 5)).toEqual(['s']);
    expect(silencedBy([s([{ name: 'tenant', op: '=~', value: '.*' }])], labels, 10)).toEqual([]);
    expect([silenceState(s([], 5, 10), 4), silenceState(s([], 5, 10), 5), silenceState(s([], 5, 10), 10)]).toEqual(['pending', 'active', 'expired']);
  });
});
