import { createApiKey } from '@plumb/store';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, B, B_MARKERS, echoless, from, openIsolationWorld, to, type BWorld, type IsolationWorld } from '../isolation-world.ts';
import { setStore } from '../store.ts';

/**
 * The REST isolation matrix, generated from the route files Next serves (apps/web/src/app/api/**
 * /route.ts, every exported method): each endpoint has a rule here (how it authenticates and a
 * request naming B's resources), or the first test fails. Then, per endpoint:
 *  - no credentials                                    → 401
 *  - a key of A without the scope (or a non-member)    → 403 / 404
 *  - A's credentials asking for B (x-plumb-project)    → 404
 *  - A's credentials with B's resource ids              → no byte of B in the answer
 * and B is unchanged at the end.
 */
type Auth = 'read' | 'write' | 'session' | 'public';
interface Rule {
  auth: Auth;
  /** Path and query under http://localhost, naming B's resources where the route takes any. */
  url: (b: BWorld) => string;
  body?: (b: BWorld) => unknown;
}
const w = `from=${from}&to=${to}`;
const RULES: Record<string, Rule> = {
  'POST /api/auth/login': { auth: 'public', url: () => '/api/auth/login', body: () => ({ email: 'b-admin@example.com', password: 'wrong-password' }) },
  'POST /api/auth/logout': { auth: 'public', url: () => '/api/auth/logout' },
  'GET /api/cost-export': { auth: 'session', url: () => `/api/cost-export?${w}&groupBy=tenant` },
  'GET /api/cost-export/month': { auth: 'session', url: () => '/api/cost-export/month?month=2020-01' },
  'GET /api/trpc/[trpc]': { auth: 'session', url: () => `/api/trpc/traces.list?input=${encodeURIComponent(JSON.stringify({ json: { from, to } }))}` },
  'POST /api/trpc/[trpc]': { auth: 'session', url: () => '/api/trpc/members.invite', body: () => ({ json: { email: 'rest-invitee@example.com', role: 'viewer' } }) },
  'GET /api/v1/openapi.json': { auth: 'public', url: () => '/api/v1/openapi.json' },
  'GET /api/v1/traces': { auth: 'read', url: () => `/api/v1/traces?${w}` },
  'GET /api/v1/traces/summary': { auth: 'read', url: () => `/api/v1/traces/summary?${w}` },
  'GET /api/v1/traces/[traceId]': { auth: 'read', url: (b) => `/api/v1/traces/${b.traceId}` },
  'GET /api/v1/metrics': { auth: 'read', url: () => `/api/v1/metrics?${w}&measures=requests,cost_usd&groupBy=tenant` },
  'GET /api/v1/keys': { auth: 'read', url: () => '/api/v1/keys' },
  'POST /api/v1/keys': { auth: 'write', url: () => '/api/v1/keys', body: () => ({ name: 'matrix', scopes: ['read'] }) },
  'DELETE /api/v1/keys/[keyId]': { auth: 'write', url: (b) => `/api/v1/keys/${b.keyId}` },
  'GET /api/v1/cost/export': { auth: 'read', url: () => `/api/v1/cost/export?${w}&groupBy=tenant` },
  'GET /api/v1/cost/month-export': { auth: 'read', url: () => '/api/v1/cost/month-export?month=2020-01' },
  'GET /api/v1/prices': { auth: 'read', url: () => '/api/v1/prices?q=b-secret' },
  'POST /api/v1/prices': { auth: 'write', url: () => '/api/v1/prices', body: () => ({ id: 'b-override', provider: '', modelPattern: 'x', effectiveFrom: from, inputPerMTok: '1', outputPerMTok: '1' }) },
  'GET /api/v1/reprice': { auth: 'read', url: () => '/api/v1/reprice' },
  'POST /api/v1/reprice': { auth: 'write', url: () => '/api/v1/reprice', body: () => ({ from, to }) },
  'GET /api/v1/drift-monitors': { auth: 'read', url: () => '/api/v1/drift-monitors' },
  'POST /api/v1/drift-monitors': { auth: 'write', url: () => '/api/v1/drift-monitors', body: () => ({ name: 'm', feature: { kind: 'span', field: 'duration_ms' } }) },
  'GET /api/v1/drift-monitors/[monitorId]': { auth: 'read', url: (b) => `/api/v1/drift-monitors/${b.monitorId}` },
  'PUT /api/v1/drift-monitors/[monitorId]': { auth: 'write', url: (b) => `/api/v1/drift-monitors/${b.monitorId}`, body: () => ({ name: 'hijacked', feature: { kind: 'span', field: 'duration_ms' } }) },
  'DELETE /api/v1/drift-monitors/[monitorId]': { auth: 'write', url: (b) => `/api/v1/drift-monitors/${b.monitorId}` },
  'POST /api/v1/drift-monitors/[monitorId]/evaluate': { auth: 'write', url: (b) => `/api/v1/drift-monitors/${b.monitorId}/evaluate` },
  'POST /api/v1/scores': { auth: 'write', url: () => '/api/v1/scores', body: (b) => ({ traceId: b.traceId, spanId: b.spanId, name: 'matrix', value: 1 }) },
  'POST /api/v1/bundles': { auth: 'read', url: () => '/api/v1/bundles', body: (b) => ({ traceIds: [b.traceId] }) },
  'GET /api/v1/signing-keys': { auth: 'read', url: () => '/api/v1/signing-keys' },
  'POST /api/v1/signing-keys': { auth: 'write', url: () => '/api/v1/signing-keys' },
  'POST /api/v1/labels': { auth: 'write', url: () => '/api/v1/labels', body: (b) => ({ traceId: b.traceId, spanId: b.spanId, name: 'label', value: 'x' }) },
  'GET /api/v1/latency/percentiles': { auth: 'read', url: () => `/api/v1/latency/percentiles?${w}&dimension=tenant` },
  'GET /api/v1/latency/regression': { auth: 'read', url: () => `/api/v1/latency/regression?${w}&baselineFrom=${from - 3_600_000}&baselineTo=${from}` },
  'GET /api/v1/latency/stages': { auth: 'read', url: (b) => `/api/v1/latency/stages?traceId=${b.traceId}` },
  'GET /api/v1/alert-rules': { auth: 'read', url: () => '/api/v1/alert-rules' },
  'POST /api/v1/alert-rules': { auth: 'write', url: () => '/api/v1/alert-rules', body: () => ({ name: 'matrix', query: { measure: 'requests' }, condition: { op: '>', critical: 0 } }) },
  'GET /api/v1/alert-rules/[ruleId]': { auth: 'read', url: (b) => `/api/v1/alert-rules/${b.alertRuleId}` },
  'PUT /api/v1/alert-rules/[ruleId]': { auth: 'write', url: (b) => `/api/v1/alert-rules/${b.alertRuleId}`, body: () => ({ name: 'hijacked', query: { measure: 'requests' }, condition: { op: '>', critical: 0 } }) },
  'DELETE /api/v1/alert-rules/[ruleId]': { auth: 'write', url: (b) => `/api/v1/alert-rules/${b.alertRuleId}` },
  'GET /api/v1/alerts': { auth: 'read', url: (b) => `/api/v1/alerts?ruleId=${b.alertRuleId}` },
  'GET /api/v1/silences': { auth: 'read', url: () => '/api/v1/silences' },
  'POST /api/v1/silences': { auth: 'write', url: () => '/api/v1/silences', body: () => ({ matchers: [{ name: 'tenant', op: '=', value: 'x' }], endsAt: Date.now() + 3_600_000 }) },
  'DELETE /api/v1/silences/[silenceId]': { auth: 'write', url: (b) => `/api/v1/silences/${b.silenceId}` },
  'GET /api/v1/gpu-prices': { auth: 'read', url: () => '/api/v1/gpu-prices' },
  // B's price id under A's key: A gets a price of its own by that id; B's stays as it was.
  'PUT /api/v1/gpu-prices/[priceId]': { auth: 'write', url: (b) => `/api/v1/gpu-prices/${b.gpuPriceId}`, body: () => ({ matchKind: 'host', match: 'a-host', usdPerGpuHour: '1' }) },
};

const API_DIR = join(import.meta.dirname, '../../app/api');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type RouteFn = (r: Request) => Promise<Response>;
const endpoints: { id: string; fn: RouteFn }[] = [];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name === 'route.ts' ? [join(dir, e.name)] : []));
}

let world: IsolationWorld;
let before = '';
const keys: Record<'all' | 'ingestOnly' | 'readOnly', string> = { all: '', ingestOnly: '', readOnly: '' };

beforeAll(async () => {
  world = await openIsolationWorld('plumb-isolation-rest-');
  setStore(world.w.store);
  for (const file of routeFiles(API_DIR)) {
    const mod = (await import(file)) as Record<string, unknown>;
    const route = '/api/' + relative(API_DIR, file).replace(/\/?route\.ts$/, '');
    for (const m of METHODS) if (typeof mod[m] === 'function') endpoints.push({ id: `${m} ${route}`, fn: mod[m] as RouteFn });
  }
  keys.all = (await createApiKey(world.w.store, { projectId: A, name: 'a-all', scopes: ['read', 'write', 'ingest'] })).key;
  keys.ingestOnly = (await createApiKey(world.w.store, { projectId: A, name: 'a-ingest', scopes: ['ingest'] })).key;
  keys.readOnly = (await createApiKey(world.w.store, { projectId: A, name: 'a-read', scopes: ['read'] })).key;
  before = await world.snapshotB();
}, 60_000);
afterAll(async () => world?.w.store.close());

async function send(id: string, fn: RouteFn, headers: Record<string, string>): Promise<{ status: number; body: string; input: unknown }> {
  const rule = RULES[id]!;
  const method = id.split(' ')[0]!;
  const body = rule.body?.(world.b);
  const h: Record<string, string> = { origin: 'http://localhost', 'x-plumb-csrf': '1', ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fn(new Request(`http://localhost${rule.url(world.b)}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }));
  return { status: res.status, body: await res.text(), input: [rule.url(world.b), body] };
}
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const cookie = (t: string) => ({ cookie: `plumb_session=${t}` });

describe('REST isolation matrix', () => {
  it('has a rule for every endpoint the app serves', () => {
    expect(endpoints.length).toBeGreaterThan(20);
    expect(endpoints.map((e) => e.id).filter((id) => !RULES[id]), 'endpoints without an isolation rule (add them to RULES)').toEqual([]);
    expect(Object.keys(RULES).filter((id) => !endpoints.some((e) => e.id === id)), 'rules for endpoints that no longer exist').toEqual([]);
  });

  it('refuses, and never answers with project B, for every endpoint and credential', async () => {
    const failures: string[] = [];
    const expectStatus = (id: string, what: string, got: number, want: number[]) => {
      if (!want.includes(got)) failures.push(`${id} ${what}: ${got}, expected ${want.join(' or ')}`);
    };
    for (const { id, fn } of endpoints) {
      const rule = RULES[id]!;
      if (rule.auth === 'public') continue;
      expectStatus(id, 'without credentials', (await send(id, fn, {})).status, [401]);
      const own = rule.auth === 'session' ? cookie(world.members.admin.token) : bearer(keys.all);
      expectStatus(id, 'asking for B', (await send(id, fn, { ...own, 'x-plumb-project': B })).status, [404]);
      if (rule.auth === 'read') expectStatus(id, 'with an ingest-only key', (await send(id, fn, bearer(keys.ingestOnly))).status, [403]);
      if (rule.auth === 'write') expectStatus(id, 'with a read-only key', (await send(id, fn, bearer(keys.readOnly))).status, [403]);
      if (rule.auth === 'session') expectStatus(id, 'with a bearer key instead of a session', (await send(id, fn, bearer(keys.all))).status, [401]);
      const r = await send(id, fn, own);
      for (const m of B_MARKERS) if (echoless(r.body, r.input).includes(m)) failures.push(`${id}: the answer (${r.status}) holds ${m}: ${r.body.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('left project B exactly as it was', async () => {
    expect(await world.snapshotB()).toBe(before);
  });
});
