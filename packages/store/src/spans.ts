/** The span row, its serializer and public shape: declared once in schema/spans.ts. */
export {
  SPAN_FIELDS, SPAN_COLUMNS, SPAN_JSON_SCHEMA, SPAN_DETAIL_JSON_SCHEMA, nanosToDateTime64, rowVersion, serializeSpanRow,
  type SpanRow, type SpanEvent, type SpanLink, type StatusCode, type PricingStatus, type SpanKindName, type TraceSpanRecord,
  type SpanDetailRecord,
} from './schema/spans.ts';
export { RESOURCE_FIELDS, RESOURCE_COLUMNS, resourceColumns, resourceHash, serializeResourceRow, type ResourceColumns } from './schema/resources.ts';
export { PROMOTED_ATTRIBUTES, attributeEquals, promoteAttributes, promoteRow, restoreAttributes } from './schema/promoted.ts';

import type { Store } from './store.ts';
import { SPAN_COLUMNS } from './schema/spans.ts';
import { RESOURCE_COLUMNS } from './schema/resources.ts';

/**
 * Settings of the collector's span inserts, each measured as engine CPU per row in the ingest
 * bench (same serialized batches into `spans` with its materialized views, interleaved):
 * - optimize_on_insert = 0: the engine does not sort and collapse each inserted block by the
 *   table's merge rule; every read of `spans` is FINAL and the MV targets get blocks their
 *   GROUP BY already aggregated by their sorting key, so nothing a query sees changes (duplicates
 *   collapse at merge or FINAL, as they do across blocks anyway).
 * - input_format_parallel_parsing = 0: a 10k-row batch is parsed on one thread; splitting it
 *   for parallel parsing cost more CPU than it saved, and the JS thread needs the other core.
 * Together: 34.9 → 25.9 ms engine CPU per 1k rows on a loaded 2-core machine.
 */
export const SPAN_INSERT_SETTINGS: Readonly<Record<string, number>> = { optimize_on_insert: 0, input_format_parallel_parsing: 0 };

/**
 * Inserts one batch of serialized rows (JSONCompactEachRow lines): the resources first, so a
 * span is never readable before its resource, then the spans. Re-inserting after a failure is
 * harmless: both tables collapse re-written rows (ReplacingMergeTree on the same key).
 */
export async function insertSpanBatch(store: Store, spans: Buffer, resources: Buffer | null): Promise<void> {
  if (resources && resources.length > 0) await store.insertRaw('span_resources', RESOURCE_COLUMNS, resources);
  if (spans.length > 0) await store.insertRaw('spans', SPAN_COLUMNS, spans, 'JSONCompactEachRow', { settings: SPAN_INSERT_SETTINGS });
}
