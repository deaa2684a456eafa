import { join, sql, unsafeRaw, type SqlFragment } from '../sql.ts';

/**
 * Counter and histogram increases of metric points, for the rate and quantile measures of the
 * GPU view (gpu-catalog.ts). Per series (`series_id`: name, type, resource, attributes), in time
 * order, each point gets the increase since the previous point of its series:
 *
 * - delta temporality: the point itself is the increase (value, bucket counts);
 * - cumulative: value − previous value; a RESET (the start time changed, the value or any bucket
 *   count went down, the bucket layout changed) makes the point's whole value the increase — the
 *   counter restarted from 0 at its start time (Prometheus' rule). A sum whose OTLP `monotonic`
 *   flag is false (an UpDownCounter) may go down: only a new start time is a reset there, a
 *   decrease is a negative increase;
 * - the first point of a series: the increase is its whole value when the series started inside
 *   the range (its start time ≥ `from`), else unknown and taken as 0.
 *
 * Points up to LOOKBACK before `from` are read as baselines only: the increase up to the first
 * point in the range is counted, the baselines themselves are not (the caller keeps time ≥ from).
 * An increase is attributed to the bucket of the point that ends it.
 */
export const LOOKBACK_MS = 5 * 60_000;

/** Columns the GPU compiler reads from the source (dimension expressions are plain columns). */
const COLUMNS = 'time, canonical, canonical_value, host, service, gpu_uuid, gpu_index, gpu_model, model_name, k8s_namespace, k8s_pod, bounds';

export function increaseSource(where: SqlFragment[], from: Date): SqlFragment {
  const first = sql`start_time >= ${from}`;
  // arrayResize keeps every branch well-formed when a series changed its bucket layout (a reset).
  const prevCounts = 'arrayResize(__pc, length(bucket_counts))';
  return sql`SELECT ${unsafeRaw(COLUMNS)},
      multiIf(temporality = 'delta', canonical_value,
        __rn = 1, if(${first}, canonical_value, 0),
        start_time != __ps OR (canonical_value < __pv AND (type != 'sum' OR monotonic)), canonical_value,
        canonical_value - __pv) AS __inc,
      multiIf(temporality = 'delta', bucket_counts,
        __rn = 1, if(${first}, bucket_counts, arrayMap(x -> toUInt64(0), bucket_counts)),
        start_time != __ps OR length(__pc) != length(bucket_counts) OR arrayExists((a, b) -> a < b, bucket_counts, ${unsafeRaw(prevCounts)}), bucket_counts,
        arrayMap((a, b) -> toUInt64(a - b), bucket_counts, ${unsafeRaw(prevCounts)})) AS __inc_counts
    FROM (
      SELECT ${unsafeRaw(COLUMNS)}, type, monotonic, temporality, start_time, bucket_counts,
        row_number() OVER w AS __rn,
        lagInFrame(canonical_value, 1) OVER w AS __pv,
        lagInFrame(start_time, 1) OVER w AS __ps,
        lagInFrame(bucket_counts, 1) OVER w AS __pc
      FROM metric_points FINAL
      WHERE ${join(where, ' AND ')}
      WINDOW w AS (PARTITION BY series_id ORDER BY time, start_time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    )`;
}

/**
 * Prometheus' histogram_quantile over merged bucket counts `c` (Array) with upper bounds `b`
 * (the last count is the +Inf bucket): the rank q × total falls in the first bucket whose
 * cumulative count reaches it; linear between that bucket's bounds (the first bucket starts at 0
 * when its bound is positive); in the +Inf bucket, the highest finite bound. NULL without counts.
 * `c`, `b` are aliases of this query; `q`, `scale` constants of the catalog.
 */
export function histogramQuantile(c: string, b: string, q: number, scale: number): string {
  const total = `arraySum(${c})`;
  const rank = `(${q} * ${total})`;
  const i = `arrayFirstIndex(x -> x >= ${rank}, arrayCumSum(${c}))`;
  const lower = `if(${i} = 1, if(${b}[1] > 0, 0, ${b}[1]), ${b}[${i} - 1])`;
  const below = `if(${i} = 1, 0, arrayCumSum(${c})[${i} - 1])`;
  return `${scale} * multiIf(${total} = 0 OR length(${b}) = 0, NULL,
    ${i} > length(${b}), ${b}[length(${b})],
    ${lower} + (${b}[${i}] - ${lower}) * (${rank} - ${below}) / ${c}[${i}])`;
}
