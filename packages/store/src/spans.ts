/** The span row, its serializer and public shape: declared once in schema/spans.ts. */
export {
  SPAN_FIELDS, SPAN_COLUMNS, SPAN_JSON_SCHEMA, SPAN_DETAIL_JSON_SCHEMA, nanosToDateTime64, rowVersion, serializeSpanRow,
  type SpanRow, type SpanEvent, type SpanLink, type StatusCode, type PricingStatus, type SpanKindName, type TraceSpanRecord,
  type SpanDetailRecord,
} from './schema/spans.ts';
