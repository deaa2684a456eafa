import type { AlertState, GroupState, Instance, Transition } from '@plumb/alerts';
import { sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Alert instances, their transition history, notification groups and the delivery log
 * (migration 0020). Written by the worker's alerts job under its lease; read by the UI / REST.
 * Times in and out are epoch ms.
 */

const secs = (ms: number) => (ms / 1000).toFixed(3).padStart(14, '0');
const ms = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);

export async function saveInstances(store: Store, projectId: string, instances: readonly Instance[]): Promise<void> {
  if (instances.length === 0) return;
  const lines = instances.map((i) => JSON.stringify({
    project_id: projectId, rule_id: i.ruleId, fingerprint: i.fingerprint, state: i.state, severity: i.severity ?? '',
    value: i.value !== null && Number.isFinite(i.value) ? i.value : null, evaluated_at: secs(i.evaluatedAt), data: JSON.stringify(i), _version: i.evaluatedAt,
  }));
  await store.insertRaw('alert_instances', ['project_id', 'rule_id', 'fingerprint', 'state', 'severity', 'value', 'evaluated_at', 'data', '_version'], `${lines.join('\n')}\n`, 'JSONEachRow', { caller: 'saveInstances' });
}

/** Current instances of the given rules (all rules of the project when omitted). */
export async function loadInstances(store: Store, projectId: string, ruleIds?: readonly string[]): Promise<Instance[]> {
  const rows = await store.query<{ data: string }>(ruleIds
    ? sql`SELECT data FROM alert_instances FINAL WHERE project_id = ${projectId} AND rule_id IN ${ruleIds}`
    : sql`SELECT data FROM alert_instances FINAL WHERE project_id = ${projectId}`);
  return rows.map((r) => JSON.parse(r.data) as Instance);
}

export async function saveTransitions(store: Store, projectId: string, ts: readonly (Transition & { labels: Record<string, string> })[]): Promise<void> {
  if (ts.length === 0) return;
  const lines = ts.map((t) => JSON.stringify({
    project_id: projectId, rule_id: t.ruleId, fingerprint: t.fingerprint, at: secs(t.at), from_state: t.from, to_state: t.to, severity: t.severity ?? '',
    value: t.value !== null && Number.isFinite(t.value) ? t.value : null, reason: t.reason, labels: t.labels, _version: t.at,
  }));
  await store.insertRaw('alert_transitions', ['project_id', 'rule_id', 'fingerprint', 'at', 'from_state', 'to_state', 'severity', 'value', 'reason', 'labels', '_version'], `${lines.join('\n')}\n`, 'JSONEachRow', { caller: 'saveTransitions' });
}

export interface TransitionRow {
  ruleId: string;
  fingerprint: string;
  at: number;
  from: AlertState;
  to: AlertState;
  severity: string;
  value: number | null;
  reason: string;
  labels: Record<string, string>;
}

export async function listTransitions(store: Store, projectId: string, o: { ruleId?: string; fromMs: number; toMs: number; limit?: number }): Promise<TransitionRow[]> {
  const rows = await store.query<{ rule_id: string; fingerprint: string; at_s: string; from_state: string; to_state: string; severity: string; value: number | null; reason: string; labels: Record<string, string> }>(sql`
    SELECT rule_id, fingerprint, toString(at) AS at_s, from_state, to_state, severity, value, reason, labels FROM alert_transitions FINAL
    WHERE project_id = ${projectId} AND at >= ${new Date(o.fromMs)} AND at < ${new Date(o.toMs)} ${o.ruleId ? sql`AND rule_id = ${o.ruleId}` : sql``}
    ORDER BY at DESC, rule_id, fingerprint LIMIT ${o.limit ?? 500}`);
  return rows.map((r) => ({ ruleId: r.rule_id, fingerprint: r.fingerprint, at: ms(r.at_s), from: r.from_state as AlertState, to: r.to_state as AlertState, severity: r.severity, value: r.value, reason: r.reason, labels: r.labels }));
}

// ── notification groups ─────────────────────────────────────────────────────────────────────

export async function loadGroups(store: Store, projectId: string): Promise<GroupState[]> {
  const rows = await store.query<{ contact_point_id: string; group_key: string; group_labels: Record<string, string>; first_seen_s: string | null; last_notified_s: string | null; notified_firing: string[] }>(sql`
    SELECT contact_point_id, group_key, group_labels, toString(first_seen_at) AS first_seen_s, toString(last_notified_at) AS last_notified_s, notified_firing
    FROM alert_groups FINAL WHERE project_id = ${projectId}`);
  return rows.map((r) => ({
    contactPointId: r.contact_point_id, groupKey: r.group_key, groupLabels: r.group_labels,
    firstSeenAt: r.first_seen_s ? ms(r.first_seen_s) : null, lastNotifiedAt: r.last_notified_s ? ms(r.last_notified_s) : null, notifiedFiring: r.notified_firing,
  }));
}

export async function saveGroups(store: Store, projectId: string, groups: readonly GroupState[], version: number): Promise<void> {
  if (groups.length === 0) return;
  const lines = groups.map((g, i) => JSON.stringify({
    project_id: projectId, contact_point_id: g.contactPointId, group_key: g.groupKey, group_labels: g.groupLabels,
    first_seen_at: g.firstSeenAt === null ? null : secs(g.firstSeenAt), last_notified_at: g.lastNotifiedAt === null ? null : secs(g.lastNotifiedAt),
    notified_firing: g.notifiedFiring, _version: version * 1000 + (i % 1000),
  }));
  await store.insertRaw('alert_groups', ['project_id', 'contact_point_id', 'group_key', 'group_labels', 'first_seen_at', 'last_notified_at', 'notified_firing', '_version'], `${lines.join('\n')}\n`, 'JSONEachRow', { caller: 'saveGroups' });
}

// ── delivery log ────────────────────────────────────────────────────────────────────────────

export interface Delivery {
  id: string;
  contactPointId: string;
  kind: string;
  groupKey: string;
  at: number;
  attempt: number;
  outcome: 'ok' | 'failed' | 'retrying';
  httpStatus: number;
  error: string;
  reason: string;
  firing: number;
  resolved: number;
  fingerprints: string[];
  durationMs: number;
  payload: string;
}

export async function logDeliveries(store: Store, projectId: string, ds: readonly Delivery[]): Promise<void> {
  if (ds.length === 0) return;
  const lines = ds.map((d) => JSON.stringify({
    project_id: projectId, id: d.id, contact_point_id: d.contactPointId, kind: d.kind, group_key: d.groupKey, at: secs(d.at), attempt: Math.min(255, d.attempt),
    outcome: d.outcome, http_status: d.httpStatus, error: d.error.slice(0, 2000), reason: d.reason, firing: d.firing, resolved: d.resolved,
    fingerprints: d.fingerprints, duration_ms: Math.round(d.durationMs), payload: d.payload.slice(0, 100_000),
  }));
  await store.insertRaw('alert_deliveries', ['project_id', 'id', 'contact_point_id', 'kind', 'group_key', 'at', 'attempt', 'outcome', 'http_status', 'error', 'reason', 'firing', 'resolved', 'fingerprints', 'duration_ms', 'payload'], `${lines.join('\n')}\n`, 'JSONEachRow', { caller: 'logDeliveries' });
}

export async function listDeliveries(store: Store, projectId: string, o: { contactPointId?: string; fromMs: number; toMs: number; limit?: number }): Promise<Delivery[]> {
  const rows = await store.query<{ id: string; contact_point_id: string; kind: string; group_key: string; at_s: string; attempt: number; outcome: string; http_status: number; error: string; reason: string; firing: number; resolved: number; fingerprints: string[]; duration_ms: number; payload: string }>(sql`
    SELECT id, contact_point_id, kind, group_key, toString(at) AS at_s, attempt, outcome, http_status, error, reason, firing, resolved, fingerprints, duration_ms, payload
    FROM alert_deliveries WHERE project_id = ${projectId} AND at >= ${new Date(o.fromMs)} AND at < ${new Date(o.toMs)}
    ${o.contactPointId ? sql`AND contact_point_id = ${o.contactPointId}` : sql``}
    ORDER BY at DESC, id LIMIT ${o.limit ?? 200}`);
  return rows.map((r) => ({
    id: r.id, contactPointId: r.contact_point_id, kind: r.kind, groupKey: r.group_key, at: ms(r.at_s), attempt: r.attempt, outcome: r.outcome as Delivery['outcome'],
    httpStatus: r.http_status, error: r.error, reason: r.reason, firing: r.firing, resolved: r.resolved, fingerprints: r.fingerprints, durationMs: r.duration_ms, payload: r.payload,
  }));
}
