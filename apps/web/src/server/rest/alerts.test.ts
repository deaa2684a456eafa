import { createApiKey, createUser, FIXTURE_START, setMembership } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../router.ts';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { openApiDocument } from './openapi.ts';
import { createRestApi, type RestApi } from './index.ts';

let w: TestWorld;
let api: RestApi;
let writeKey: string;
const body = async (r: Response) => (await r.json()) as Record<string, any>;
const req = (method: string, path: string, payload?: unknown, key: string | null = writeKey) =>
  new Request(`http://localhost:3000/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });

beforeAll(async () => {
  w = await openTestWorld('plumb-alerts-rest-');
  api = createRestApi({ getStore: async () => w.store });
  ({ key: writeKey } = await createApiKey(w.store, { projectId: 'default', name: 'writer', scopes: ['write', 'read'] }));
});
afterAll(async () => w?.store.close());

const rule = { name: 'p95 by model', query: { measure: 'p95_latency_ms', groupBy: ['model'] }, condition: { op: '>', critical: 3000 }, forMs: '5m' };

describe('/api/v1/alert-rules', () => {
  it('CRUD with the write scope; reads with read', async () => {
    expect((await api.alertRules(req('POST', '/alert-rules', rule, w.readKey))).status).toBe(403);
    const created = await api.alertRules(req('POST', '/alert-rules', rule));
    expect(created.status).toBe(201);
    const { data } = await body(created);
    expect(data).toMatchObject({ name: 'p95 by model', forMs: 300_000, intervalMs: 60_000, type: 'threshold' });
    const got = await body(await api.alertRules(req('GET', `/alert-rules/${data.id}`, undefined, w.readKey)));
    expect(got.data.id).toBe(data.id);
    const put = await api.alertRules(req('PUT', `/alert-rules/${data.id}`, { ...rule, name: 'renamed' }));
    expect((await body(put)).data.name).toBe('renamed');
    const list = await body(await api.alertRules(req('GET', '/alert-rules', undefined, w.readKey)));
    expect(list.data.map((r: any) => [r.rule.name, r.state])).toEqual([['renamed', 'inactive']]);
    expect((await api.alertRules(req('DELETE', `/alert-rules/${data.id}`))).status).toBe(200);
    expect((await api.alertRules(req('GET', `/alert-rules/${data.id}`))).status).toBe(404);
  });

  it.each([
    [{ ...rule, query: { measure: 'p97_latency_ms' } }, 'query.measure'],
    [{ ...rule, query: { measure: 'requests', groupBy: ['colour'] } }, 'query.groupBy'],
    [{ ...rule, query: { measure: 'requests', filters: { planet: ['mars'] } } }, 'query.filters.planet'],
    [{ ...rule, condition: { op: '>' } }, 'condition.critical'],
    [{ ...rule, forMs: 'soon' }, 'forMs'],
    [{ ...rule, type: 'slo', slo: { total: 'requests', bad: 'nope', target: 0.99 } }, 'slo.bad'],
    [{ ...rule, annotations: { summary: '{{ .Value }}' } }, 'annotations.summary'],
    [{ ...rule, colour: 'red' }, 'colour'],
  ])('a bad rule gets 400 naming the field: %j → %s', async (payload, field) => {
    const r = await api.alertRules(req('POST', '/alert-rules', payload));
    expect(r.status).toBe(400);
    const b = await body(r);
    expect(b.error).toMatchObject({ code: 'invalid_parameter', field });
    expect(b.error.message).toContain(field);
  });
});

describe('/api/v1/alerts and /api/v1/silences', () => {
  it('lists current alerts; creates, lists and expires silences', async () => {
    expect(await body(await api.alerts(req('GET', '/alerts', undefined, w.readKey)))).toEqual({ data: [] });
    expect((await api.alerts(req('GET', '/alerts?state=burning', undefined, w.readKey))).status).toBe(400);
    const bad = await api.silences(req('POST', '/silences', { matchers: [{ name: 'tenant', op: '=~', value: '(' }], endsAt: Date.now() + 60_000 }));
    expect((await body(bad)).error.field).toBe('matchers[0].value');
    const s = await body(await api.silences(req('POST', '/silences', { matchers: [{ name: 'tenant', value: 'acme' }], endsAt: Date.now() + 3_600_000, comment: 'deploy' })));
    expect(s.data.matchers).toEqual([{ name: 'tenant', op: '=', value: 'acme' }]);
    const listed = await body(await api.silences(req('GET', '/silences', undefined, w.readKey)));
    expect(listed.data.map((x: any) => x.state)).toEqual(['active']);
    expect((await api.silences(req('DELETE', `/silences/${s.data.id}`))).status).toBe(200);
    const after = await body(await api.silences(req('GET', '/silences', undefined, w.readKey)));
    expect(after.data.map((x: any) => x.state)).toEqual(['expired']);
  });

  it('the OpenAPI document lists the alert endpoints with the rule schema', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, any>> };
    for (const p of ['/alert-rules', '/alert-rules/{id}', '/alerts', '/silences', '/silences/{id}']) expect(doc.paths[p]).toBeDefined();
    expect(JSON.stringify(doc.paths['/alert-rules']!.post.requestBody)).toContain('keepFiringForMs');
  });
});

describe('tRPC alerts router', () => {
  it('viewers read, editors change; a bad rule is BAD_REQUEST naming the field; preview charts the query with thresholds', async () => {
    const viewer = await createUser(w.store, { email: 'viewer@example.com', password: 'hunter2hunter2' });
    await setMembership(w.store, 'default', viewer.id, 'viewer');
    const asViewer = createCaller({ store: w.store, user: viewer, projectId: 'default' });
    const asAdmin = createCaller({ store: w.store, user: w.user, projectId: 'default' });
    await expect(asViewer.alerts.create(rule as never)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(asAdmin.alerts.create({ ...rule, query: { measure: 'nope' } } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('query.measure') });
    const created = await asAdmin.alerts.create(rule as never);
    expect((await asViewer.alerts.rules()).map((r) => r.rule.id)).toContain(created.id);
    // The fixture's traces start at FIXTURE_START: preview a window over them.
    const p = await asViewer.alerts.preview({ rule: { ...rule, query: { measure: 'requests', groupBy: ['tenant'] }, condition: { op: '>', warning: 1, critical: 2 } }, hours: 24 });
    expect(p.lines.map((l) => l.value)).toEqual([1, 2]);
    expect(p.unit).toBe('count');
    expect(FIXTURE_START.getTime()).toBeGreaterThan(0);
    await expect(asViewer.alerts.saveContactPoint({ name: 'x', kind: 'webhook', url: 'http://127.0.0.1:1/' } as never)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const cp = await asAdmin.alerts.saveContactPoint({ name: 'x', kind: 'webhook', url: 'http://127.0.0.1:1/', secret: 's3cret' } as never);
    expect(cp).toMatchObject({ hasSecret: true });
    expect(JSON.stringify(await asViewer.alerts.contactPoints())).not.toContain('s3cret');
    // SSRF: a cloud metadata address is refused when saved, in any spelling, naming the field.
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/', 'http://2852039166/']) {
      await expect(asAdmin.alerts.saveContactPoint({ name: 'md', kind: 'webhook', url } as never)).rejects.toMatchObject({
        code: 'BAD_REQUEST', message: expect.stringMatching(/not an allowed notification target: .*metadata[^]*"url"/),
      });
    }
  });
});
