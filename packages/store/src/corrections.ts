import { param, sql } from './sql.ts';
import { nanosToDateTime64, rowVersion } from './spans.ts';
import type { Store } from './store.ts';

export interface ContextPatch {
  tenant: string;
  requestType: string;
  sessionId: string;
  userId: string;
}

/**
 * Rewrites the rows of one trace that were stored before its context (tenant, request type)
 * was known: a copy with the context filled in and a higher `_version` replaces each of them
 * (ReplacingMergeTree; queries read FINAL). Runs inside ClickHouse: no rows travel to us.
 */
export async function correctTraceContext(
  store: Store,
  projectId: string,
  traceId: string,
  ctx: ContextPatch,
  fromNs: bigint,
  toNs: bigint,
): Promise<void> {
  const version = rowVersion(true, Date.now());
  await store.command(sql`
    INSERT INTO spans
    SELECT * REPLACE (
      if(tenant = '', ${ctx.tenant}, tenant) AS tenant,
      if(request_type = '', ${ctx.requestType}, request_type) AS request_type,
      if(session_id = '', ${ctx.sessionId}, session_id) AS session_id,
      if(user_id = '', ${ctx.userId}, user_id) AS user_id,
      true AS context_resolved,
      ${param(version, 'UInt64')} AS _version
    )
    FROM (
      -- A subquery, because REPLACE's aliases would shadow these columns in a WHERE beside them.
      SELECT * FROM spans FINAL
      WHERE project_id = ${projectId} AND trace_id = ${traceId}
        AND start_time >= ${param(nanosToDateTime64(fromNs), 'DateTime64(9)')}
        AND start_time <= ${param(nanosToDateTime64(toNs), 'DateTime64(9)')}
        AND NOT context_resolved
    )`);
}
