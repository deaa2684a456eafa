import { REQUEST_MODEL_SUFFIX, type PriceRow } from '@plumb/pricing';
import { ident, param, sql, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

/**
 * The price catalog inside the engine (table `prices`, migration 0012), kept in step with
 * @plumb/pricing: bundled rows (project_id '') once per bundled-data version, a project's
 * override rows whenever its overrides change. Queries price from it in SQL (cache savings,
 * routing what-if, repricing, span cost per bucket), exactly as the catalog prices in Node:
 * the same leaf buckets, the same tier rule, Decimal arithmetic (USD per token with 12
 * decimals = picodollars per token), so a SQL price equals the ingest price to the picodollar.
 */

const COLUMNS = [
  'project_id', 'price_id', 'source', 'source_date', 'provider', 'model', 'unit', 'effective_from', 'effective_to',
  'input', 'cache_read', 'cache_write', 'output', 'reasoning', 'gpu_hour_usd', 'deleted', '_version',
] as const;


/** Epoch ms → seconds text the engine reads as DateTime64(3): 10 integer digits, since a
 *  shorter number is read as a broken-down date (schema/spans.ts nanosToDateTime64). */
function ms(t: number): string {
  return (t / 1000).toFixed(3).padStart(14, '0');
}

function serialize(projectId: string, rows: readonly PriceRow[], version: number, deleted = false): string {
  return rows
    .map((r) =>
      JSON.stringify([
        projectId, r.priceId, r.source, r.sourceDate, r.provider, r.model, r.unit, ms(r.effectiveFrom),
        r.effectiveTo === null ? null : ms(r.effectiveTo),
        r.rates.input, r.rates.cacheRead, r.rates.cacheWrite, r.rates.output, r.rates.reasoning, r.gpuHourUsd, deleted, version,
      ]),
    )
    .join('\n');
}

/** Writes the bundled rows unless this version's rows are all there already. Returns rows written. */
export async function syncBundledPrices(store: Store, rows: readonly PriceRow[], version: string): Promise<number> {
  const [have] = await store.query<{ n: string }>(
    sql`SELECT toString(count()) AS n FROM prices FINAL WHERE project_id = '' AND source_date = ${version} AND NOT deleted`,
  );
  if (Number(have?.n ?? 0) === rows.length) return 0;
  await store.insertRaw('prices', COLUMNS, serialize('', rows, Date.now()));
  return rows.length;
}

/** Makes the project's override rows equal `rows`: writes each, ends (deleted) the ones gone. */
export async function syncOverridePrices(store: Store, projectId: string, rows: readonly PriceRow[]): Promise<void> {
  const version = Date.now();
  const stored = await store.query<{ price_id: string }>(
    sql`SELECT price_id FROM prices FINAL WHERE project_id = ${projectId} AND NOT deleted`,
  );
  const keep = new Set(rows.map((r) => r.priceId));
  const gone = stored.filter((s) => !keep.has(s.price_id)).map((s) => s.price_id);
  const body = [
    serialize(projectId, rows, version),
    ...gone.map((priceId) =>
      serialize(projectId, [{ priceId, source: 'override', sourceDate: '', provider: '', model: '', unit: 'token', effectiveFrom: 0, effectiveTo: null, condition: '',
        rates: { input: [], cacheRead: [], cacheWrite: [], output: [], reasoning: [] }, gpuHourUsd: '0' }], version, true),
    ),
  ].filter((s) => s !== '').join('\n');
  if (body !== '') await store.insertRaw('prices', COLUMNS, body);
}

/** A span price id (with a possible request-model suffix) → the catalog price id, in SQL. */
export function catalogPriceIdSql(spanPriceId: SqlFragment): SqlFragment {
  return sql`if(endsWith(${spanPriceId}, ${REQUEST_MODEL_SUFFIX}), substring(${spanPriceId}, 1, length(${spanPriceId}) - ${REQUEST_MODEL_SUFFIX.length}), ${spanPriceId})`;
}

/** The current price rows a project can use (bundled + its own), as a subquery. */
export function pricesFor(projectId: string): SqlFragment {
  return sql`(SELECT * FROM prices FINAL WHERE project_id IN ('', ${projectId}) AND NOT deleted)`;
}

type Bucket = 'input' | 'cacheRead' | 'cacheWrite' | 'output' | 'reasoning';
const BUCKET_COLUMNS: Record<Bucket, string> = { input: 'input', cacheRead: 'cache_read', cacheWrite: 'cache_write', output: 'output', reasoning: 'reasoning' };

/** The rate arrays of a price row alias `p` (a join). */
export function ratesOf(p: string): Record<Bucket, SqlFragment> {
  const out = {} as Record<Bucket, SqlFragment>;
  for (const [b, c] of Object.entries(BUCKET_COLUMNS)) out[b as Bucket] = col(p, c);
  return out;
}

/** The rate arrays of one price id, read from the table by scalar subqueries (evaluated once
 *  per statement): for a rewrite, whose expressions see only the span row. */
export function ratesOfPrice(projectId: string, catalogPriceId: string): Record<Bucket, SqlFragment> {
  const out = {} as Record<Bucket, SqlFragment>;
  for (const [b, c] of Object.entries(BUCKET_COLUMNS)) {
    out[b as Bucket] = sql`(SELECT ${ident(c)} FROM prices FINAL WHERE project_id IN ('', ${projectId}) AND price_id = ${catalogPriceId} AND NOT deleted ORDER BY project_id DESC LIMIT 1)`;
  }
  return out;
}

/**
 * Cost per leaf bucket of a span row (columns input_tokens … reasoning_tokens of alias `s`,
 * '' = unqualified) at `rates`: uncached input = input − cache read − cache write (≥ 0),
 * output without reasoning (≥ 0), each at the last tier whose start is below the span's input
 * tokens (the base entry has start -1). Decimal(38, 12) USD, exact.
 */
export function bucketCostsSql(s: string, rates: Record<Bucket, SqlFragment>): Record<Bucket, SqlFragment> {
  const tok = (name: string) => sql`toInt64(${col(s, name)})`;
  const rate = (b: Bucket) => sql`tupleElement(arrayLast(t -> ${tok('input_tokens')} > tupleElement(t, 1), ${rates[b]}), 2)`;
  return {
    input: sql`greatest(${tok('input_tokens')} - ${tok('cache_read_tokens')} - ${tok('cache_write_tokens')}, 0) * ${rate('input')}`,
    cacheRead: sql`${tok('cache_read_tokens')} * ${rate('cacheRead')}`,
    cacheWrite: sql`${tok('cache_write_tokens')} * ${rate('cacheWrite')}`,
    output: sql`greatest(${tok('output_tokens')} - ${tok('reasoning_tokens')}, 0) * ${rate('output')}`,
    reasoning: sql`${tok('reasoning_tokens')} * ${rate('reasoning')}`,
  };
}

/** Total cost of a span row at `rates` (sum of the five buckets), Decimal(38, 12). */
export function spanCostSql(s: string, rates: Record<Bucket, SqlFragment>): SqlFragment {
  const b = bucketCostsSql(s, rates);
  return sql`(${b.input} + ${b.cacheRead} + ${b.cacheWrite} + ${b.output} + ${b.reasoning})`;
}

function col(alias: string, name: string): SqlFragment {
  return alias === '' ? sql`${ident(name)}` : sql`${ident(`${alias}.${name}`)}`;
}

/** Which of these catalog price ids have a row the project can use. */
export async function knownPriceIds(store: Store, projectId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await store.query<{ price_id: string }>(
    sql`SELECT DISTINCT price_id FROM ${pricesFor(projectId)} WHERE has(${param(ids, 'Array(String)')}, price_id)`,
  );
  return new Set(rows.map((r) => r.price_id));
}

export interface SpanCostBuckets {
  priceId: string;
  matchedBy: 'response' | 'request' | 'none';
  /** USD decimal text per bucket at the span's price (null when the span is unpriced or its
   *  price is no longer in the catalog), and whether they sum to the stored cost. */
  buckets: Record<Bucket, string> | null;
  storedUsd: string;
  consistent: boolean;
}

/** A span's cost per leaf bucket, priced in SQL from the prices table at its price id. */
export async function spanCostBuckets(store: Store, projectId: string, traceId: string, spanId: string): Promise<SpanCostBuckets | null> {
  const b = bucketCostsSql('s', ratesOf('p'));
  const rows = await store.query<Record<string, string | null>>(sql`
    SELECT s.price_id AS price_id, toString(s.cost_usd) AS stored,
      toString(${b.input}) AS input, toString(${b.cacheRead}) AS cache_read, toString(${b.cacheWrite}) AS cache_write,
      toString(${b.output}) AS output, toString(${b.reasoning}) AS reasoning, p.price_id != '' AS found
    FROM (SELECT * FROM spans FINAL WHERE project_id = ${projectId} AND trace_id = ${traceId} AND span_id = ${spanId}) AS s
    LEFT JOIN ${pricesFor(projectId)} AS p ON p.price_id = ${catalogPriceIdSql(sql`s.price_id`)}
    ORDER BY p.project_id DESC LIMIT 1
    SETTINGS join_use_nulls = 0`);
  const r = rows[0];
  if (!r) return null;
  const priceId = String(r.price_id ?? '');
  const matchedBy = priceId === '' ? 'none' : priceId.endsWith(REQUEST_MODEL_SUFFIX) ? 'request' : 'response';
  const found = String(r.found) === 'true' || String(r.found) === '1';
  const buckets = priceId !== '' && found
    ? { input: String(r.input), cacheRead: String(r.cache_read), cacheWrite: String(r.cache_write), output: String(r.output), reasoning: String(r.reasoning) }
    : null;
  const sum = buckets ? Object.values(buckets).reduce((a, v) => a + toPico(v), 0n) : 0n;
  return { priceId, matchedBy, buckets, storedUsd: String(r.stored), consistent: buckets !== null && sum === toPico(String(r.stored)) };
}

/** Decimal USD text → picodollars (exact; the engine prints at most 12 decimals). */
export function toPico(usd: string): bigint {
  const neg = usd.startsWith('-');
  const [i = '0', f = ''] = (neg ? usd.slice(1) : usd).split('.');
  const v = BigInt(i || '0') * 10n ** 12n + BigInt((f + '0'.repeat(12)).slice(0, 12));
  return neg ? -v : v;
}

export interface PriceListRow {
  projectId: string;
  priceId: string;
  source: string;
  sourceDate: string;
  provider: string;
  model: string;
  unit: string;
  effectiveFrom: number;
  effectiveTo: number | null;
  /** USD per 1M tokens at the base tier, per bucket; `tiered` when higher tiers exist. */
  inputPerMTok: string;
  outputPerMTok: string;
  cacheReadPerMTok: string;
  cacheWritePerMTok: string;
  reasoningPerMTok: string;
  tiered: boolean;
  gpuHourUsd: string;
}

/** The prices a project sees (its overrides first, then bundled), as SQL holds them. */
export async function listPriceRows(store: Store, projectId: string, q: string, limit: number): Promise<{ rows: PriceListRow[]; total: number }> {
  const like = `%${q.toLowerCase()}%`;
  const perM = (c: string) => sql`toString(tupleElement(${ident(c)}[1], 2) * 1000000)`;
  const where = sql`(${q} = '' OR positionCaseInsensitive(concat(provider, ' ', model, ' ', price_id), ${q}) > 0 OR lower(model) LIKE ${like})`;
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT project_id, price_id, source, source_date, provider, model, unit,
      toUnixTimestamp64Milli(effective_from) AS effective_from, toUnixTimestamp64Milli(effective_to) AS effective_to,
      -- Aliases must not shadow the rate columns (length(input) would read the alias).
      (length(input) > 1 OR length(output) > 1) AS tiered,
      ${perM('input')} AS input_m, ${perM('output')} AS output_m, ${perM('cache_read')} AS cache_read_m, ${perM('cache_write')} AS cache_write_m,
      ${perM('reasoning')} AS reasoning_m, toString(gpu_hour_usd) AS gpu_hour_usd
    FROM ${pricesFor(projectId)} WHERE ${where}
    ORDER BY project_id = '' ASC, provider, model, price_id LIMIT ${limit}`);
  const [count] = await store.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM ${pricesFor(projectId)} WHERE ${where}`);
  return {
    total: Number(count?.n ?? 0),
    rows: rows.map((r) => ({
      projectId: String(r.project_id), priceId: String(r.price_id), source: String(r.source), sourceDate: String(r.source_date),
      provider: String(r.provider), model: String(r.model), unit: String(r.unit), effectiveFrom: Number(r.effective_from),
      effectiveTo: r.effective_to === null || r.effective_to === undefined ? null : Number(r.effective_to),
      inputPerMTok: trimZeros(String(r.input_m)), outputPerMTok: trimZeros(String(r.output_m)), cacheReadPerMTok: trimZeros(String(r.cache_read_m)),
      cacheWritePerMTok: trimZeros(String(r.cache_write_m)), reasoningPerMTok: trimZeros(String(r.reasoning_m)),
      tiered: String(r.tiered) === 'true' || String(r.tiered) === '1', gpuHourUsd: trimZeros(String(r.gpu_hour_usd)),
    })),
  };
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export interface WhatIfRow {
  tenant: string;
  requestType: string;
  /** Model calls the mapping moved. */
  calls: number;
  actualUsd: string;
  whatIfUsd: string;
}

/**
 * Routing what-if: what [from, to) would have cost had the model calls of `fromModel` (request
 * or response model; only in requests of `requestType` when given) been served at `toPriceId`
 * (a catalog price id), from the stored token buckets, priced in SQL — by tenant and request
 * type. Output lengths are assumed unchanged (the tokens are the stored ones).
 */
export async function routingWhatIf(
  store: Store,
  projectId: string,
  o: { from: Date; to: Date; fromModel: string; requestType?: string; toPriceId: string },
): Promise<WhatIfRow[]> {
  const match = sql`(request_model = ${o.fromModel} OR response_model = ${o.fromModel}) AND (${o.requestType ?? ''} = '' OR request_type = ${o.requestType ?? ''})`;
  const whatIf = spanCostSql('', ratesOfPrice(projectId, o.toPriceId));
  const rows = await store.query<{ tenant: string; request_type: string; calls: string; actual: string; what_if: string }>(sql`
    SELECT tenant, request_type, toString(countIf(${match})) AS calls, toString(sum(cost_usd)) AS actual,
           toString(sum(if(${match}, toDecimal128(${whatIf}, 12), toDecimal128(cost_usd, 12)))) AS what_if
    FROM spans FINAL
    WHERE project_id = ${projectId} AND start_time >= ${o.from} AND start_time < ${o.to} AND usage_counted AND input_tokens + output_tokens > 0
    GROUP BY tenant, request_type
    HAVING countIf(${match}) > 0
    ORDER BY tenant, request_type`);
  return rows.map((r) => ({ tenant: r.tenant, requestType: r.request_type, calls: Number(r.calls), actualUsd: r.actual, whatIfUsd: r.what_if }));
}
