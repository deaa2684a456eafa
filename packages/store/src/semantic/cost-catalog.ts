import { catalogPriceIdSql } from '../prices-sql.ts';
import { sql, type SqlFragment } from '../sql.ts';
import type { MeasureDef } from './catalog.ts';

/**
 * Cost measures of issue 9 that need more than a span's own columns.
 *
 * - `gpu_hour_spans`: model calls of a self-hosted model priced per GPU-hour (a price override
 *   with unit 'gpu_hour'): stored with pricing_status 'gpu_hour' and no token cost. They are not
 *   unpriced (`unpriced_spans` leaves them out); their spend is the GPU split (`gpu_cost_usd`).
 * - `cache_savings_usd`: what prompt caching saved — for each model call priced per token, its
 *   cached tokens at the uncached input price minus what they were billed: cache reads save
 *   (input − cache read rate), cache writes usually cost extra (cache write − input rate), so
 *   the net can be negative. Priced at each span's OWN price id (the request-model suffix
 *   stripped) from the `prices` table, at the tier its input tokens select, in Decimal: exact,
 *   and equal to (cost with no cached tokens) − cost as the catalog computes it in Node. The
 *   hourly rollup keeps no per-span price, so it reads raw spans (`rawOnly`), joined to the
 *   prices table (`PRICES_JOIN`, added by the compiler when a measure declares `joinPrices`).
 */

/** Columns the prices join adds (prefixed: no span column has these names). */
const rate = (column: string) => `tupleElement(arrayLast(t -> toInt64(input_tokens) > tupleElement(t, 1), ${column}), 2)`;
const READ_SAVED = `toInt64(cache_read_tokens) * (${rate('__p_input')} - ${rate('__p_cache_read')})`;
const WRITE_EXTRA = `toInt64(cache_write_tokens) * (${rate('__p_cache_write')} - ${rate('__p_input')})`;
const PRICED = "usage_counted AND pricing_status = 'priced' AND __p_price_id != ''";
const priced = (name: string, label: string, expr: string, description: string): MeasureDef => ({
  name, label, unit: 'usd', spanSet: 'usage', additive: true, rawOnly: true, joinPrices: true, description,
  rowFilter: "usage_counted AND pricing_status = 'priced' AND cache_read_tokens + cache_write_tokens > 0",
  expr: `sumIf(${expr}, ${PRICED})`, rollup: `throwIf(1, '${name} is read from raw spans')`,
});

export const COST_MEASURES: readonly MeasureDef[] = [
  { name: 'gpu_hour_spans', label: 'GPU-hour priced calls', unit: 'count', spanSet: 'usage', additive: true,
    expr: "countIf(usage_counted AND pricing_status = 'gpu_hour')", rollup: "sumIf(spans, usage_counted AND pricing_status = 'gpu_hour')",
    description: 'Model calls of self-hosted models priced per GPU-hour (no token cost; their spend is gpu_cost_usd). Not unpriced.' },
  priced('cache_savings_usd', 'Cache savings', `${READ_SAVED} - ${WRITE_EXTRA}`,
    "What prompt caching saved, USD: cached tokens at the uncached input price minus what they were billed (cache writes cost extra, so it can be negative), at each span's own price = cache_read_savings_usd - cache_write_extra_usd."),
  priced('cache_read_savings_usd', 'Cache reads saved', READ_SAVED, "Cache-read tokens × (input price − cache-read price), USD, at each span's own price."),
  priced('cache_write_extra_usd', 'Cache writes cost extra', WRITE_EXTRA, "Cache-write tokens × (cache-write price − input price), USD, at each span's own price."),
];

/**
 * The join a `joinPrices` measure needs on the spans view: each span's catalog price row (the
 * project's overrides and the bundled prices; price ids are unique across both), at most one
 * per span (ANY), so no span is counted twice; spans without a price row get empty rates and
 * `__p_price_id` ''.
 */
export function pricesJoin(projectId: string): SqlFragment {
  return sql`ANY LEFT JOIN (
      SELECT price_id AS __p_price_id, input AS __p_input, cache_read AS __p_cache_read, cache_write AS __p_cache_write
      FROM prices FINAL WHERE project_id IN ('', ${projectId}) AND NOT deleted) AS __prices
    ON __prices.__p_price_id = ${catalogPriceIdSql(sql`price_id`)}`;
}
