import { sealBundle, type EntryKind, type TraceBundle } from './bundle-format.ts';
import { liveSigningKey } from './signing-keys.ts';
import { sql } from './sql.ts';
import type { Store } from './store.ts';

export const MAX_BUNDLE_TRACES = 1_000;

/**
 * Exports chosen traces of a project as a signed, hash-chained bundle (bundle-format.ts): every
 * stored span (all columns, deduplicated with FINAL, in trace / start / span order), the price
 * rows those spans were priced with (the project's prices table, by price id; callers sync it
 * first — the REST route does), and the trace
 * context the late-context corrections applied to them (tenant, request type, session, user,
 * route). A trace id with no span in the project contributes nothing (ids of other projects
 * included): the bundle never reads outside `projectId`.
 */
export async function exportTraceBundle(store: Store, projectId: string, traceIds: string[]): Promise<TraceBundle> {
  const ids = [...new Set(traceIds)].sort();
  const spans = await store.query<Record<string, unknown> & { price_id: string }>(
    sql`SELECT * FROM spans FINAL WHERE project_id = ${projectId} AND has(${ids}, trace_id) ORDER BY trace_id, start_time, span_id`,
    { kind: 'dashboard', caller: 'bundle.spans' },
  );
  const priceIds = [...new Set(spans.map((s) => s.price_id).filter(Boolean))].sort();
  const found = priceIds.length
    ? await store.query<Record<string, unknown> & { price_id: string }>(sql`SELECT * EXCEPT (_version) FROM prices FINAL WHERE project_id = ${projectId} AND has(${priceIds}, price_id) ORDER BY price_id, effective_from`, {
        kind: 'dashboard',
        caller: 'bundle.prices',
      })
    : [];
  // A price id with no row (the prices table not yet in step with the catalog): named anyway,
  // so the bundle says which prices the costs came from.
  const prices: unknown[] = [...found];
  for (const id of priceIds) if (!found.some((p) => p.price_id === id)) prices.push({ price_id: id, missing: 'no row in the prices table at export' });
  const corrections = await store.query(
    sql`SELECT trace_id, max(tenant).3 AS tenant, max(request_type).3 AS request_type, max(session_id).3 AS session_id, max(user_id).3 AS user_id,
               max(route).3 AS route, max(resolved) AS resolved, toString(max(updated_at)) AS updated_at
        FROM trace_context WHERE project_id = ${projectId} AND has(${ids}, trace_id) GROUP BY trace_id ORDER BY trace_id`,
    { kind: 'dashboard', caller: 'bundle.corrections' },
  );
  const items: { kind: EntryKind; data: unknown }[] = [
    ...spans.map((data) => ({ kind: 'span' as const, data })),
    ...prices.map((data) => ({ kind: 'price' as const, data })),
    ...corrections.map((data) => ({ kind: 'correction' as const, data })),
  ];
  const key = await liveSigningKey(store, projectId);
  return sealBundle({ projectId, createdAt: new Date().toISOString(), traceIds: ids, keyId: key.id }, items, key);
}
