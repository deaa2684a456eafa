export { MEASURES, DIMENSIONS, SUBJECT_RULES, ROOT_PREDICATE, subjectPredicate, type MeasureDef, type DimensionDef, type DimensionKind, type Unit, type SpanSet } from './catalog.ts';
export { QueryError, parseTime, parseRange, isoFromMicros, type TimeInput } from './errors.ts';
export { queryMetrics, planMetricsQuery, compileMetricsQuery, MAX_BUCKETS, type MetricsQuery, type MetricsResult, type MetricRow, type MeasureInfo } from './query.ts';
export { fillGaps } from './fill.ts';
export { metricsCatalog, type MetricsCatalog } from './describe.ts';
export { topByDimensions, type TopByDimensionsQuery } from './sets.ts';
