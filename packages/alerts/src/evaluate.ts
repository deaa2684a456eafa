import type { Op, Rule, RuleSpec } from './rule.ts';

/**
 * From a rule to the semantic-layer queries it needs, and from their results to one observation
 * per alert instance (group value). Pure: the store runs the queries.
 *
 * Sharing: a query is identified by its SHAPE — view, filters, group-by and time window — and
 * every rule with that shape adds its measures to the same query (`planQueries`), so 1,000 rules
 * over a handful of shapes cost a handful of queries. A rule reads its own measures back from the
 * shared rows (`observe`), one row per group.
 */

export type Severity = 'warning' | 'critical';
export type Row = Readonly<Record<string, string | number | null | undefined>>;

export interface Shape {
  /** Which semantic view answers the measures (queries never mix views). */
  view: string;
  filters: Record<string, string[]>;
  groupBy: string[];
  fromMs: number;
  toMs: number;
}

export interface Need extends Shape {
  /** This rule's name for the window (`current`, `long0`, `short1`, `week3`…). */
  role: string;
  measures: string[];
}

export interface Catalog {
  /** The view a measure is read from ('spans', 'gpu'…); undefined = unknown measure. */
  viewOf(measure: string): string | undefined;
  /** The measure counting a group's samples (minSamples), or null when the view has none. */
  samplesFor(measure: string): string | null;
}

const WEEK = 604_800_000;

function sorted(filters: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(Object.keys(filters).sort().map((k) => [k, [...filters[k]!].sort()]));
}

export function shapeKey(s: Shape): string {
  return JSON.stringify([s.view, s.filters, [...s.groupBy].sort(), s.fromMs, s.toMs]);
}

/** Evaluation time of a rule on its interval grid (so rules of one interval share windows). */
export function evalTime(rule: Pick<RuleSpec, 'intervalMs'>, nowMs: number): number {
  return Math.floor(nowMs / rule.intervalMs) * rule.intervalMs;
}

/** The windows and measures one rule needs at time `at`. */
export function ruleNeeds(rule: RuleSpec, at: number, catalog: Catalog): Need[] {
  const q = rule.query;
  const base = { filters: sorted(q.filters), groupBy: [...q.groupBy].sort() };
  const withSamples = (m: string[]): string[] => {
    const s = rule.minSamples > 0 ? catalog.samplesFor(m[0]!) : null;
    return s && !m.includes(s) ? [...m, s] : m;
  };
  if (rule.type === 'slo' && rule.slo) {
    const s = rule.slo;
    const measures = [s.bad ?? s.good!, s.total];
    const view = catalog.viewOf(s.total) ?? 'spans';
    return s.windows.flatMap((w, i) => [
      { ...base, view, role: `long${i}`, measures, fromMs: at - w.longMs, toMs: at },
      { ...base, view, role: `short${i}`, measures, fromMs: at - w.shortMs, toMs: at },
    ]);
  }
  const view = catalog.viewOf(q.measure) ?? 'spans';
  const current: Need = { ...base, view, role: 'current', measures: withSamples([q.measure]), fromMs: at - rule.windowMs, toMs: at };
  if (rule.type !== 'anomaly') return [current];
  const weeks = rule.anomaly?.weeks ?? 4;
  return [current, ...Array.from({ length: weeks }, (_, k) => ({ ...current, role: `week${k + 1}`, measures: [q.measure], fromMs: current.fromMs - (k + 1) * WEEK, toMs: at - (k + 1) * WEEK }))];
}

export interface PlannedQuery extends Shape {
  key: string;
  measures: string[];
}

/** Merges the needs of many rules into one query per shape (measures unioned). */
export function planQueries(needs: Iterable<Need>): Map<string, PlannedQuery> {
  const out = new Map<string, PlannedQuery>();
  for (const n of needs) {
    const key = shapeKey(n);
    const q = out.get(key);
    if (q) {
      for (const m of n.measures) if (!q.measures.includes(m)) q.measures.push(m);
    } else {
      out.set(key, { key, view: n.view, filters: n.filters, groupBy: n.groupBy, fromMs: n.fromMs, toMs: n.toMs, measures: [...n.measures] });
    }
  }
  return out;
}

export interface Observation {
  group: Record<string, string>;
  /** 'nodata': no value, or fewer samples than minSamples. */
  kind: 'value' | 'nodata';
  value: number | null;
  severity: Severity | null;
  /** The threshold crossed (or the nearest one, for display). */
  threshold: number | null;
  samples: number | null;
  /** Anomaly band, when the rule is an anomaly rule. */
  band?: { low: number; high: number; median: number };
}

export function groupOf(row: Row, groupBy: readonly string[]): Record<string, string> {
  return Object.fromEntries(groupBy.map((d) => [d, String(row[d] ?? '')]));
}

export function groupKey(group: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(group).sort().map((k) => [k, group[k]]));
}

function num(v: Row[string]): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function compare(op: Op, value: number, threshold: number): boolean {
  switch (op) {
    case '>': return value > threshold;
    case '>=': return value >= threshold;
    case '<': return value < threshold;
    case '<=': return value <= threshold;
  }
}

/** Rows of each role, keyed by group. */
type RoleRows = Map<string, Map<string, Row>>;

function byRole(rule: RuleSpec, needs: readonly Need[], results: ReadonlyMap<string, readonly Row[]>): RoleRows {
  const out: RoleRows = new Map();
  for (const n of needs) {
    const rows = results.get(shapeKey(n)) ?? [];
    out.set(n.role, new Map(rows.map((r) => [groupKey(groupOf(r, rule.query.groupBy)), r])));
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Anomaly band from the same window of past weeks: median ± k·1.4826·MAD (1.4826·MAD estimates
 * σ for normal data). A history with MAD 0 (a constant series) gets a floor of 1 % of |median|
 * (or 1e-9), so a constant baseline does not flag every tiny wobble.
 */
export function anomalyBand(history: readonly number[], k: number): { low: number; high: number; median: number } {
  const med = median(history);
  const mad = median(history.map((x) => Math.abs(x - med))) * 1.4826;
  const width = k * Math.max(mad, Math.abs(med) * 0.01, 1e-9);
  return { low: med - width, high: med + width, median: med };
}

/**
 * One observation per group from the shared query results. Groups come from the rule's primary
 * window (`current`, or each SLO pair's long window); a group absent there is not observed (the
 * caller treats a known instance it did not observe as "condition false": its group has no data
 * in the window). An ungrouped rule whose value is null is 'nodata'.
 */
export function observe(rule: Rule | RuleSpec, needs: readonly Need[], results: ReadonlyMap<string, readonly Row[]>, catalog: Catalog): Observation[] {
  const rows = byRole(rule, needs, results);
  const gb = rule.query.groupBy;
  const out: Observation[] = [];
  if (rule.type === 'slo' && rule.slo) {
    const s = rule.slo;
    const budget = 1 - s.target;
    const badOf = (r: Row | undefined): number | null => {
      const total = num(r?.[s.total]);
      if (total === null) return null;
      if (total === 0) return 0;
      const x = num(r?.[s.bad ?? s.good!]) ?? 0;
      return (s.bad !== undefined ? x : total - x) / total;
    };
    const keys = new Set<string>();
    s.windows.forEach((_, i) => rows.get(`long${i}`)?.forEach((_r, k) => keys.add(k)));
    for (const k of keys) {
      let severity: Severity | null = null;
      let value: number | null = null;
      let threshold: number | null = null;
      let anyRow: Row | undefined;
      s.windows.forEach((w, i) => {
        const long = rows.get(`long${i}`)?.get(k);
        anyRow ??= long;
        const rl = badOf(long);
        const rs = badOf(rows.get(`short${i}`)?.get(k));
        if (rl === null) return;
        const burn = rl / budget;
        if (value === null || burn > value) value = burn;
        threshold ??= w.factor;
        if (rs !== null && burn > w.factor && rs / budget > w.factor && (severity === null || w.severity === 'critical')) {
          severity = w.severity;
          threshold = w.factor;
        }
      });
      const samples = num(rows.get('long0')?.get(k)?.[s.total]);
      const nodata = value === null || (rule.minSamples > 0 && (samples ?? 0) < rule.minSamples);
      out.push({ group: groupOf(anyRow ?? {}, gb), kind: nodata ? 'nodata' : 'value', value, severity: nodata ? null : severity, threshold, samples });
    }
    return out;
  }
  const m = rule.query.measure;
  const sm = rule.minSamples > 0 ? catalog.samplesFor(m) : null;
  const current = rows.get('current') ?? new Map<string, Row>();
  for (const [k, r] of current) {
    const value = num(r[m]);
    const samples = sm ? num(r[sm]) : null;
    const group = groupOf(r, gb);
    if (value === null || (sm !== null && (samples ?? 0) < rule.minSamples)) {
      out.push({ group, kind: 'nodata', value, severity: null, threshold: null, samples });
      continue;
    }
    if (rule.type === 'anomaly') {
      const a = rule.anomaly ?? { weeks: 4, k: 3, direction: 'both' as const };
      const history: number[] = [];
      for (let w = 1; w <= a.weeks; w++) {
        const h = num(rows.get(`week${w}`)?.get(k)?.[m]);
        if (h !== null) history.push(h);
      }
      if (history.length < 3) {
        out.push({ group, kind: 'nodata', value, severity: null, threshold: null, samples });
        continue;
      }
      const band = anomalyBand(history, a.k);
      const above = value > band.high && a.direction !== 'below';
      const below = value < band.low && a.direction !== 'above';
      out.push({ group, kind: 'value', value, severity: above || below ? 'critical' : null, threshold: below ? band.low : band.high, samples, band });
      continue;
    }
    const c = rule.condition!;
    const severity: Severity | null = c.critical !== null && compare(c.op, value, c.critical) ? 'critical' : c.warning !== null && compare(c.op, value, c.warning) ? 'warning' : null;
    out.push({ group, kind: 'value', value, severity, threshold: severity === 'warning' ? c.warning : (c.critical ?? c.warning), samples });
  }
  // An ungrouped rule always has one instance: no row at all is no data.
  if (gb.length === 0 && out.length === 0) out.push({ group: {}, kind: 'nodata', value: null, severity: null, threshold: null, samples: null });
  return out;
}
