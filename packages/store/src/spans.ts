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
 * Inserts one batch of serialized rows (JSONCompactEachRow lines): the resources first, so a
 * span is never readable before its resource, then the spans. Re-inserting after a failure is
 * harmless: both tables collapse re-written rows (ReplacingMergeTree on the same key).
 */
export async function insertSpanBatch(store: Store, spans: Buffer, resources: Buffer | null): Promise<void> {
  if (resources && resources.length > 0) await store.insertRaw('span_resources', RESOURCE_COLUMNS, resources);
  if (spans.length > 0) await store.insertRaw('spans', SPAN_COLUMNS, spans);
}
