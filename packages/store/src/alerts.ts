import { randomUUID } from 'node:crypto';
import { parseRule, RuleError, type Catalog, type Matcher, type Rule, type RuleSpec, type Silence } from '@plumb/alerts';
import { MEASURE_BY_NAME } from './semantic/catalog.ts';
import { QueryError } from './semantic/errors.ts';
import { planMetricsQuery } from './semantic/query.ts';
import { sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Alert rules, silences and contact points (issue 13): versioned rows read with FINAL
 * (migration 0020). A rule is validated twice: its shape by @plumb/alerts (parseRule), its
 * measures / dimensions / filters by the semantic layer's own planner (`checkRuleQuery`), so any
 * measure in the catalog — including ones other issues add later — is usable, and an unknown
 * one is a RuleError naming `query.measure` (400).
 */

/** The semantic catalog as the pure evaluator sees it: which view answers a measure, and the sample count. */
export const ALERT_CATALOG: Catalog = {
  viewOf: (m) => (MEASURE_BY_NAME.has(m) ? (MEASURE_BY_NAME.get(m)!.view ?? 'spans') : undefined),
  // Span measures count samples as the group's requests (the subject); other views have none.
  samplesFor: (m) => (MEASURE_BY_NAME.has(m) && MEASURE_BY_NAME.get(m)!.view === undefined ? 'requests' : null),
};

function fieldFor(e: QueryError, measureField: string): string {
  if (e.field === 'measures') return measureField;
  if (e.field === 'groupBy') return 'query.groupBy';
  const f = /^filter\[(.*)\]$/.exec(e.field);
  return f ? `query.filters.${f[1]}` : `query.${e.field}`;
}

/** Checks the rule's measures, group-by and filters against the semantic layer; RuleError naming the field. */
export function checkRuleQuery(spec: RuleSpec): void {
  const measures: [string, string][] = spec.type === 'slo' && spec.slo
    ? [['slo.total', spec.slo.total], [spec.slo.bad !== undefined ? 'slo.bad' : 'slo.good', spec.slo.bad ?? spec.slo.good!]]
    : [['query.measure', spec.query.measure]];
  for (const [field, m] of measures) {
    try {
      planMetricsQuery({ projectId: 'check', measures: [m], groupBy: spec.query.groupBy, filters: spec.query.filters, from: 0, to: 1000 });
    } catch (e) {
      if (e instanceof QueryError) throw new RuleError(fieldFor(e, field), `${fieldFor(e, field)}: ${e.message}`);
      throw e;
    }
  }
  if (measures.length === 2 && ALERT_CATALOG.viewOf(measures[0]![1]) !== ALERT_CATALOG.viewOf(measures[1]![1])) {
    throw new RuleError(measures[1]![0], `${measures[1]![0]}: must come from the same view as slo.total`);
  }
}

/** parseRule + checkRuleQuery. */
export function validateRule(input: unknown): RuleSpec {
  const spec = parseRule(input);
  checkRuleQuery(spec);
  return spec;
}

export interface StoredRule extends Rule {
  createdBy: string;
  updatedAt: string;
}

const versionNow = () => Date.now() * 1000 + Math.floor(Math.random() * 1000);

export async function saveAlertRule(store: Store, projectId: string, id: string | null, spec: RuleSpec, createdBy: string): Promise<StoredRule> {
  const ruleId = id ?? `ar_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const now = new Date();
  await store.command(sql`
    INSERT INTO alert_rules (project_id, id, name, spec, created_by, updated_at, deleted, _version)
    VALUES (${projectId}, ${ruleId}, ${spec.name}, ${JSON.stringify(spec)}, ${createdBy}, ${now}, false, ${versionNow()})`);
  return { ...spec, id: ruleId, createdBy, updatedAt: now.toISOString() };
}

export async function deleteAlertRule(store: Store, projectId: string, id: string): Promise<boolean> {
  const found = await getAlertRule(store, projectId, id);
  if (!found) return false;
  await store.command(sql`
    INSERT INTO alert_rules (project_id, id, name, spec, created_by, updated_at, deleted, _version)
    VALUES (${projectId}, ${id}, ${found.name}, ${JSON.stringify(found)}, ${found.createdBy}, ${new Date()}, true, ${versionNow()})`);
  return true;
}

interface RuleRow { project_id: string; id: string; spec: string; created_by: string; updated_s: string }

function toRule(r: RuleRow): StoredRule & { projectId: string } {
  // Stored specs were validated when saved; parse again so defaults added later apply.
  const spec = parseRule(JSON.parse(r.spec));
  return { ...spec, id: r.id, projectId: r.project_id, createdBy: r.created_by, updatedAt: new Date(`${r.updated_s.replace(' ', 'T')}Z`).toISOString() };
}

export async function listAlertRules(store: Store, projectId: string): Promise<StoredRule[]> {
  const rows = await store.query<RuleRow>(sql`
    SELECT project_id, id, spec, created_by, toString(updated_at) AS updated_s FROM alert_rules FINAL
    WHERE project_id = ${projectId} AND NOT deleted ORDER BY name, id`);
  return rows.map(toRule);
}

export async function getAlertRule(store: Store, projectId: string, id: string): Promise<StoredRule | null> {
  const rows = await store.query<RuleRow>(sql`
    SELECT project_id, id, spec, created_by, toString(updated_at) AS updated_s FROM alert_rules FINAL
    WHERE project_id = ${projectId} AND id = ${id} AND NOT deleted`);
  return rows[0] ? toRule(rows[0]) : null;
}

/** Every enabled rule of every project (the evaluation job). */
export async function listAllAlertRules(store: Store): Promise<(StoredRule & { projectId: string })[]> {
  const rows = await store.query<RuleRow>(sql`
    SELECT project_id, id, spec, created_by, toString(updated_at) AS updated_s FROM alert_rules FINAL WHERE NOT deleted ORDER BY project_id, id`);
  return rows.map(toRule).filter((r) => r.enabled);
}

// ── silences ────────────────────────────────────────────────────────────────────────────────

interface SilenceRow { id: string; matchers: string; starts_s: string; ends_s: string; created_by: string; comment: string }
const ms = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);

export async function saveSilence(store: Store, projectId: string, s: Omit<Silence, 'id'> & { id?: string }): Promise<Silence> {
  const id = s.id ?? `sil_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  await store.command(sql`
    INSERT INTO alert_silences (project_id, id, matchers, starts_at, ends_at, created_by, comment, deleted, _version)
    VALUES (${projectId}, ${id}, ${JSON.stringify(s.matchers)}, ${new Date(s.startsAt)}, ${new Date(s.endsAt)}, ${s.createdBy}, ${s.comment}, false, ${versionNow()})`);
  return { ...s, id };
}

/** Expires a silence now (Alertmanager's DELETE): it stays listed as expired. */
export async function expireSilence(store: Store, projectId: string, id: string): Promise<boolean> {
  const s = (await listSilences(store, projectId)).find((x) => x.id === id);
  if (!s) return false;
  await saveSilence(store, projectId, { ...s, endsAt: Math.min(s.endsAt, Date.now()), startsAt: Math.min(s.startsAt, Date.now()) });
  return true;
}

export async function listSilences(store: Store, projectId: string): Promise<Silence[]> {
  const rows = await store.query<SilenceRow>(sql`
    SELECT id, matchers, toString(starts_at) AS starts_s, toString(ends_at) AS ends_s, created_by, comment
    FROM alert_silences FINAL WHERE project_id = ${projectId} AND NOT deleted ORDER BY ends_at DESC, id`);
  return rows.map((r) => ({ id: r.id, matchers: JSON.parse(r.matchers) as Matcher[], startsAt: ms(r.starts_s), endsAt: ms(r.ends_s), createdBy: r.created_by, comment: r.comment }));
}

// ── contact points ──────────────────────────────────────────────────────────────────────────

export const CONTACT_KINDS = ['webhook', 'slack', 'alertmanager'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export interface ContactPoint {
  id: string;
  name: string;
  kind: ContactKind;
  url: string;
  /** HMAC-SHA256 key of webhook signatures ('' = unsigned). Never returned by list APIs. */
  secret: string;
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  sendResolved: boolean;
  maxAlerts: number;
}

interface ContactRow { id: string; name: string; kind: string; url: string; secret: string; group_by: string[]; group_wait_ms: string; group_interval_ms: string; repeat_interval_ms: string; send_resolved: boolean; max_alerts: number }

export async function saveContactPoint(store: Store, projectId: string, c: Omit<ContactPoint, 'id'> & { id?: string }): Promise<ContactPoint> {
  const id = c.id ?? `cp_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  await store.command(sql`
    INSERT INTO alert_contact_points (project_id, id, name, kind, url, secret, group_by, group_wait_ms, group_interval_ms, repeat_interval_ms, send_resolved, max_alerts, deleted, _version)
    VALUES (${projectId}, ${id}, ${c.name}, ${c.kind}, ${c.url}, ${c.secret}, ${c.groupBy}, ${c.groupWaitMs}, ${c.groupIntervalMs}, ${c.repeatIntervalMs}, ${c.sendResolved}, ${c.maxAlerts}, false, ${versionNow()})`);
  return { ...c, id };
}

export async function deleteContactPoint(store: Store, projectId: string, id: string): Promise<boolean> {
  const c = (await listContactPoints(store, projectId)).find((x) => x.id === id);
  if (!c) return false;
  await store.command(sql`
    INSERT INTO alert_contact_points (project_id, id, name, kind, url, secret, group_by, group_wait_ms, group_interval_ms, repeat_interval_ms, send_resolved, max_alerts, deleted, _version)
    VALUES (${projectId}, ${id}, ${c.name}, ${c.kind}, ${c.url}, '', ${c.groupBy}, ${c.groupWaitMs}, ${c.groupIntervalMs}, ${c.repeatIntervalMs}, ${c.sendResolved}, ${c.maxAlerts}, true, ${versionNow()})`);
  return true;
}

export async function listContactPoints(store: Store, projectId: string): Promise<ContactPoint[]> {
  const rows = await store.query<ContactRow>(sql`
    SELECT id, name, kind, url, secret, group_by, toString(group_wait_ms) AS group_wait_ms, toString(group_interval_ms) AS group_interval_ms,
           toString(repeat_interval_ms) AS repeat_interval_ms, send_resolved, max_alerts
    FROM alert_contact_points FINAL WHERE project_id = ${projectId} AND NOT deleted ORDER BY name, id`);
  return rows.map((r) => ({
    id: r.id, name: r.name, kind: (CONTACT_KINDS as readonly string[]).includes(r.kind) ? (r.kind as ContactKind) : 'webhook', url: r.url, secret: r.secret,
    groupBy: r.group_by, groupWaitMs: Number(r.group_wait_ms), groupIntervalMs: Number(r.group_interval_ms), repeatIntervalMs: Number(r.repeat_interval_ms),
    sendResolved: Boolean(r.send_resolved), maxAlerts: Number(r.max_alerts),
  }));
}
