import {
  anomalyBand, groupKey, RuleError, silencedBy, silenceState, STATE_RANK, type AlertState, type Instance, type Silence,
} from '@plumb/alerts';
import {
  deleteAlertRule, getAlertRule, listAlertRules, listContactPoints, listSilences, loadInstances, MEASURES, queryMetrics, saveAlertRule, saveContactPoint,
  validateRule, type ContactPoint, type StoredRule, type Store,
} from '@plumb/store';
import type { z } from 'zod';
import type { contactPointInput } from '../schemas/alerts.ts';

/**
 * What the alerts page, tRPC and REST read and write: rules with the current state of each
 * instance, current alerts (with the silences muting them), contact points (secrets never leave),
 * and the live preview of a rule's query over the last day. REST and tRPC map a RuleError to a
 * 400 / BAD_REQUEST naming its field.
 */

export interface AlertView extends Instance {
  ruleName: string;
  silencedBy: string[];
}

export interface RuleView {
  rule: StoredRule;
  /** Worst instance state (inactive when none). */
  state: AlertState;
  instances: AlertView[];
}

const byRank = (a: Instance, b: Instance) => STATE_RANK[a.state] - STATE_RANK[b.state] || (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.fingerprint.localeCompare(b.fingerprint);

function view(rule: StoredRule, i: Instance, silences: readonly Silence[], now: number): AlertView {
  return { ...i, ruleName: rule.name, silencedBy: silencedBy(silences, { ...i.labels, severity: i.severity ?? 'critical' }, now) };
}

export async function rulesWithState(store: Store, projectId: string, now = Date.now()): Promise<RuleView[]> {
  const [rules, instances, silences] = await Promise.all([listAlertRules(store, projectId), loadInstances(store, projectId), listSilences(store, projectId)]);
  const byRule = new Map<string, Instance[]>();
  for (const i of instances) byRule.set(i.ruleId, [...(byRule.get(i.ruleId) ?? []), i]);
  return rules.map((rule) => {
    const list = (byRule.get(rule.id) ?? []).sort(byRank).map((i) => view(rule, i, silences, now));
    return { rule, state: list[0]?.state ?? 'inactive', instances: list };
  }).sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || a.rule.name.localeCompare(b.rule.name));
}

/** Current instances of existing rules; `active` = pending, firing, nodata or error. */
export async function currentAlerts(store: Store, projectId: string, o: { state?: AlertState | 'active'; ruleId?: string } = {}): Promise<AlertView[]> {
  const views = (await rulesWithState(store, projectId)).flatMap((r) => r.instances);
  return views.filter((i) => (o.ruleId === undefined || i.ruleId === o.ruleId) && (o.state === undefined
    ? i.state !== 'inactive'
    : o.state === 'active' ? ['pending', 'firing', 'nodata', 'error'].includes(i.state) : i.state === o.state)).sort(byRank);
}

export async function createRule(store: Store, projectId: string, input: unknown, by: string): Promise<StoredRule> {
  return saveAlertRule(store, projectId, null, validateRule(input), by);
}

/** null when the rule does not exist. */
export async function updateRule(store: Store, projectId: string, id: string, input: unknown, by: string): Promise<StoredRule | null> {
  const spec = validateRule(input);
  const old = await getAlertRule(store, projectId, id);
  if (!old) return null;
  return saveAlertRule(store, projectId, id, spec, old.createdBy || by);
}

export { deleteAlertRule, getAlertRule };

export type ContactPointView = Omit<ContactPoint, 'secret'> & { hasSecret: boolean };
export const maskContactPoint = ({ secret, ...c }: ContactPoint): ContactPointView => ({ ...c, hasSecret: secret !== '' });

export async function contactPoints(store: Store, projectId: string): Promise<ContactPointView[]> {
  return (await listContactPoints(store, projectId)).map(maskContactPoint);
}

export async function upsertContactPoint(store: Store, projectId: string, input: z.output<typeof contactPointInput>): Promise<ContactPointView> {
  const old = input.id ? (await listContactPoints(store, projectId)).find((c) => c.id === input.id) : undefined;
  if (input.id && !old) throw new RuleError('id', `no contact point ${JSON.stringify(input.id)} in this project`);
  return maskContactPoint(await saveContactPoint(store, projectId, { ...input, secret: input.secret ?? old?.secret ?? '' }));
}

export async function silencesWithState(store: Store, projectId: string, now = Date.now()) {
  return (await listSilences(store, projectId)).map((s) => ({ ...s, state: silenceState(s, now) }));
}

// ── preview ─────────────────────────────────────────────────────────────────────────────────

export interface PreviewSeries {
  group: Record<string, string>;
  points: { t: number; value: number | null; low?: number; high?: number }[];
}

export interface Preview {
  unit: string;
  label: string;
  bucketMs: number;
  series: PreviewSeries[];
  /** Horizontal lines: thresholds (threshold rules) or burn-rate factors (SLO rules). */
  lines: { label: string; value: number; severity: 'warning' | 'critical' }[];
}

const WEEK = 604_800_000;
const PREVIEW_SERIES = 5;

/** The rule's query as a time series over the last `hours`, buckets of the rule's window (≤ 500 buckets), with its thresholds. */
export async function previewRule(store: Store, projectId: string, input: unknown, hours: number, now = Date.now()): Promise<Preview> {
  const rule = validateRule(input);
  const span = hours * 3_600_000;
  const bucketMs = Math.ceil(Math.max(rule.type === 'slo' ? 300_000 : rule.windowMs, span / 500) / 60_000) * 60_000;
  const to = Math.ceil(now / bucketMs) * bucketMs;
  const from = to - Math.ceil(span / bucketMs) * bucketMs;
  const measures = rule.type === 'slo' && rule.slo ? [rule.slo.bad ?? rule.slo.good!, rule.slo.total] : [rule.query.measure];
  const run = (shift: number) => queryMetrics(store, {
    projectId, measures, groupBy: rule.query.groupBy, filters: rule.query.filters, from: new Date(from - shift), to: new Date(to - shift), intervalMs: bucketMs, limit: PREVIEW_SERIES,
  });
  const current = await run(0);
  const series = new Map<string, PreviewSeries>();
  const valueOf = (r: Record<string, unknown>): number | null => {
    if (rule.type === 'slo' && rule.slo) {
      const total = Number(r[rule.slo.total] ?? 0);
      if (!(total > 0)) return null;
      const x = Number(r[measures[0]!] ?? 0);
      return (rule.slo.bad !== undefined ? x : total - x) / total / (1 - rule.slo.target);
    }
    const v = r[rule.query.measure];
    return v === null || v === undefined ? null : Number(v);
  };
  for (const r of current.rows) {
    const group = Object.fromEntries(rule.query.groupBy.map((d) => [d, String(r[d] ?? '')]));
    const k = groupKey(group);
    const s = series.get(k) ?? { group, points: [] };
    s.points.push({ t: Date.parse(String(r.time)), value: valueOf(r) });
    series.set(k, s);
  }
  if (rule.type === 'anomaly' && rule.anomaly) {
    const history = new Map<string, number[]>();
    for (let w = 1; w <= rule.anomaly.weeks; w++) {
      for (const r of (await run(w * WEEK)).rows) {
        const v = valueOf(r);
        if (v === null) continue;
        const k = `${groupKey(Object.fromEntries(rule.query.groupBy.map((d) => [d, String(r[d] ?? '')])))}@${Date.parse(String(r.time)) + w * WEEK}`;
        history.set(k, [...(history.get(k) ?? []), v]);
      }
    }
    for (const [k, s] of series) for (const p of s.points) {
      const h = history.get(`${k}@${p.t}`);
      if (h && h.length >= 3) Object.assign(p, (({ low, high }) => ({ low, high }))(anomalyBand(h, rule.anomaly.k)));
    }
  }
  const lines: Preview['lines'] = [];
  if (rule.type === 'threshold' && rule.condition) {
    if (rule.condition.warning !== null) lines.push({ label: `warning ${rule.condition.op} ${rule.condition.warning}`, value: rule.condition.warning, severity: 'warning' });
    if (rule.condition.critical !== null) lines.push({ label: `critical ${rule.condition.op} ${rule.condition.critical}`, value: rule.condition.critical, severity: 'critical' });
  }
  if (rule.type === 'slo' && rule.slo) for (const w of rule.slo.windows) lines.push({ label: `${w.factor}× burn`, value: w.factor, severity: w.severity });
  const m = MEASURES.find((x) => x.name === rule.query.measure);
  return {
    unit: rule.type === 'slo' ? 'burn rate (×)' : (m?.unit ?? ''), label: rule.type === 'slo' ? 'error budget burn rate' : (m?.label ?? rule.query.measure), bucketMs,
    series: [...series.values()], lines,
  };
}
