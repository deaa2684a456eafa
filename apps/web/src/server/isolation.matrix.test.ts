import type { ProjectRole } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextFromRequest } from './context.ts';
import { A, B, B_MARKERS, echoless, from, openIsolationWorld, RANK, ROLES, to, type BWorld, type IsolationWorld } from './isolation-world.ts';
import { appRouter, createCaller } from './router.ts';

/**
 * The isolation matrix, generated from the router: EVERY tRPC procedure is called
 *  - signed out                                   → UNAUTHORIZED
 *  - by each role of project A, asking for B      → NOT_FOUND (B looks like no project at all)
 *  - by each role of A in A, with B's resource ids → refused, or an answer with nothing of B in it
 *  - by each role below the procedure's rule       → FORBIDDEN
 * and afterwards project B is exactly as it was (no call changed it). RULES is the one list a
 * new procedure must be added to (with its role and an input naming B's resources): a procedure
 * without a rule, or whose declared role differs from its rule, fails the first test.
 */
type Rule = { role: ProjectRole | 'public'; input?: (b: BWorld) => unknown };

const win = { from, to };
let n = 0;
const RULES: Record<string, Rule> = {
  'overview.get': { role: 'viewer', input: () => win },
  'traces.list': { role: 'viewer', input: () => win },
  'traces.summary': { role: 'viewer', input: () => win },
  'traces.get': { role: 'viewer', input: (b) => ({ traceId: b.traceId }) },
  'spans.detail': { role: 'viewer', input: (b) => ({ traceId: b.traceId, spanId: b.spanId }) },
  'sessions.list': { role: 'viewer', input: () => win },
  'sessions.get': { role: 'viewer', input: (b) => ({ sessionId: b.sessionId }) },
  'metrics.query': { role: 'viewer', input: () => ({ ...win, measures: ['requests', 'cost_usd'], groupBy: ['tenant'] }) },
  'metrics.catalog': { role: 'viewer' },
  'filters.options': { role: 'viewer', input: () => win },
  'auth.me': { role: 'public' },
  'auth.projects': { role: 'viewer' },
  'keys.list': { role: 'admin' },
  'keys.create': { role: 'admin', input: () => ({ name: 'matrix', scopes: ['read'] }) },
  'keys.revoke': { role: 'admin', input: (b) => ({ id: b.keyId }) },
  'drift.list': { role: 'viewer' },
  'drift.get': { role: 'viewer', input: (b) => ({ id: b.monitorId }) },
  'drift.create': { role: 'editor', input: () => ({ name: 'matrix', feature: { kind: 'span', field: 'duration_ms' } }) },
  'drift.update': { role: 'editor', input: (b) => ({ id: b.monitorId, monitor: { name: 'hijacked', feature: { kind: 'span', field: 'duration_ms' } } }) },
  'drift.delete': { role: 'editor', input: (b) => ({ id: b.monitorId }) },
  'drift.evaluate': { role: 'editor', input: (b) => ({ id: b.monitorId }) },
  'quality.get': { role: 'viewer', input: () => win },
  'quality.classification': { role: 'viewer', input: () => win },
  'cost.spanBuckets': { role: 'viewer', input: (b) => ({ traceId: b.traceId, spanId: b.spanId }) },
  'cost.prices': { role: 'viewer', input: () => ({ q: 'b-secret' }) },
  'cost.saveOverride': { role: 'editor', input: () => ({ id: 'b-override', provider: '', modelPattern: 'x-model', effectiveFrom: from, inputPerMTok: '1', outputPerMTok: '1' }) },
  'cost.endOverride': { role: 'editor', input: () => ({ id: 'b-override' }) },
  'cost.removeOverride': { role: 'editor', input: () => ({ id: 'b-override' }) },
  'cost.reprice': { role: 'editor', input: () => win },
  'cost.repriceRuns': { role: 'viewer' },
  'cost.budgets': { role: 'viewer' },
  'cost.saveBudget': { role: 'editor', input: () => ({ scope: 'tenant', tenant: 'b-secret-tenant', monthlyUsd: '1' }) },
  'cost.deleteBudget': { role: 'editor', input: () => ({ id: 'tenant:b-secret-tenant' }) },
  'cost.monthCloses': { role: 'viewer' },
  'cost.closeMonth': { role: 'editor', input: () => ({ month: '2020-01' }) },
  'cost.reopenMonth': { role: 'editor', input: () => ({ month: '2020-01', reason: 'matrix' }) },
  'cost.whatIf': { role: 'viewer', input: () => ({ ...win, fromModel: 'b-secret-model', toProvider: 'openai', toModel: 'gpt-4o' }) },
  'traceView.get': { role: 'viewer', input: (b) => ({ traceId: b.traceId }) },
  'members.projects': { role: 'viewer' },
  'members.list': { role: 'viewer' },
  'members.invite': { role: 'admin', input: () => ({ email: `invitee-${++n}@example.com`, role: 'viewer' }) },
  'members.setRole': { role: 'admin', input: (b) => ({ userId: b.admin.id, role: 'viewer' }) },
  'members.remove': { role: 'admin', input: (b) => ({ userId: b.admin.id }) },
  'content.get': { role: 'viewer' },
  'content.save': { role: 'admin', input: () => ({ capture: 'off', captureMaxBytes: 0, redactKeys: ['x'], redactPatterns: ['email'], maxValueBytes: 0, maxSpanBytes: 0 }) },
  'quality.scoreDistribution': { role: 'viewer', input: () => win },
  'retention.get': { role: 'viewer' },
  'retention.set': { role: 'admin', input: () => ({ days: 3 }) },
  'gpu.cost': { role: 'viewer', input: () => win },
  'gpu.prices': { role: 'viewer' },
  'gpu.savePrice': { role: 'editor', input: (b) => ({ id: b.gpuPriceId, matchKind: 'host', match: 'hijacked-host', usdPerGpuHour: '1' }) },
  'gpu.deletePrice': { role: 'editor', input: (b) => ({ id: b.gpuPriceId }) },
  'latency.percentiles': { role: 'viewer', input: () => ({ ...win, dimension: 'tenant' }) },
  'latency.heatmap': { role: 'viewer', input: () => win },
  'latency.region': { role: 'viewer', input: () => ({ ...win, minMs: 0, maxMs: 1e9 }) },
  'latency.saturation': { role: 'viewer', input: () => win },
  'latency.models': { role: 'viewer', input: () => win },
  'latencyRegression.analyze': { role: 'viewer', input: () => ({ from: new Date(from), to: new Date(to), baselineFrom: new Date(from - 3_600_000), baselineTo: new Date(from) }) },
  'latencyRegression.stages': { role: 'viewer', input: (b) => ({ traceId: b.traceId }) },
  'latencyRegression.markers': { role: 'viewer', input: () => win },
  'alerts.rules': { role: 'viewer' },
  'alerts.rule': { role: 'viewer', input: (b) => ({ id: b.alertRuleId }) },
  'alerts.alerts': { role: 'viewer', input: (b) => ({ ruleId: b.alertRuleId }) },
  'alerts.history': { role: 'viewer', input: (b) => ({ ruleId: b.alertRuleId }) },
  'alerts.preview': { role: 'viewer', input: () => ({ rule: { name: 'matrix', query: { measure: 'requests', groupBy: ['tenant'] }, condition: { op: '>', critical: 0 } }, hours: 24 }) },
  'alerts.create': { role: 'editor', input: () => ({ name: 'matrix', query: { measure: 'requests' }, condition: { op: '>', critical: 0 } }) },
  'alerts.update': { role: 'editor', input: (b) => ({ id: b.alertRuleId, rule: { name: 'hijacked', query: { measure: 'requests' }, condition: { op: '>', critical: 0 } } }) },
  'alerts.delete': { role: 'editor', input: (b) => ({ id: b.alertRuleId }) },
  'alerts.silences': { role: 'viewer' },
  'alerts.createSilence': { role: 'editor', input: () => ({ matchers: [{ name: 'tenant', op: '=', value: 'x' }], endsAt: Date.now() + 3_600_000 }) },
  'alerts.expireSilence': { role: 'editor', input: (b) => ({ id: b.silenceId }) },
  'alerts.contactPoints': { role: 'viewer' },
  'alerts.saveContactPoint': { role: 'editor', input: (b) => ({ id: b.contactPointId, name: 'hijacked', kind: 'webhook', url: 'http://127.0.0.1:9/x' }) },
  'alerts.deleteContactPoint': { role: 'editor', input: (b) => ({ id: b.contactPointId }) },
  'alerts.deliveries': { role: 'viewer', input: (b) => ({ contactPointId: b.contactPointId }) },
};

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: { minRole?: ProjectRole } } }>;

let world: IsolationWorld;
let b: BWorld;
let before = '';
beforeAll(async () => {
  world = await openIsolationWorld('plumb-isolation-');
  b = world.b;
  before = await world.snapshotB();
}, 60_000);
afterAll(async () => world?.w.store.close());


async function call(path: string, token: string | null, project: string, input: unknown): Promise<{ code: string; body: string }> {
  const headers: Record<string, string> = { 'x-plumb-project': project };
  if (token) headers.cookie = `plumb_session=${token}`;
  const caller = createCaller(await createContextFromRequest(new Request('http://x/api/trpc', { headers }), world.w.store)) as unknown as Record<string, unknown>;
  const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (i: unknown) => Promise<unknown>;
  try {
    return { code: 'OK', body: JSON.stringify(await fn(input), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '' };
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    return { code: err.code, body: err.message };
  }
}
const inputOf = (path: string) => RULES[path]?.input?.(b);

describe('tRPC isolation matrix', () => {
  it('has a rule for every procedure, and each procedure declares exactly its rule', () => {
    const paths = Object.keys(procedures);
    expect(paths.length).toBeGreaterThan(30);
    const missing = paths.filter((p) => !RULES[p]);
    expect(missing, 'procedures without an isolation rule (add them to RULES)').toEqual([]);
    const wrong = paths.filter((p) => (RULES[p]!.role === 'public' ? procedures[p]!._def.meta?.minRole !== undefined : procedures[p]!._def.meta?.minRole !== RULES[p]!.role));
    expect(wrong, 'procedures whose declared role differs from their rule').toEqual([]);
    expect(Object.keys(RULES).filter((p) => !procedures[p]), 'rules for procedures that no longer exist').toEqual([]);
  });

  const protectedPaths = Object.keys(procedures).filter((p) => RULES[p]?.role !== 'public');

  it.each(protectedPaths)('%s: signed out → UNAUTHORIZED', async (path) => {
    expect((await call(path, null, A, inputOf(path))).code).toBe('UNAUTHORIZED');
  });

  it.each(protectedPaths)('%s: every role of A asking for B → NOT_FOUND, nothing of B in the message', async (path) => {
    for (const role of ROLES) {
      const r = await call(path, world.members[role].token, B, inputOf(path));
      expect(r.code, `${role} of A`).toBe('NOT_FOUND');
      for (const m of B_MARKERS.filter((x) => x !== B)) expect(r.body).not.toContain(m);
    }
  });

  it.each(protectedPaths)('%s: each role of A, in A, with B’s resource ids → refused below its rule, never B’s data', async (path) => {
    const rule = RULES[path]!;
    for (const role of ROLES) {
      const input = inputOf(path);
      const r = await call(path, world.members[role].token, A, input);
      if (RANK[role] < RANK[rule.role as ProjectRole]) expect(r.code, `${role} of A`).toBe('FORBIDDEN');
      else expect(['FORBIDDEN', 'UNAUTHORIZED'], `${role} of A: ${r.body}`).not.toContain(r.code);
      for (const m of B_MARKERS) expect(echoless(r.body, input), `${role} of A`).not.toContain(m);
    }
  });

  it('left project B exactly as it was', async () => {
    expect(await world.snapshotB()).toBe(before);
  });
});
