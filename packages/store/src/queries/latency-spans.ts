import { join, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import { subjectPredicate, ROOT_PREDICATE } from '../semantic/catalog.ts';
import { filterConditions } from '../semantic/compile.ts';
import { requestPredicate } from '../semantic/views.ts';
import type { LatencyDimension } from './latency-percentiles.ts';

/**
 * The raw-span side of the latency page: which spans are "the requests" of a query and the WHERE
 * that selects them, with the same meaning as the semantic layer (catalog.ts subject rules,
 * compile.ts filterConditions, views.ts request predicate), so the heatmap, the traces of a
 * region and the saturation figures count the same spans as the percentile chart.
 */
export interface SubjectScope {
  projectId: string;
  from: Date;
  to: Date;
  /** The grouping dimension of the page: a subject dimension (model, agent…) changes the subject. */
  dimension?: LatencyDimension;
  /** Checked filters (checkLatencyFilters). */
  filters: Record<string, string[]>;
  /** false when no trace around the window lacks a root (hasRootlessTraces): no join. */
  rootless: boolean;
}

/** `WITH … AS is_request` when the subject needs it, and the WHERE conditions of the subject spans. */
export function subjectScope(s: SubjectScope): { withRequest: SqlFragment; where: SqlFragment } {
  const filterEntries = Object.entries(s.filters);
  const subject = subjectPredicate([...(s.dimension ? [s.dimension] : []), ...filterEntries.map(([d]) => d)]);
  const withRequest = subject.includes(ROOT_PREDICATE) ? sql`WITH ${requestPredicate(s.projectId, s.from, s.to, s.rootless)} AS is_request ` : sql``;
  const conds = [
    sql`project_id = ${s.projectId}`, sql`start_time >= ${s.from}`, sql`start_time < ${s.to}`,
    sql`(${unsafeRaw(subject)})`, ...filterConditions(filterEntries),
  ];
  return { withRequest, where: join(conds, ' AND ') };
}

/** Duration buckets of the heatmap: BUCKETS_PER_DECADE log-spaced buckets, from 0.1 ms. */
export const BUCKETS_PER_DECADE = 4;
/** Lower edge (ms) of duration bucket `b`. */
export const bucketLowerMs = (b: number): number => 10 ** (b / BUCKETS_PER_DECADE);
export const DURATION_BUCKET_SQL = `toInt32(floor(log10(greatest(duration_ns / 1e6, 0.1)) * ${BUCKETS_PER_DECADE}))`;

/** Whether a failed span was a timeout (error.type names one, or the status message does). */
export const TIMEOUT_SQL = "(status_code = 'error' AND (positionCaseInsensitive(error_type, 'timeout') > 0 OR positionCaseInsensitive(error_type, 'deadline') > 0 OR positionCaseInsensitive(status_message, 'timed out') > 0))";

/**
 * Whether a model call was throttled: error.type rate_limit / 429 / RateLimitError, an HTTP
 * status 429 attribute, or a status message naming 429 or a rate limit.
 */
export const THROTTLED_SQL = `(status_code = 'error' AND (lower(error_type) IN ('rate_limit', 'ratelimiterror', 'rate_limit_error', 'rate_limit_exceeded', 'too_many_requests', '429')
  OR attributes['http.response.status_code'] = '429' OR positionCaseInsensitive(status_message, '429') > 0 OR positionCaseInsensitive(status_message, 'rate limit') > 0))`;

/** A model call: usage-counted leaf of category llm (as the `llm_calls` measure). */
export const MODEL_CALL_SQL = "(usage_counted AND category = 'llm')";
