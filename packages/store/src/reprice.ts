import { randomUUID } from 'node:crypto';
import { catalogPriceIdSql, ratesOfPrice, spanCostSql } from './prices-sql.ts';
import { rewriteSpans } from './rewrite.ts';
import { param, sql, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Repricing (issue 9): recompute the cost of stored spans in a range after a price change.
 * A run is requested (a `reprice_runs` row, state queued), then carried out by the worker's
 * `reprice` job under its lease: per day of the range, per distinct (provider, response model,
 * request model), per price segment the catalog gives (one price id within a segment), the
 * rows whose price or cost differ are rewritten through rewrite.ts (which marks rollup hours
 * dirty) with the cost computed in SQL from the `prices` table. Idempotent: a second run finds
 * nothing to change. Each span keeps the id of the price used (`price_id`).
 */

export type RepriceState = 'queued' | 'running' | 'done' | 'failed';

export interface RepriceRun {
  projectId: string;
  id: string;
  requestedBy: string;
  requestedAt: number;
  fromMs: number;
  toMs: number;
  state: RepriceState;
  hoursTotal: number;
  hoursDone: number;
  rowsRewritten: number;
  oldTotalUsd: string;
  newTotalUsd: string;
  oldUnpriced: number;
  newUnpriced: number;
  error: string;
  finishedAt: number | null;
}

const HOUR = 3_600_000;

export async function requestReprice(store: Store, projectId: string, requestedBy: string, fromMs: number, toMs: number): Promise<RepriceRun> {
  if (!(toMs > fromMs)) throw new Error('to: must be after from');
  const run: RepriceRun = {
    projectId, id: randomUUID(), requestedBy, requestedAt: Date.now(), fromMs, toMs, state: 'queued',
    hoursTotal: Math.ceil((toMs - fromMs) / HOUR), hoursDone: 0, rowsRewritten: 0,
    oldTotalUsd: '0', newTotalUsd: '0', oldUnpriced: 0, newUnpriced: 0, error: '', finishedAt: null,
  };
  await saveRepriceRun(store, run);
  return run;
}

export async function saveRepriceRun(store: Store, r: RepriceRun): Promise<void> {
  await store.command(sql`
    INSERT INTO reprice_runs (project_id, id, requested_by, requested_at, range_from, range_to, state, hours_total, hours_done,
      rows_rewritten, old_total_usd, new_total_usd, old_unpriced, new_unpriced, error, finished_at, _version)
    VALUES (${r.projectId}, ${r.id}, ${r.requestedBy}, ${new Date(r.requestedAt)}, ${new Date(r.fromMs)}, ${new Date(r.toMs)}, ${r.state},
      ${r.hoursTotal}, ${r.hoursDone}, ${r.rowsRewritten}, ${param(r.oldTotalUsd, 'Decimal(38, 12)')}, ${param(r.newTotalUsd, 'Decimal(38, 12)')},
      ${r.oldUnpriced}, ${r.newUnpriced}, ${r.error},
      ${param(r.finishedAt === null ? null : (r.finishedAt / 1000).toFixed(3), 'Nullable(DateTime64(3))')}, ${param(Date.now() * 1000 + stateRank(r.state), 'UInt64')})`);
}

/** Within one millisecond a later state still wins. */
function stateRank(s: RepriceState): number {
  return { queued: 0, running: 1, done: 2, failed: 3 }[s];
}

const RUN_COLUMNS = sql`project_id, id, requested_by, toUnixTimestamp64Milli(requested_at) AS requested_at,
  toUnixTimestamp64Milli(range_from) AS range_from, toUnixTimestamp64Milli(range_to) AS range_to, state, hours_total, hours_done,
  toString(rows_rewritten) AS rows_rewritten, toString(old_total_usd) AS old_total_usd, toString(new_total_usd) AS new_total_usd,
  toString(old_unpriced) AS old_unpriced, toString(new_unpriced) AS new_unpriced, error, toUnixTimestamp64Milli(finished_at) AS finished_at`;

function toRun(r: Record<string, unknown>): RepriceRun {
  return {
    projectId: String(r.project_id), id: String(r.id), requestedBy: String(r.requested_by), requestedAt: Number(r.requested_at),
    fromMs: Number(r.range_from), toMs: Number(r.range_to), state: String(r.state) as RepriceState,
    hoursTotal: Number(r.hours_total), hoursDone: Number(r.hours_done), rowsRewritten: Number(r.rows_rewritten),
    oldTotalUsd: String(r.old_total_usd), newTotalUsd: String(r.new_total_usd),
    oldUnpriced: Number(r.old_unpriced), newUnpriced: Number(r.new_unpriced), error: String(r.error),
    finishedAt: r.finished_at === null || r.finished_at === undefined ? null : Number(r.finished_at),
  };
}

/** The project's runs, newest first (the reprice log). */
export async function listRepriceRuns(store: Store, projectId: string, limit = 50): Promise<RepriceRun[]> {
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT ${RUN_COLUMNS} FROM reprice_runs FINAL WHERE project_id = ${projectId} ORDER BY requested_at DESC LIMIT ${limit}`);
  return rows.map(toRun);
}

/** Runs not finished (queued, or running when a worker stopped mid-run: resumed, idempotent). */
export async function pendingRepriceRuns(store: Store): Promise<RepriceRun[]> {
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT ${RUN_COLUMNS} FROM reprice_runs FINAL WHERE state IN ('queued', 'running') ORDER BY requested_at`);
  return rows.map(toRun);
}

export interface ModelCombo {
  provider: string;
  responseModel: string;
  requestModel: string;
}

function inRange(projectId: string, fromMs: number, toMs: number): SqlFragment {
  return sql`project_id = ${projectId} AND start_time >= ${new Date(fromMs)} AND start_time < ${new Date(toMs)}
    AND usage_counted AND input_tokens + output_tokens > 0`;
}

/** Distinct billing model combinations of the priced-or-unpriced model calls in [fromMs, toMs). */
export async function modelCombos(store: Store, projectId: string, fromMs: number, toMs: number): Promise<ModelCombo[]> {
  const rows = await store.query<{ provider: string; response_model: string; request_model: string }>(sql`
    SELECT DISTINCT provider, response_model, request_model FROM spans FINAL WHERE ${inRange(projectId, fromMs, toMs)}`);
  return rows.map((r) => ({ provider: r.provider, responseModel: r.response_model, requestModel: r.request_model }));
}

/** Sum of span costs (each span once: FINAL) and unpriced model calls in [fromMs, toMs) (calls of
 *  GPU-hour priced models are not unpriced). */
export async function costTotals(store: Store, projectId: string, fromMs: number, toMs: number): Promise<{ totalUsd: string; unpriced: number }> {
  const [r] = await store.query<{ total: string; unpriced: string }>(sql`
    SELECT toString(sum(cost_usd)) AS total, toString(countIf(pricing_status = 'unpriced')) AS unpriced
    FROM spans FINAL WHERE ${inRange(projectId, fromMs, toMs)}`);
  return { totalUsd: r?.total ?? '0', unpriced: Number(r?.unpriced ?? 0) };
}

/**
 * Rewrites the model calls of one combination starting in [fromMs, toMs) to `priceId` (the
 * span price id, maybe with the request-model suffix; '' = unpriced) — only rows whose price
 * id, status or cost differ. Returns rows rewritten.
 */
export async function repriceSegment(store: Store, projectId: string, combo: ModelCombo, fromMs: number, toMs: number, priceId: string): Promise<number> {
  const comboWhere = sql`provider = ${combo.provider} AND response_model = ${combo.responseModel} AND request_model = ${combo.requestModel}
    AND usage_counted AND input_tokens + output_tokens > 0 AND start_time < ${new Date(toMs)}`;
  const fromNs = BigInt(fromMs) * 1_000_000n;
  const toNs = BigInt(toMs) * 1_000_000n - 1n;
  if (priceId === '') {
    const r = await rewriteSpans(store, {
      projectId, fromNs, toNs,
      where: sql`${comboWhere} AND (pricing_status != 'unpriced' OR price_id != '' OR cost_usd != 0)`,
      set: { cost_usd: sql`toDecimal64(0, 12)`, pricing_status: sql`'unpriced'`, price_id: sql`''` },
    });
    return r.rows;
  }
  const [catalogId] = await store.query<{ id: string }>(sql`SELECT ${catalogPriceIdSql(sql`${priceId}`)} AS id`);
  const [unit] = await store.query<{ unit: string }>(sql`
    SELECT unit FROM prices FINAL WHERE project_id IN ('', ${projectId}) AND price_id = ${catalogId!.id} AND NOT deleted ORDER BY project_id DESC LIMIT 1`);
  if (unit?.unit === 'gpu_hour') {
    // A self-hosted model priced per GPU-hour: no token cost, and not unpriced either.
    const r = await rewriteSpans(store, {
      projectId, fromNs, toNs,
      where: sql`${comboWhere} AND (pricing_status != 'gpu_hour' OR price_id != ${priceId} OR cost_usd != 0)`,
      set: { cost_usd: sql`toDecimal64(0, 12)`, pricing_status: sql`'gpu_hour'`, price_id: sql`${priceId}` },
    });
    return r.rows;
  }
  const rates = ratesOfPrice(projectId, catalogId!.id);
  const cost = sql`CAST(${spanCostSql('', rates)} AS Decimal(18, 12))`;
  const r = await rewriteSpans(store, {
    projectId, fromNs, toNs,
    where: sql`${comboWhere} AND (pricing_status != 'priced' OR price_id != ${priceId} OR cost_usd != ${cost})`,
    set: { cost_usd: cost, pricing_status: sql`'priced'`, price_id: sql`${priceId}` },
  });
  return r.rows;
}
