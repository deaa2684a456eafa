import { sql } from '../sql.ts';
import type { Store } from '../store.ts';
import { CAPPED_KEYS } from './views.ts';

const HOUR_MS = 3_600_000;

/** Which hours of a window the rollup answers, and which ranges are read raw. */
export interface Coverage {
  /** Current build ids of the covered hours (unique per (project, hour), so `build IN` selects exactly them). */
  builds: number[];
  /** Covered hour starts (epoch ms). */
  hours: number[];
  /** [from, to) ranges read from raw spans: window edges, the open hour, unbuilt / dirty / capped hours. */
  rawRanges: [Date, Date][];
}

/**
 * The rollup coverage of [from, to) for a query using `dimensions`: whole hours inside the window
 * with a current build that is not older than the hour's latest dirty mark, and — if the query
 * groups or filters by a capped dimension — whose build did not cap it. Everything else is read
 * raw, so results are exact for sums whatever is built.
 */
export async function rollupCoverage(store: Store, projectId: string, from: Date, to: Date, dimensions: readonly string[]): Promise<Coverage> {
  const first = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const end = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  if (end <= first) return { builds: [], hours: [], rawRanges: [[from, to]] };
  const lo = new Date(first);
  const hi = new Date(end);
  const builds = await store.query<{ h: number; build: number; builtAt: number; capped: string[] }>(sql`SELECT toUnixTimestamp(hour) * 1000 AS h,
      build, toUnixTimestamp64Milli(built_at) AS builtAt, capped
    FROM rollup_builds FINAL
    WHERE project_id = ${projectId} AND hour >= ${lo} AND hour < ${hi}`);
  if (builds.length === 0) return { builds: [], hours: [], rawRanges: [[from, to]] };
  const dirty = new Map(
    (await store.query<{ h: number; at: number }>(sql`SELECT toUnixTimestamp(hour) * 1000 AS h, toUnixTimestamp64Milli(max(marked_at)) AS at
      FROM rollup_dirty_hours
      WHERE project_id = ${projectId} AND hour >= ${lo} AND hour < ${hi}
      GROUP BY hour`)).map((r) => [Number(r.h), Number(r.at)]),
  );
  const cappedUsed = CAPPED_KEYS.filter((k) => dimensions.includes(k.dimension)).map((k) => k.dimension);
  const covered = new Map<number, number>();
  for (const b of builds) {
    const h = Number(b.h);
    if ((dirty.get(h) ?? -Infinity) >= Number(b.builtAt)) continue;
    if (cappedUsed.some((d) => b.capped.includes(d))) continue;
    covered.set(h, Number(b.build));
  }
  const hours = [...covered.keys()].sort((a, b) => a - b);
  const rawRanges: [Date, Date][] = [];
  let cursor = from.getTime();
  for (const h of hours) {
    if (h > cursor) rawRanges.push([new Date(cursor), new Date(h)]);
    cursor = h + HOUR_MS;
  }
  if (cursor < to.getTime()) rawRanges.push([new Date(cursor), to]);
  return { builds: hours.map((h) => covered.get(h)!), hours, rawRanges };
}
