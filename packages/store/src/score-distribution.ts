/**
 * Score distributions per score name and model version (the Quality page's "Scores" table; its
 * averages, counts and pass rates come from the semantic layer's score measures).
 *
 * Numeric and boolean scores: a 10-bin histogram over the score name's [min, max] across every
 * version in the window, so the versions of one score share edges and compare bin by bin.
 * Categorical scores (and the labels of scores that carry both a value and a label): the 6 most
 * frequent labels per version. The version is the score's own context: the served model of the
 * scored span (trace-level: of the trace's largest model call) or the service version.
 */
import { sql, unsafeRaw } from './sql.ts';
import type { Store } from './store.ts';

export const SCORE_BINS = 10;

export interface ScoreDistribution {
  name: string;
  version: string;
  /** Numeric values: histogram over [lo, hi] (null without numeric values). */
  lo: number | null;
  hi: number | null;
  bins: number[];
  labels: Array<{ label: string; n: number }>;
}

export async function scoreDistributions(
  store: Store, projectId: string, o: { from: Date; to: Date; version: 'response_model' | 'service_version' },
): Promise<ScoreDistribution[]> {
  const version = unsafeRaw(o.version === 'response_model' ? 'toString(model)' : 'toString(service_version)');
  const rows = sql`SELECT name, ${version} AS version, value, string_value FROM scores FINAL
    WHERE project_id = ${projectId} AND subject_start >= ${o.from} AND subject_start < ${o.to}`;
  // The value is aliased x: an alias named like the column would replace it in the WHERE.
  const [hist, labels] = await Promise.all([
    store.query<{ name: string; version: string; lo: number; hi: number; bin: number; n: string }>(sql`
      SELECT name, version, lo, hi, if(hi = lo, 0, least(${SCORE_BINS - 1}, toUInt32(floor((x - lo) / (hi - lo) * ${SCORE_BINS})))) AS bin, count() AS n
      FROM (SELECT name, version, assumeNotNull(value) AS x, min(assumeNotNull(value)) OVER (PARTITION BY name) AS lo, max(assumeNotNull(value)) OVER (PARTITION BY name) AS hi
            FROM (${rows}) WHERE isNotNull(value))
      GROUP BY name, version, lo, hi, bin ORDER BY name, version, bin LIMIT 20000`),
    store.query<{ name: string; version: string; label: string; n: string }>(sql`
      SELECT name, version, string_value AS label, count() AS n FROM (${rows}) WHERE string_value != ''
      GROUP BY name, version, label ORDER BY name, version, n DESC, label LIMIT 6 BY name, version`),
  ]);
  const out = new Map<string, ScoreDistribution>();
  const get = (name: string, version: string) => {
    const k = `${name}\u0000${version}`;
    let d = out.get(k);
    if (!d) out.set(k, (d = { name, version, lo: null, hi: null, bins: new Array<number>(SCORE_BINS).fill(0), labels: [] }));
    return d;
  };
  for (const r of hist) {
    const d = get(r.name, r.version);
    d.lo = Number(r.lo);
    d.hi = Number(r.hi);
    d.bins[Number(r.bin)] = Number(r.n);
  }
  for (const r of labels) get(r.name, r.version).labels.push({ label: r.label, n: Number(r.n) });
  return [...out.values()];
}
