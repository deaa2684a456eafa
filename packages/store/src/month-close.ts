import { freezeMonthRows } from './closed-figures.ts';
import { exportText, type ExportSpec } from './export.ts';
import { toPico } from './prices-sql.ts';
import { QueryError } from './semantic/errors.ts';
import { param, sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Month close (issue 9): closing a month freezes its cost report — its figures per hour and cost
 * dimension (`month_close_rows`, closed-figures.ts: every export covering the month reads them
 * while it is closed) and the canonical CSV export of the month (by tenant, request type,
 * provider and model, per day) as formatted from them (`month_snapshots`; neither has a TTL). While closed, the month's export is those bytes, byte-identical
 * on every request, after raw spans expire and after any later repricing. Changing a closed
 * month is an explicit reopen, logged (who, when, why) in `month_close_log` with the total.
 */

export const CLOSE_GROUP_BY = ['tenant', 'request_type', 'provider', 'model'] as const;
const CHUNK = 512 * 1024;

export interface MonthClose {
  month: string;
  state: 'closed' | 'reopened';
  by: string;
  at: number;
  totalUsd: string;
}

function monthRange(month: string): { from: Date; to: Date; day: string } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new QueryError('month', 'must be YYYY-MM');
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  return { from: new Date(from), to: new Date(Date.UTC(Number(m[1]), Number(m[2]), 1)), day: `${month}-01` };
}

export function monthSpec(projectId: string, month: string): ExportSpec {
  const { from, to } = monthRange(month);
  return { projectId, from, to, groupBy: CLOSE_GROUP_BY, granularity: 'day' };
}

export async function monthState(store: Store, projectId: string, month: string): Promise<(MonthClose & { closeVersion: number }) | null> {
  const { day } = monthRange(month);
  const [r] = await store.query<{ state: string; by: string; at: string; total: string; v: string }>(sql`
    SELECT state, by, toString(toUnixTimestamp64Milli(at)) AS at, toString(total_usd) AS total, toString(close_version) AS v
    FROM month_closes FINAL WHERE project_id = ${projectId} AND month = ${param(day, 'Date')}`);
  if (!r) return null;
  return { month, state: r.state === 'closed' ? 'closed' : 'reopened', by: r.by, at: Number(r.at), totalUsd: r.total, closeVersion: Number(r.v) };
}

async function log(store: Store, projectId: string, month: string, action: string, by: string, reason: string, totalUsd: string) {
  await store.command(sql`
    INSERT INTO month_close_log (project_id, month, action, by, reason, total_usd)
    VALUES (${projectId}, ${param(monthRange(month).day, 'Date')}, ${action}, ${by}, ${reason}, ${param(totalUsd, 'Decimal(38, 12)')})`);
}

/** Freezes the month's export. Refused while it is closed (reopen first). */
export async function closeMonth(store: Store, projectId: string, month: string, by: string): Promise<MonthClose> {
  const current = await monthState(store, projectId, month);
  if (current?.state === 'closed') throw new QueryError('month', `${month} is already closed; reopen it first`);
  const version = Date.now();
  const { day } = monthRange(month);
  let text = '';
  let chunk = 0;
  let total = 0n;
  const flush = async () => {
    await store.command(sql`INSERT INTO month_snapshots (project_id, month, close_version, chunk, body)
      VALUES (${projectId}, ${param(day, 'Date')}, ${param(version, 'UInt64')}, ${chunk++}, ${text})`);
    text = '';
  };
  // The month's figures per hour are frozen first; its canonical export is then formatted from
  // those rows, so the month export and every other export of the closed month agree exactly.
  const spec = monthSpec(projectId, month);
  await freezeMonthRows(store, projectId, spec.from, spec.to, version);
  const closed = [{ from: spec.from.getTime(), to: spec.to.getTime(), closeVersion: version }];
  let header: string[] | null = null;
  for await (const part of exportText(store, spec, 'csv', { closed })) {
    if (!header) header = part.trimEnd().split(',');
    else {
      const at = header.indexOf('BilledCost');
      for (const line of part.split('\r\n')) if (line) total += toPico(line.split(',')[at]!);
    }
    text += part;
    if (text.length >= CHUNK) await flush();
  }
  await flush();
  const totalUsd = `${total / 10n ** 12n}.${(total % 10n ** 12n).toString().padStart(12, '0')}`;
  await store.command(sql`
    INSERT INTO month_closes (project_id, month, state, close_version, by, at, total_usd, _version)
    VALUES (${projectId}, ${param(day, 'Date')}, 'closed', ${param(version, 'UInt64')}, ${by}, ${new Date(version)}, ${param(totalUsd, 'Decimal(38, 12)')}, ${param(version, 'UInt64')})`);
  await log(store, projectId, month, 'close', by, '', totalUsd);
  return { month, state: 'closed', by, at: version, totalUsd };
}

/** Reopens a closed month (the snapshot is kept; exports are live again). Logged with a reason. */
export async function reopenMonth(store: Store, projectId: string, month: string, by: string, reason: string): Promise<void> {
  const current = await monthState(store, projectId, month);
  if (current?.state !== 'closed') throw new QueryError('month', `${month} is not closed`);
  if (reason.trim() === '') throw new QueryError('reason', 'a reopen needs a reason');
  await store.command(sql`
    INSERT INTO month_closes (project_id, month, state, close_version, by, at, total_usd, _version)
    VALUES (${projectId}, ${param(monthRange(month).day, 'Date')}, 'reopened', ${param(current.closeVersion, 'UInt64')}, ${by}, ${new Date()},
      ${param(current.totalUsd, 'Decimal(38, 12)')}, ${param(Date.now() + 1, 'UInt64')})`);
  await log(store, projectId, month, 'reopen', by, reason, current.totalUsd);
}

/** The month's export: the frozen bytes while closed, else the live export (same format). */
export async function* monthExport(store: Store, projectId: string, month: string): AsyncGenerator<string> {
  const state = await monthState(store, projectId, month);
  if (state?.state !== 'closed') {
    yield* exportText(store, monthSpec(projectId, month), 'csv');
    return;
  }
  const rows = await store.query<{ chunk: number }>(sql`
    SELECT chunk FROM month_snapshots FINAL WHERE project_id = ${projectId} AND month = ${param(monthRange(month).day, 'Date')}
      AND close_version = ${param(state.closeVersion, 'UInt64')} ORDER BY chunk`);
  for (const { chunk } of rows) {
    const [r] = await store.query<{ body: string }>(sql`
      SELECT body FROM month_snapshots FINAL WHERE project_id = ${projectId} AND month = ${param(monthRange(month).day, 'Date')}
        AND close_version = ${param(state.closeVersion, 'UInt64')} AND chunk = ${chunk}`);
    yield r?.body ?? '';
  }
}

export async function monthCloseLog(store: Store, projectId: string): Promise<{ month: string; action: string; by: string; at: number; reason: string; totalUsd: string }[]> {
  const rows = await store.query<{ month: string; action: string; by: string; at: string; reason: string; total: string }>(sql`
    SELECT toString(month) AS month, action, by, toString(toUnixTimestamp64Milli(at)) AS at, reason, toString(total_usd) AS total
    FROM month_close_log WHERE project_id = ${projectId} ORDER BY at DESC LIMIT 100`);
  return rows.map((r) => ({ month: r.month.slice(0, 7), action: r.action, by: r.by, at: Number(r.at), reason: r.reason, totalUsd: r.total }));
}
