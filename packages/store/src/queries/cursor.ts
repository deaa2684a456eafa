import { QueryError } from '../semantic/errors.ts';

/**
 * Opaque keyset cursor for the trace list: the sort value and trace id of the last row of a
 * page, plus the sort it was made for (a cursor from another sort is rejected, not misread).
 * base64url(JSON) — opaque to clients, but not a secret.
 */
export interface TraceCursor {
  sort: string;
  order: 'asc' | 'desc';
  /** Sort value as exact text (nanoseconds, count or decimal USD). */
  value: string;
  traceId: string;
  /** Root span id for root-row paging ('' when paging aggregated traces). */
  spanId: string;
}

export function encodeCursor(c: TraceCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.order, c.value, c.traceId, c.spanId])).toString('base64url');
}

export function decodeCursor(text: string, sort: string, order: 'asc' | 'desc'): TraceCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new QueryError('cursor', 'cursor is not one this API returned');
  }
  if (!Array.isArray(parsed) || parsed.length !== 5 || !parsed.every((x) => typeof x === 'string') || !/^-?[0-9.]+$/.test(String(parsed[2]))) {
    throw new QueryError('cursor', 'cursor is not one this API returned');
  }
  const [s, o, value, traceId, spanId] = parsed as [string, string, string, string, string];
  if (s !== sort || o !== order) throw new QueryError('cursor', `cursor was made for sort ${s} ${o}, not ${sort} ${order}`);
  return { sort: s, order: o, value, traceId, spanId };
}
