export { getTrace, getSpanDetail, traceExists, type TraceDetail, type SpanDetail, type SpanEventRecord } from './trace.ts';
export { listTraces, TRACE_SORTS, MAX_TRACE_PAGE, type ListTracesQuery, type TraceListPage, type TraceSort } from './traces.ts';
export { traceSummaries, type TraceListItem, type TraceTextItem } from './summaries.ts';
export { listConversation, MAX_CONVERSATION_TRACES, type Conversation } from './conversation.ts';
export { overview, overviewKpis, overviewSeries, overviewTop, autoInterval, OVERVIEW_KPIS, OVERVIEW_SERIES, OVERVIEW_TOP_N, type Overview, type OverviewKpis, type OverviewTopRow } from './overview.ts';
export { filterOptions, type FilterOptions } from './filter-options.ts';
export { isoToEpochMs, type TraceSpanRecord, type SpanKindName } from './rows.ts';
export { decimalToPico, picoToDecimal } from './money.ts';
export { encodeCursor, decodeCursor, type TraceCursor } from './cursor.ts';
