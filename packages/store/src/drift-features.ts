/**
 * What a drift monitor can watch: a closed set of features, each a SQL value over one source
 * table, plus the slice filters. The SQL text here is chosen by code; the user's parts (an
 * attribute key, a score name, filter values) are always query parameters.
 */
import { join, sql, unsafeRaw, type SqlFragment } from './sql.ts';

export const NUMERIC_FEATURES = ['input_tokens', 'output_tokens', 'latency_ms', 'ttft_ms', 'cost_usd', 'attribute', 'score'] as const;
export const CATEGORICAL_FEATURES = ['model', 'request_model', 'finish_reason', 'tool_name', 'error_type', 'request_type', 'tenant', 'service_version', 'attribute', 'score'] as const;
export type NumericFeature = (typeof NUMERIC_FEATURES)[number];
export type CategoricalFeature = (typeof CATEGORICAL_FEATURES)[number];

/** Which spans a span feature is measured on. */
export const SPAN_SETS = ['llm', 'tool', 'root', 'all'] as const;
export type DriftSpanSet = (typeof SPAN_SETS)[number];

export const FILTER_KEYS = ['service', 'environment', 'model', 'request_model', 'service_version', 'request_type', 'tenant'] as const;
export type DriftFilterKey = (typeof FILTER_KEYS)[number];

export type DriftFeature =
  | { kind: 'numeric'; field: NumericFeature; key?: string }
  | { kind: 'categorical'; field: CategoricalFeature; key?: string };

/** A feature compiled to SQL over its table. `value` is Nullable for numeric features (null bin). */
export interface FeatureSql {
  from: SqlFragment;
  /** The same table without FINAL (late-row detection: any newer row is enough). */
  table: SqlFragment;
  /** When a row was inserted (engine clock): rows newer than an hour's count make it stale. */
  ingested: SqlFragment;
  time: SqlFragment;
  value: SqlFragment;
  where: SqlFragment;
}

const SPAN_NUMERIC: Record<Exclude<NumericFeature, 'attribute' | 'score'>, string> = {
  input_tokens: 'toNullable(toFloat64(input_tokens))',
  output_tokens: 'toNullable(toFloat64(output_tokens))',
  latency_ms: 'toNullable(duration_ns / 1e6)',
  ttft_ms: 'ttft_ms',
  cost_usd: "if(pricing_status = 'priced', toNullable(toFloat64(cost_usd)), NULL)",
};

const SPAN_CATEGORICAL: Record<Exclude<CategoricalFeature, 'attribute' | 'score'>, string> = {
  model: 'toString(response_model)',
  request_model: 'toString(request_model)',
  finish_reason: 'toString(finish_reason)',
  tool_name: 'toString(tool_name)',
  error_type: 'toString(error_type)',
  request_type: 'toString(request_type)',
  tenant: 'toString(tenant)',
  service_version: 'toString(service_version)',
};

const SPAN_SET_SQL: Record<DriftSpanSet, string> = {
  llm: "usage_counted AND category = 'llm'",
  tool: "category = 'tool'",
  root: 'is_root',
  all: '1',
};

const SPAN_FILTER_COLUMN: Record<DriftFilterKey, string> = {
  service: 'service', environment: 'environment', model: 'response_model', request_model: 'request_model',
  service_version: 'service_version', request_type: 'request_type', tenant: 'tenant',
};
/** Scores carry a copy of their subject's context; environment and request model are not on them. */
const SCORE_FILTER_COLUMN: Partial<Record<DriftFilterKey, string>> = {
  service: 'service', model: 'model', service_version: 'service_version', request_type: 'request_type', tenant: 'tenant',
};

export type DriftFilters = Partial<Record<DriftFilterKey, string[]>>;

function filterSql(filters: DriftFilters, columns: Partial<Record<DriftFilterKey, string>>): SqlFragment[] {
  const out: SqlFragment[] = [];
  for (const key of FILTER_KEYS) {
    const values = filters[key];
    if (!values || values.length === 0) continue;
    const column = columns[key];
    if (!column) throw new RangeError(`filter ${key} does not apply to score features`);
    out.push(sql`${unsafeRaw(column)} IN ${values}`);
  }
  return out;
}

/** The SQL of a feature for a project, its span set and slice filters. */
export function featureSql(projectId: string, feature: DriftFeature, spanSet: DriftSpanSet, filters: DriftFilters): FeatureSql {
  if (feature.field === 'score') {
    if (!feature.key) throw new RangeError('a score feature needs the score name (key)');
    const value = feature.kind === 'numeric' ? sql`value` : sql`string_value`;
    const where = [sql`project_id = ${projectId}`, sql`name = ${feature.key}`, ...filterSql(filters, SCORE_FILTER_COLUMN)];
    return { from: sql`scores FINAL`, table: sql`scores`, ingested: sql`_ingested_at`, time: sql`subject_start`, value, where: join(where, ' AND ') };
  }
  let value: SqlFragment;
  if (feature.field === 'attribute') {
    if (!feature.key) throw new RangeError('an attribute feature needs the attribute key');
    value = feature.kind === 'numeric' ? sql`toFloat64OrNull(attributes[${feature.key}])` : sql`attributes[${feature.key}]`;
  } else if (feature.kind === 'numeric') {
    value = sql`${unsafeRaw(SPAN_NUMERIC[feature.field as Exclude<NumericFeature, 'attribute' | 'score'>])}`;
  } else {
    value = sql`${unsafeRaw(SPAN_CATEGORICAL[feature.field as Exclude<CategoricalFeature, 'attribute' | 'score'>])}`;
  }
  const where = [sql`project_id = ${projectId}`, sql`${unsafeRaw(SPAN_SET_SQL[spanSet])}`, ...filterSql(filters, SPAN_FILTER_COLUMN)];
  return { from: sql`spans FINAL`, table: sql`spans`, ingested: sql`_ingested_at`, time: sql`start_time`, value, where: join(where.map((w) => sql`(${w})`), ' AND ') };
}

/** A time range predicate on the feature's time column; both windows in one scan. */
export function windowSql(f: FeatureSql, from: Date, to: Date): SqlFragment {
  return sql`(${f.time} >= ${from} AND ${f.time} < ${to})`;
}
