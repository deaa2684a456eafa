import { createHash } from 'node:crypto';
import type { Plan } from './compile.ts';
import { QueryError } from './errors.ts';

/**
 * Keyset cursors over the groups of a grouped metrics query. A cursor is opaque to clients:
 * base64url JSON of the last group's sort value (the engine's exact text of it) and its group
 * keys, plus a fingerprint of the query it belongs to — a cursor is only valid for the same
 * measures, groupBy, filters, window, interval and order (anything else is a 400 naming `cursor`).
 * The order is total (sort value, then the keys), so pages never repeat or skip a group, even
 * when values tie; groups appearing between two page requests (late spans) may be missed.
 */
interface CursorBody {
  v: 1;
  q: string;
  s: string;
  k: string[];
}

/** What identifies a query for its cursors (everything but the limit and the cursor itself). */
export function fingerprint(p: Plan): string {
  const key = JSON.stringify([
    p.measures.map((m) => m.name), p.groupBy, [...p.filters].sort(([a], [b]) => (a < b ? -1 : 1)),
    p.from.getTime(), p.to.getTime(), p.intervalMs ?? null, p.orderBy.name, p.order,
  ]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

export function encodeCursor(p: Plan, sort: string, keys: string[]): string {
  const body: CursorBody = { v: 1, q: fingerprint(p), s: sort, k: keys };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The cursor's position for this plan; QueryError('cursor') when it is malformed or from another query. */
export function decodeCursor(p: Plan, cursor: string): { sort: string; keys: string[] } {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new QueryError('cursor', 'cursor is not one this API returned (pass `nextCursor` unchanged)');
  }
  if (body?.v !== 1 || typeof body.s !== 'string' || !Array.isArray(body.k) || body.k.some((k) => typeof k !== 'string')) {
    throw new QueryError('cursor', 'cursor is not one this API returned (pass `nextCursor` unchanged)');
  }
  if (body.k.length !== p.groupBy.length || body.q !== fingerprint(p)) {
    throw new QueryError('cursor', 'cursor belongs to a different query: keep measures, groupBy, filters, from, to, interval, orderBy and order as on the first page (pass from and to explicitly)');
  }
  if (!/^(-?inf|-?nan|-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?)$/i.test(body.s)) throw new QueryError('cursor', 'cursor is not one this API returned');
  return { sort: body.s, keys: body.k };
}
