import {
  baseSpan, createApiKey, getContentSettings, listSigningKeys, liveSigningKey, saveContentSettings, createDriftMonitor, createSession, createUser, ensureProject, FIXTURE_START, insertSpanRows, listApiKeys, listBudgets,
  listDriftMonitors, listPriceOverrides, listProjectMembers, saveBudget, setMembership, type ProjectRole, type User,
  listAlertRules, listContactPoints, listGpuPrices, listSilences, saveAlertRule, saveContactPoint, saveGpuPrice, saveSilence, getProjectRetention, setProjectRetention,
} from '@plumb/store';
import { parseRule } from '@plumb/alerts';
import { saveOverride } from './cost/prices.ts';
import { openTestWorld, type TestWorld } from './testing.ts';

/**
 * The world of the isolation matrices (isolation.matrix.test.ts, rest/isolation.rest.test.ts):
 * project A ('default', the query fixture) with one member per role, and project B ('team-b')
 * holding one of every kind of resource, each carrying the marker `b-secret`. No answer given
 * to a member or key of A may contain a marker of B, and no call may change B (`snapshotB`).
 */
export interface BWorld {
  traceId: string;
  spanId: string;
  sessionId: string;
  keyId: string;
  admin: User;
  monitorId: string;
  alertRuleId: string;
  silenceId: string;
  contactPointId: string;
  gpuPriceId: string;
}

export interface IsolationWorld {
  w: TestWorld;
  b: BWorld;
  members: Record<ProjectRole, { user: User; token: string }>;
  snapshotB: () => Promise<string>;
}

export const A = 'default';
export const B = 'team-b';
export const ROLES: ProjectRole[] = ['viewer', 'editor', 'admin'];
export const RANK: Record<ProjectRole, number> = { viewer: 1, editor: 2, admin: 3 };
export const B_MARKERS = ['b-secret', B, 'b-admin@example.com'];
export const from = FIXTURE_START.getTime();
export const to = from + 3_600_000;

export async function openIsolationWorld(prefix: string): Promise<IsolationWorld> {
  const w = await openTestWorld(prefix);
  await ensureProject(w.store, B, 'Team B');
  const admin = await createUser(w.store, { email: 'b-admin@example.com', password: 'b-admin-password' });
  await setMembership(w.store, B, admin.id, 'admin');
  const traceId = 'b0'.repeat(16);
  const spanId = 'b1'.repeat(8);
  const start = BigInt(from + 60_000) * 1_000_000n;
  await insertSpanRows(w.store, [
    baseSpan({
      projectId: B, traceId, spanId, isRoot: true, name: 'b-secret-span', tenant: 'b-secret-tenant', sessionId: 'b-secret-session',
      requestModel: 'b-secret-model', responseModel: 'b-secret-model', provider: 'openai', category: 'llm', inputTokens: 10, outputTokens: 5,
      startTimeUnixNano: start, endTimeUnixNano: start + 5_000_000n, inputText: 'b-secret-prompt', attributes: { 'b-secret-attr': 'b-secret-value' },
    }),
  ]);
  const { info } = await createApiKey(w.store, { projectId: B, name: 'b-secret-key', scopes: ['read', 'write'] });
  const monitor = await createDriftMonitor(w.store, B, {
    name: 'b-secret-monitor', feature: { kind: 'span', field: 'duration_ms' }, spanSet: 'llm', filters: {}, reference: { kind: 'previous', days: 7 },
    currentWindow: 86_400_000, method: 'auto', minSamples: 30,
  } as never);
  await saveOverride(w.store, B, { id: 'b-override', provider: '', modelPattern: 'b-secret-model', effectiveFrom: new Date(from), inputPerMTok: '9', outputPerMTok: '9' } as never);
  await saveContentSettings(w.store, B, { capture: 'off', captureMaxBytes: 0, redactKeys: ['b-secret-attr'], redactPatterns: ['b-secret-[0-9]+'], maxValueBytes: 0, maxSpanBytes: 0 });
  await liveSigningKey(w.store, B);
  await saveBudget(w.store, B, { id: 'project', scope: 'project', tenant: '', monthlyUsd: '123', createdBy: 'b-admin@example.com' });
  const rule = await saveAlertRule(w.store, B, null, parseRule({ name: 'b-secret-rule', query: { measure: 'requests', groupBy: ['tenant'] }, condition: { op: '>', critical: 0 } }), 'b-admin@example.com');
  const silence = await saveSilence(w.store, B, { matchers: [{ name: 'tenant', op: '=', value: 'b-secret-tenant' }], startsAt: from, endsAt: from + 365 * 86_400_000 * 20, createdBy: 'b-admin@example.com', comment: 'b-secret-silence' });
  const contact = await saveContactPoint(w.store, B, {
    name: 'b-secret-contact', kind: 'webhook', url: 'http://127.0.0.1:9/b-secret', secret: 'b-secret-hmac', groupBy: ['alertname'],
    groupWaitMs: 0, groupIntervalMs: 60_000, repeatIntervalMs: 3_600_000, sendResolved: true, maxAlerts: 0,
  });
  await saveGpuPrice(w.store, B, { id: 'b-gpu-price', matchKind: 'host', match: 'b-secret-host', usdPerGpuHour: '7', effectiveFrom: 0, effectiveTo: null, updatedBy: 'b-admin@example.com' });
  await setProjectRetention(w.store, B, 17, 'b-admin@example.com');
  const b = {
    traceId, spanId, sessionId: 'b-secret-session', keyId: info.id, admin, monitorId: monitor.id,
    alertRuleId: rule.id, silenceId: silence.id, contactPointId: contact.id, gpuPriceId: 'b-gpu-price',
  };
  const members = {} as IsolationWorld['members'];
  for (const role of ROLES) {
    const user = await createUser(w.store, { email: `a-${role}@example.com`, password: `${role}-password` });
    await setMembership(w.store, A, user.id, role);
    members[role] = { user, token: (await createSession(w.store, user.id)).token };
  }
  const snapshotB = async () =>
    JSON.stringify({
      keys: await listApiKeys(w.store, B, { includeRevoked: true }),
      members: (await listProjectMembers(w.store, B)).map((m) => [m.userId, m.role]),
      monitors: (await listDriftMonitors(w.store, B)).map((m) => [m.id, m.name, m.updatedAt]),
      overrides: await listPriceOverrides(w.store, B),
      budgets: await listBudgets(w.store, B),
      content: await getContentSettings(w.store, B),
      signingKeys: await listSigningKeys(w.store, B),
      alertRules: await listAlertRules(w.store, B),
      silences: await listSilences(w.store, B),
      contactPoints: await listContactPoints(w.store, B),
      gpuPrices: await listGpuPrices(w.store, B),
      retention: await getProjectRetention(w.store, B),
    });
  return { w, b, members, snapshotB };
}

/** The answer without the strings the caller sent itself (an echoed input is not a leak). */
export function echoless(body: string, input: unknown): string {
  const sent: string[] = [];
  JSON.stringify(input ?? null, (_k, v: unknown) => (typeof v === 'string' && sent.push(v), v));
  return sent.sort((x, y) => y.length - x.length).reduce((s, v) => s.replaceAll(v, ''), body);
}
