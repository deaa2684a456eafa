/**
 * Drift monitors: definitions (versioned rows), evaluation (counts in ClickHouse over bins frozen
 * from the reference, the statistic in @plumb/analytics) and the history of results.
 *
 * Counts come from per-hour counts (drift-counts.ts): closed hours are counted once and summed,
 * only the window edges are read raw. A first evaluation (no bins frozen yet) reads the source
 * about once (drift-binning.ts): categorical counts per value, then takes the top-K from them;
 * numeric estimates the edges from sampled reference hours, then counts, taking the reference's
 * range and std from the same pass. Extra statements only for KS: the fine (percentile) bins when
 * a window is too large to fetch (uncached), or the raw values when both hold ≤ 50,000.
 * A frozen reference stores its binning on the monitor at the first evaluation; a rolling one
 * ("previous N days") refreshes it once per UTC day.
 */
import {
  binCount, categoricalBinning, evaluateDrift, KS_RAW_MAX_VALUES, nullBinIndex,
  resolveMethod, type Binning, type DriftMethod, type DriftResult, type DriftThresholds, type NumericBinning,
} from '@plumb/analytics';
import { binningShift, provisionalBinning, referenceHasValue, referenceMayHaveValues, referencePercentiles, referenceStats, type EmptyReference } from './drift-binning.ts';
import { cachedKeyCounts, countsKey, type CountSpec, type KeyCount } from './drift-counts.ts';
import { featureSql, windowSql, type DriftFeature, type DriftFilters, type DriftSpanSet, type FeatureSql } from './drift-features.ts';
import { join, param, sql, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

export * from './drift-features.ts';

export type DriftReference = { kind: 'frozen'; fromMs: number; toMs: number } | { kind: 'previous'; days: number };

export interface DriftMonitorDefinition {
  name: string;
  feature: DriftFeature;
  spanSet: DriftSpanSet;
  filters: DriftFilters;
  reference: DriftReference;
  /** Length of the current window, ending at the evaluation time. */
  currentMs: number;
  method: DriftMethod;
  thresholds: Partial<DriftThresholds>;
  topK: number;
}

export interface DriftMonitor extends DriftMonitorDefinition {
  id: string;
  binning: Binning | null;
  /** Set while the reference had no value at the last evaluation (no bins to freeze yet). */
  emptyReference?: EmptyReference;
  createdAt: string;
  updatedAt: string;
}

export interface DriftEvaluation {
  monitorId: string;
  currentFromMs: number;
  currentToMs: number;
  referenceFromMs: number;
  referenceToMs: number;
  result: DriftResult;
  evaluatedAt: string;
}

const DAY_MS = 86_400_000;

interface MonitorRow { id: string; name: string; definition: string; binning: string; created_at: string; updated_at: string }

function toMonitor(r: MonitorRow): DriftMonitor {
  const def = definitionOf(JSON.parse(r.definition) as DriftMonitorDefinition);
  const stored = r.binning ? (JSON.parse(r.binning) as Binning | EmptyReference) : null;
  const binning = stored && stored.kind !== 'none' ? stored : null;
  return { ...def, name: r.name, id: r.id, binning, ...(stored?.kind === 'none' ? { emptyReference: stored } : {}), createdAt: r.created_at, updatedAt: r.updated_at };
}

/** The definition fields of a monitor (what the definition column holds; no id, bins or times). */
function definitionOf(m: DriftMonitorDefinition): DriftMonitorDefinition {
  const { name, feature, spanSet, filters, reference, currentMs, method, thresholds, topK } = m;
  return { name, feature, spanSet, filters, reference, currentMs, method, thresholds, topK };
}

export async function listDriftMonitors(store: Store, projectId: string): Promise<DriftMonitor[]> {
  const rows = await store.query<MonitorRow>(sql`
    SELECT id, name, definition, binning, toString(created_at) AS created_at, toString(updated_at) AS updated_at
    FROM drift_monitors FINAL WHERE project_id = ${projectId} AND NOT deleted ORDER BY name, id`);
  return rows.map(toMonitor);
}

export async function getDriftMonitor(store: Store, projectId: string, id: string): Promise<DriftMonitor | null> {
  const rows = await store.query<MonitorRow>(sql`
    SELECT id, name, definition, binning, toString(created_at) AS created_at, toString(updated_at) AS updated_at
    FROM drift_monitors FINAL WHERE project_id = ${projectId} AND id = ${id} AND NOT deleted`);
  return rows[0] ? toMonitor(rows[0]) : null;
}

/** All live monitors of every project (the worker's job). */
export async function listAllDriftMonitors(store: Store): Promise<Array<DriftMonitor & { projectId: string }>> {
  const rows = await store.query<MonitorRow & { project_id: string }>(sql`
    SELECT project_id, id, name, definition, binning, toString(created_at) AS created_at, toString(updated_at) AS updated_at
    FROM drift_monitors FINAL WHERE NOT deleted ORDER BY project_id, id`);
  return rows.map((r) => ({ ...toMonitor(r), projectId: r.project_id }));
}

/** `binning`: the frozen bins, or the memo of an empty reference, or nothing yet. */
async function writeMonitor(store: Store, projectId: string, id: string, def: DriftMonitorDefinition, binning: Binning | EmptyReference | null, createdAt: Date | null, deleted = false): Promise<void> {
  const now = Date.now();
  await store.command(sql`
    INSERT INTO drift_monitors (project_id, id, name, definition, binning, created_at, updated_at, deleted, _version)
    VALUES (${projectId}, ${id}, ${def.name}, ${JSON.stringify(definitionOf(def))}, ${binning ? JSON.stringify(binning) : ''},
            ${createdAt ?? new Date(now)}, ${new Date(now)}, ${deleted}, ${now * 1000 + Math.floor(Math.random() * 1000)})`);
}

export async function createDriftMonitor(store: Store, projectId: string, def: DriftMonitorDefinition): Promise<DriftMonitor> {
  const id = `dm_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
  await writeMonitor(store, projectId, id, def, null, null);
  return (await getDriftMonitor(store, projectId, id))!;
}

/** A new definition drops the frozen binning: the next evaluation freezes it again. */
export async function updateDriftMonitor(store: Store, projectId: string, id: string, def: DriftMonitorDefinition): Promise<DriftMonitor | null> {
  const old = await getDriftMonitor(store, projectId, id);
  if (!old) return null;
  await writeMonitor(store, projectId, id, def, null, new Date(old.createdAt.replace(' ', 'T') + 'Z'));
  return getDriftMonitor(store, projectId, id);
}

export async function deleteDriftMonitor(store: Store, projectId: string, id: string): Promise<boolean> {
  const old = await getDriftMonitor(store, projectId, id);
  if (!old) return false;
  await writeMonitor(store, projectId, id, old, old.binning ?? old.emptyReference ?? null, new Date(old.createdAt.replace(' ', 'T') + 'Z'), true);
  return true;
}

export function referenceWindow(ref: DriftReference, currentFromMs: number): [number, number] {
  return ref.kind === 'frozen' ? [ref.fromMs, ref.toMs] : [currentFromMs - ref.days * DAY_MS, currentFromMs];
}

interface Counts { ref: number[]; cur: number[]; fine?: { ref: number[]; cur: number[] }; distinct: number }

/**
 * The bin of a numeric value: the number of edges ≤ v as a sum of comparisons, each edge a
 * Float64 parameter. Vectorised column comparisons; an array lambda (arrayCount over the edges)
 * materialises the edge array once per row and was ~8× slower at 99 edges (measured).
 */
function numericBinSql(edges: readonly number[], nullBin: number): SqlFragment {
  const terms = edges.map((e) => sql` + (assumeNotNull(v) >= ${param(e, 'Float64')})`);
  return sql`if(isNull(v), ${nullBin}, toUInt32(0${join(terms, '')}))`;
}

/** Counts per numeric bin index (null bin last) with the value statistics of each bin. */
function numericSpec(edges: readonly number[]): CountSpec {
  return { bin: numericBinSql(edges, edges.length + 1), key: (b) => sql`toString(${b})`, numeric: { shift: binningShift(edges) } };
}

/** Counts per value, whatever the bins: the top-K are read from them. */
const VALUE_SPEC: CountSpec = { bin: sql`v`, key: (b) => sql`concat('=', ${b})` };

/** Counts per numeric bin over `edges` (null bin last) for both windows, and distinct values up to 6 (uncached). */
async function countNumeric(store: Store, f: FeatureSql, edges: readonly number[], inRef: SqlFragment, inCur: SqlFragment): Promise<{ ref: number[]; cur: number[]; distinct: number }> {
  const nullBin = edges.length + 1;
  const rows = await store.query<{ b: number; r: string; c: string; d: string }>(sql`
    SELECT ${numericBinSql(edges, nullBin)} AS b, countIf(in_ref) AS r, countIf(in_cur) AS c, uniqUpTo(6)(v) AS d
    FROM (SELECT ${f.value} AS v, ${inRef} AS in_ref, ${inCur} AS in_cur FROM ${f.from} WHERE ${f.where} AND (${inRef} OR ${inCur}))
    GROUP BY b`);
  const out = { ref: new Array<number>(nullBin + 1).fill(0), cur: new Array<number>(nullBin + 1).fill(0), distinct: 0 };
  for (const row of rows) {
    const b = Number(row.b);
    out.ref[b] = Number(row.r);
    out.cur[b] = Number(row.c);
    // A value lives in one bin, so the per-bin counts add up; only "more than 5" matters.
    if (b !== nullBin) out.distinct += Number(row.d);
  }
  return out;
}

/** Where cached per-hour counts apply: a monitor with bins frozen for this evaluation. */
interface CacheContext { projectId: string; monitorId: string; nowMs: number }

/** Per-key counts of both windows: closed hours from drift_bin_counts (counted first when missing), edges raw. */
function keyCounts(store: Store, f: FeatureSql, spec: CountSpec, part: unknown, ref: [Date, Date], cur: [Date, Date], cache: CacheContext): Promise<KeyCount[]> {
  return cachedKeyCounts(store, cache.projectId, cache.monitorId, countsKey(f, part), f, spec, [ref[0].getTime(), ref[1].getTime()], [cur[0].getTime(), cur[1].getTime()], cache.nowMs);
}

/** Per-key rows folded into the binning's bins (numeric keys are bin indexes; categorical '=value'). */
function foldCounts(rows: readonly KeyCount[], binning: Binning): Counts {
  const k = binCount(binning);
  const out: Counts = { ref: new Array<number>(k).fill(0), cur: new Array<number>(k).fill(0), distinct: 0 };
  if (binning.kind === 'numeric') {
    const nullBin = binning.edges.length + 1;
    for (const row of rows) {
      const bin = Number(row.key);
      out.ref[bin]! += row.r;
      out.cur[bin]! += row.c;
      if (bin !== nullBin) out.distinct += row.d;
    }
    return out;
  }
  out.distinct = Infinity;
  const nCats = binning.categories.length;
  const index = new Map(binning.categories.map((x, i) => [x, i]));
  for (const row of rows) {
    const v = row.key.slice(1);
    const bin = v === '' ? nCats + 2 : (index.get(v) ?? (row.r > 0 ? nCats : nCats + 1));
    out.ref[bin]! += row.r;
    out.cur[bin]! += row.c;
  }
  return out;
}

/**
 * Bins for a monitor with none frozen yet, and the per-key counts of both windows read on the
 * way (drift-binning.ts): categorical = one counting pass, top-K from its reference sums;
 * numeric = percentiles from sampled reference hours, then one counting pass that also yields
 * the reference's range and std. Null when the reference has no value.
 */
async function freshBinning(store: Store, f: FeatureSql, def: DriftMonitorDefinition, ref: [Date, Date], cur: [Date, Date], cache: CacheContext): Promise<{ binning: Binning; rows: KeyCount[] } | null> {
  if (def.feature.kind === 'categorical') {
    if (!(await referenceHasValue(store, f, 'categorical', ref[0], ref[1]))) return null;
    const rows = await keyCounts(store, f, VALUE_SPEC, 'values', ref, cur, cache);
    const binning = categoricalBinning(rows.map((r) => ({ value: r.key.slice(1), count: r.r })), def.topK);
    return binning.categories.length > 0 ? { binning, rows } : null;
  }
  const percentiles = await referencePercentiles(store, f, ref[0], ref[1]);
  if (!percentiles) return null;
  const edges = provisionalBinning(percentiles);
  const rows = await keyCounts(store, f, numericSpec(edges.edges), { edges: edges.edges }, ref, cur, cache);
  const stats = referenceStats(rows, edges);
  return stats ? { binning: { ...edges, ...stats }, rows } : null;
}

async function rawSamples(store: Store, f: FeatureSql, ref: [Date, Date], cur: [Date, Date]): Promise<{ ref: number[]; cur: number[] }> {
  const inRef = windowSql(f, ref[0], ref[1]);
  const inCur = windowSql(f, cur[0], cur[1]);
  const rows = await store.query<{ v: number; r: number; c: number }>(sql`
    SELECT assumeNotNull(v) AS v, in_ref AS r, in_cur AS c
    FROM (SELECT ${f.value} AS v, ${inRef} AS in_ref, ${inCur} AS in_cur FROM ${f.from} WHERE ${f.where} AND (${inRef} OR ${inCur}))
    WHERE isNotNull(v)`);
  const out = { ref: [] as number[], cur: [] as number[] };
  for (const row of rows) {
    if (Number(row.r)) out.ref.push(Number(row.v));
    if (Number(row.c)) out.cur.push(Number(row.v));
  }
  return out;
}

/**
 * Evaluates a monitor with the current window ending at `atMs`; freezes the binning of a frozen
 * reference on first use. Returns null when the reference has no values yet (no bins to freeze);
 * the monitor then remembers that, and the next evaluations re-check only what can change it.
 */
export async function evaluateDriftMonitor(store: Store, projectId: string, monitor: DriftMonitor, atMs: number): Promise<DriftEvaluation | null> {
  const cur: [Date, Date] = [new Date(atMs - monitor.currentMs), new Date(atMs)];
  const [rf, rt] = referenceWindow(monitor.reference, atMs - monitor.currentMs);
  const ref: [Date, Date] = [new Date(rf), new Date(rt)];
  const f = featureSql(projectId, monitor.feature, monitor.spanSet, monitor.filters);
  const createdAt = new Date(monitor.createdAt.replace(' ', 'T') + 'Z');
  const cache: CacheContext = { projectId, monitorId: monitor.id, nowMs: Date.now() };
  // A frozen reference freezes its bins at the first evaluation; a rolling one ("previous N
  // days") refreshes them once per UTC day, so its per-hour counts are reused within the day.
  const day = Math.floor(atMs / DAY_MS);
  const stored = monitor.binning as (Binning & { day?: number }) | null;
  let binning: (Binning & { day?: number }) | null = monitor.reference.kind === 'frozen' ? stored : stored?.day === day ? stored : null;
  let rows: KeyCount[] | null = null;
  if (!binning) {
    const checkedAtMs = Date.now();
    const empty = monitor.emptyReference;
    const fresh = empty && !(await referenceMayHaveValues(store, f, monitor.feature.kind, empty, ref[0], ref[1])) ? null : await freshBinning(store, f, monitor, ref, cur, cache);
    if (!fresh) {
      const memo: EmptyReference = { kind: 'none', fromMs: rf, toMs: rt, checkedAtMs };
      await writeMonitor(store, projectId, monitor.id, monitor, memo, createdAt);
      return null;
    }
    binning = monitor.reference.kind === 'frozen' ? fresh.binning : { ...fresh.binning, day };
    rows = fresh.rows;
    await writeMonitor(store, projectId, monitor.id, monitor, binning, createdAt);
  }
  const b = binning;
  rows ??= b.kind === 'numeric'
    ? await keyCounts(store, f, numericSpec(b.edges), { edges: b.edges }, ref, cur, cache)
    : await keyCounts(store, f, VALUE_SPEC, 'values', ref, cur, cache);
  const counts = foldCounts(rows, b);
  const nb = nullBinIndex(b);
  const nonNull = (xs: number[]) => xs.reduce((a, x) => a + x, 0) - (xs[nb] ?? 0);
  const base = { binning: b, method: monitor.method, thresholds: monitor.thresholds };
  const nRef = counts.ref.reduce((a, x) => a + x, 0);
  const nCur = counts.cur.reduce((a, x) => a + x, 0);
  const wantsKs = b.kind === 'numeric' && resolveMethod({ ...base, distinctValues: counts.distinct }, nRef, nCur).method === 'ks';
  const small = nonNull(counts.ref) <= KS_RAW_MAX_VALUES && nonNull(counts.cur) <= KS_RAW_MAX_VALUES;
  // KS on a window too large to fetch: a second, uncached pass counts the fine (percentile) bins
  // for a tighter bound on D.
  if (wantsKs && !small && b.kind === 'numeric' && b.fineEdges) {
    const fine = await countNumeric(store, f, b.fineEdges, windowSql(f, ref[0], ref[1]), windowSql(f, cur[0], cur[1]));
    counts.fine = { ref: fine.ref.slice(0, -1), cur: fine.cur.slice(0, -1) };
  }
  const input = { ...base, ref: counts.ref, cur: counts.cur, distinctValues: counts.distinct, ...(counts.fine ? { fine: counts.fine } : {}) };
  const samples = wantsKs && small ? await rawSamples(store, f, ref, cur) : undefined;
  const result = evaluateDrift(samples ? { ...input, samples } : input);
  const evaluation: DriftEvaluation = {
    monitorId: monitor.id, currentFromMs: cur[0].getTime(), currentToMs: atMs, referenceFromMs: rf, referenceToMs: rt, result, evaluatedAt: new Date().toISOString(),
  };
  await saveEvaluation(store, projectId, evaluation);
  return evaluation;
}

async function saveEvaluation(store: Store, projectId: string, e: DriftEvaluation): Promise<void> {
  const r = e.result;
  const finite = (x: number) => (Number.isFinite(x) ? x : 1e308);
  await store.command(sql`
    INSERT INTO drift_results (project_id, monitor_id, current_from, current_to, reference_from, reference_to, method, score, p_value, psi, js,
                               flagged, severity, n_ref, n_cur, result, evaluated_at, _version)
    VALUES (${projectId}, ${e.monitorId}, ${new Date(e.currentFromMs)}, ${new Date(e.currentToMs)}, ${new Date(e.referenceFromMs)}, ${new Date(e.referenceToMs)},
            ${r.method}, ${finite(r.score)}, ${r.pValue === null ? sql`NULL` : finite(r.pValue)}, ${finite(r.psi)}, ${finite(r.js)}, ${r.flagged}, ${r.severity},
            ${r.nRef}, ${r.nCur}, ${JSON.stringify(r)}, ${new Date(e.evaluatedAt)}, ${Date.now()})`);
}

export interface DriftHistoryPoint {
  currentToMs: number;
  method: string;
  score: number;
  pValue: number | null;
  psi: number;
  js: number;
  flagged: boolean;
  severity: string;
  nRef: number;
  nCur: number;
}

/** Scores of a monitor over time (oldest first), for [fromMs, toMs) of the current window's end. */
export async function driftHistory(store: Store, projectId: string, monitorId: string, fromMs: number, toMs: number, limit = 500): Promise<DriftHistoryPoint[]> {
  const rows = await store.query<Record<string, string | number | boolean | null>>(sql`
    SELECT toUnixTimestamp64Milli(current_to) AS t, method, score, p_value, psi, js, flagged, severity, n_ref, n_cur
    FROM drift_results FINAL WHERE project_id = ${projectId} AND monitor_id = ${monitorId}
      AND current_to >= ${new Date(fromMs)} AND current_to < ${new Date(toMs)}
    ORDER BY current_to DESC LIMIT ${limit}`);
  return rows.reverse().map((r) => ({
    currentToMs: Number(r.t), method: String(r.method), score: Number(r.score), pValue: r.p_value === null ? null : Number(r.p_value), psi: Number(r.psi), js: Number(r.js),
    flagged: Boolean(r.flagged), severity: String(r.severity), nRef: Number(r.n_ref), nCur: Number(r.n_cur),
  }));
}

/** The latest evaluation of each monitor of a project (the Drift page's list). */
export async function latestDriftResults(store: Store, projectId: string): Promise<Map<string, DriftEvaluation>> {
  const rows = await store.query<{ monitor_id: string; cf: number; ct: number; rf: number; rt: number; result: string; ev: string }>(sql`
    SELECT monitor_id, toUnixTimestamp64Milli(cf) AS cf, toUnixTimestamp64Milli(ct) AS ct, toUnixTimestamp64Milli(rf) AS rf, toUnixTimestamp64Milli(rt) AS rt, result, ev FROM (
      SELECT monitor_id, argMax(current_from, current_to) AS cf, max(current_to) AS ct, argMax(reference_from, current_to) AS rf,
             argMax(reference_to, current_to) AS rt, argMax(result, current_to) AS result, toString(argMax(evaluated_at, current_to)) AS ev
      FROM drift_results FINAL WHERE project_id = ${projectId} GROUP BY monitor_id)`);
  return new Map(rows.map((r) => [r.monitor_id, {
    monitorId: r.monitor_id, currentFromMs: Number(r.cf), currentToMs: Number(r.ct), referenceFromMs: Number(r.rf), referenceToMs: Number(r.rt),
    result: JSON.parse(r.result) as DriftResult, evaluatedAt: r.ev,
  }]));
}

/** Whether a result exists for this monitor and current-window end (the worker skips it then). */
export async function hasDriftResult(store: Store, projectId: string, monitorId: string, currentToMs: number): Promise<boolean> {
  const rows = await store.query<{ n: string }>(sql`
    SELECT count() AS n FROM drift_results WHERE project_id = ${projectId} AND monitor_id = ${monitorId} AND current_to = ${new Date(currentToMs)}`);
  return Number(rows[0]?.n ?? 0) > 0;
}

export type { NumericBinning };
