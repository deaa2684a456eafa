import { join, param, sql, unsafeRaw } from '../sql.ts';
import { renderForCluster } from '../migrations.ts';
import type { Store } from '../store.ts';
import { latencyRollupInsert } from './rollup-latency.ts';
import { CAPPED_KEYS, mergedStateSelect, OTHER_VALUE, rawStateSelect, requestExprRanges, ROLLUP_CORE_KEYS, ROLLUP_KEYS, ROLLUP_STATES } from './views.ts';

const HOUR_MS = 3_600_000;
/** The tables holding rows of a build: the same build ids, deletion and TTL (rollup_hourly_core: 0009, rollup_latency_hourly: 0014). */
const ROLLUP_TABLES = ['rollup_hourly', 'rollup_hourly_core', 'rollup_latency_hourly'] as const;

export interface RollupOptions {
  /** Distinct values of a capped dimension kept per hour; the tail becomes OTHER_VALUE. */
  maxValuesPerHour: number;
  /** An hour is rolled this long after it ends (late spans, context hold). */
  closeDelayMs: number;
  /** Hours this far back are checked for spans ingested after their build (late spans). */
  lateLookbackMs: number;
  /** Unbuilt hours are looked for this far back (the rollup retention). */
  horizonMs: number;
  /**
   * A span ingested up to this long before a build started may not have been visible to it, so
   * it re-rolls the hour (an insert's `_ingested_at` is taken before its part is committed).
   */
  visibilityMarginMs: number;
}

export const DEFAULT_ROLLUP_OPTIONS: RollupOptions = {
  maxValuesPerHour: 200,
  closeDelayMs: 5 * 60_000,
  lateLookbackMs: 48 * HOUR_MS,
  horizonMs: 400 * 24 * HOUR_MS,
  visibilityMarginMs: 30_000,
};

export interface HourToRoll {
  projectId: string;
  hour: number;
  /** The build it replaces (0: none). */
  previous: number;
  reason: 'unbuilt' | 'late spans' | 'late root' | 'dirty';
}

let seq = 0;
/** Unique, increasing build ids: ms × 1000 + a counter (one build per (project, hour), under the job lease). */
export function nextBuildId(now = Date.now()): number {
  seq = (seq + 1) % 1000;
  return now * 1000 + seq;
}

/**
 * Closed hours whose rollup is missing or stale: never built (within `horizonMs`, or only within
 * `lateLookbackMs` when `full` is false), spans ingested after the build started (late spans, a
 * late root), or marked in rollup_dirty_hours after the build started (row rewrites). Oldest first.
 */
export async function hoursToRoll(store: Store, o: RollupOptions, full: boolean, now = Date.now()): Promise<HourToRoll[]> {
  const closedEnd = new Date(Math.floor((now - o.closeDelayMs) / HOUR_MS) * HOUR_MS);
  const late = new Date(closedEnd.getTime() - o.lateLookbackMs);
  const horizon = new Date(closedEnd.getTime() - (full ? o.horizonMs : o.lateLookbackMs));
  const builds = new Map(
    (await store.query<{ p: string; h: number; build: number; at: number }>(sql`SELECT project_id AS p, toUnixTimestamp(hour) * 1000 AS h,
        build, toUnixTimestamp64Milli(built_at) AS at
      FROM rollup_builds FINAL WHERE hour >= ${horizon} AND hour < ${closedEnd}`)).map((r) => [`${r.p}|${Number(r.h)}`, { build: Number(r.build), at: Number(r.at), hour: Number(r.h) }]),
  );
  const out = new Map<string, HourToRoll>();
  const hours = await store.query<{ p: string; h: number; ing: number }>(sql`SELECT project_id AS p, toUnixTimestamp(toStartOfHour(start_time)) * 1000 AS h,
      toUnixTimestamp64Milli(maxIf(_ingested_at, start_time >= ${late})) AS ing
    FROM spans WHERE start_time >= ${horizon} AND start_time < ${closedEnd}
    GROUP BY p, h`);
  for (const r of hours) {
    const key = `${r.p}|${Number(r.h)}`;
    const b = builds.get(key);
    if (!b) out.set(key, { projectId: r.p, hour: Number(r.h), previous: 0, reason: 'unbuilt' });
    else if (Number(r.ing) > b.at - o.visibilityMarginMs) out.set(key, { projectId: r.p, hour: Number(r.h), previous: b.build, reason: 'late spans' });
  }
  // A root that arrived after a built hour of its trace was rolled: that hour may count a
  // stand-in as the trace's request (root not received then). Re-roll every built hour (in the
  // lookback) holding spans of a trace whose root was ingested after that hour's build started.
  const recent = [...builds.values()].filter((b) => b.hour >= late.getTime());
  if (recent.length) {
    const since = new Date(Math.min(...recent.map((b) => b.at)) - o.visibilityMarginMs);
    const related = await store.query<{ p: string; h: number; ing: number }>(sql`SELECT s.project_id AS p, toUnixTimestamp(toStartOfHour(s.start_time)) * 1000 AS h,
        toUnixTimestamp64Milli(max(r.ing)) AS ing
      FROM spans AS s
      INNER JOIN (SELECT project_id, trace_id, max(_ingested_at) AS ing FROM spans
                  WHERE start_time >= ${late} AND start_time < ${closedEnd} AND empty(parent_span_id) AND _ingested_at > ${since}
                  GROUP BY project_id, trace_id) AS r ON s.project_id = r.project_id AND s.trace_id = r.trace_id
      WHERE s.start_time >= ${late} AND s.start_time < ${closedEnd} AND NOT empty(s.parent_span_id)
      GROUP BY p, h`);
    for (const r of related) {
      const key = `${r.p}|${Number(r.h)}`;
      const b = builds.get(key);
      if (b && !out.has(key) && Number(r.ing) > b.at - o.visibilityMarginMs) out.set(key, { projectId: r.p, hour: Number(r.h), previous: b.build, reason: 'late root' });
    }
  }
  const dirty = await store.query<{ p: string; h: number; at: number }>(sql`SELECT project_id AS p, toUnixTimestamp(hour) * 1000 AS h,
      toUnixTimestamp64Milli(max(marked_at)) AS at
    FROM rollup_dirty_hours WHERE hour < ${closedEnd} GROUP BY p, h`);
  for (const r of dirty) {
    const key = `${r.p}|${Number(r.h)}`;
    const b = builds.get(key);
    if (out.has(key)) continue;
    if (b && Number(r.at) < b.at) continue;
    // Dirty hours older than the horizon with no build: nothing to re-roll.
    if (!b && Number(r.h) < horizon.getTime()) continue;
    out.set(key, { projectId: r.p, hour: Number(r.h), previous: b?.build ?? 0, reason: b ? 'dirty' : 'unbuilt' });
  }
  return [...out.values()].sort((a, b) => a.hour - b.hour || (a.projectId < b.projectId ? -1 : 1));
}

/**
 * Rolls one (project, hour) from `spans FINAL` into a NEW build, then points rollup_builds at it.
 * Readers switch builds atomically (they read the pointer first, then rows of that build only),
 * so a re-roll never double counts and never shows a half-written hour. `built_at` is the time
 * the build STARTED reading: a dirty mark or a span ingested after it makes the hour stale again.
 */
export async function buildRollupHour(store: Store, projectId: string, hourMs: number, maxValuesPerHour: number): Promise<{ build: number; rows: number; capped: string[] }> {
  const [{ started } = { started: Date.now() }] = await store.query<{ started: number }>(sql`SELECT toUnixTimestamp64Milli(now64(3)) AS started`);
  const from = new Date(hourMs);
  const to = new Date(hourMs + HOUR_MS);
  const range = sql`start_time >= ${from} AND start_time < ${to}`;
  const where = sql`project_id = ${projectId} AND ${range}`;

  const distinct = (await store.query<Record<string, number>>(sql`SELECT ${join(CAPPED_KEYS.map((k) => sql`uniqExact(${unsafeRaw(k.column)}) AS ${unsafeRaw(k.column)}`))} FROM spans WHERE ${where}`))[0] ?? {};
  const capped = CAPPED_KEYS.filter((k) => Number(distinct[k.column] ?? 0) > maxValuesPerHour);
  const replace = capped.map((k) => {
    const col = unsafeRaw(k.column);
    return sql`if(${col} IN (SELECT ${col} FROM spans WHERE ${where} GROUP BY ${col} ORDER BY count() DESC, ${col} LIMIT ${maxValuesPerHour}), ${col}, ${OTHER_VALUE}) AS ${col}`;
  });
  const build = nextBuildId(started);
  const keys = unsafeRaw(ROLLUP_KEYS.join(', '));
  const coreKeys = unsafeRaw(ROLLUP_CORE_KEYS.join(', '));
  const states = unsafeRaw(ROLLUP_STATES.map((s) => s.column).join(', '));
  await store.command(sql`INSERT INTO rollup_hourly (project_id, hour, build, ${keys}, ${states})
    SELECT ${projectId}, ${param(hourMs / 1000, 'DateTime')}, ${param(build, 'UInt64')}, ${keys}, ${rawStateSelect()}
    FROM (SELECT * ${replace.length ? sql`REPLACE (${join(replace)})` : sql``}, ${requestExprRanges(projectId, [[from, to]])} AS is_request
          FROM spans FINAL WHERE ${where})
    GROUP BY ${keys}`);
  const thisBuild = sql`project_id = ${projectId} AND hour = ${param(hourMs / 1000, 'DateTime')} AND build = ${param(build, 'UInt64')}`;
  // The core companion of the same build, merged from the rows just written (before the pointer
  // moves, so readers never see one table of a build without the other).
  await store.command(sql`INSERT INTO rollup_hourly_core (project_id, hour, build, ${coreKeys}, ${states})
    SELECT project_id, hour, build, ${coreKeys}, ${mergedStateSelect()}
    FROM rollup_hourly WHERE ${thisBuild}
    GROUP BY project_id, hour, build, ${coreKeys}`);
  // The latency companion (migration 0014), likewise before the pointer moves.
  await store.command(latencyRollupInsert(thisBuild));
  const [{ rows = 0 } = {}] = await store.query<{ rows: number }>(sql`SELECT count() AS rows FROM rollup_hourly WHERE ${thisBuild}`);
  await store.command(sql`INSERT INTO rollup_builds (project_id, hour, build, built_at, source_ingested_at, capped)
    SELECT ${projectId}, ${param(hourMs / 1000, 'DateTime')}, ${param(build, 'UInt64')}, fromUnixTimestamp64Milli(${started}),
      (SELECT max(_ingested_at) FROM spans WHERE ${where}), ${capped.map((k) => k.dimension)}`);
  return { build, rows: Number(rows), capped: capped.map((k) => k.dimension) };
}

/** Deletes the rows of superseded builds (after a grace period, so in-flight readers finish). */
export async function dropRollupBuild(store: Store, projectId: string, hourMs: number, build: number): Promise<void> {
  for (const table of ROLLUP_TABLES) {
    await store.command(sql`DELETE FROM ${unsafeRaw(table)} WHERE project_id = ${projectId} AND hour = ${param(hourMs / 1000, 'DateTime')} AND build = ${param(build, 'UInt64')}`);
  }
}

/** Sets the rollup TTL (days, validated integer: safe as DDL text); independent of the span TTL. */
export async function applyRollupRetention(store: Store, days: number): Promise<void> {
  if (!Number.isInteger(days) || days < 1) throw new Error(`invalid rollup retention days: ${days}`);
  for (const table of ROLLUP_TABLES) {
    const rows = await store.query<{ q: string }>(sql`SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = ${table}`);
    if (rows[0]?.q.includes(`toIntervalDay(${days})`)) continue;
    await store.command(sql`${unsafeRaw(renderForCluster(`ALTER TABLE ${table} MODIFY TTL hour + toIntervalDay(${days})`, store.config.cluster))}`);
  }
}
