import { MAX_SESSION_PAGE, SESSION_SORTS, type ListSessionsQuery } from '@plumb/store';
import { z } from 'zod';
import { int, sortOrder, stringList, text, time } from './primitives.ts';
import { window } from './queries.ts';

/** The sessions list: sessions with activity in [from, to), filtered, sorted, keyset-paged. */
export const sessionListQuery = z.strictObject({
  from: time.optional().describe('Window start (inclusive): ISO 8601 or epoch milliseconds. Default: `to` − 24 h.'),
  to: time.optional().describe('Window end (exclusive): ISO 8601 or epoch milliseconds. Default: now.'),
  filter: z
    .strictObject({
      tenant: stringList().optional().describe('Some span of the session has this tenant'),
      user: stringList().optional().describe('Some span of the session has this user id'),
      service: stringList().optional().describe('Some span of the session ran in this service'),
      environment: stringList().optional().describe('Some span of the session ran in this environment'),
      status: z.enum(['ok', 'error'], { error: 'must be ok or error' }).optional().describe('error: some trace of the session failed'),
    })
    .optional(),
  q: text(200).optional().describe('Case-insensitive substring of the session id'),
  sort: z.enum(SESSION_SORTS, { error: `must be one of ${SESSION_SORTS.join(', ')}` }).optional().describe('Sort key (default lastSeen)'),
  order: sortOrder.optional().describe('Sort order (default desc)'),
  limit: int(1, MAX_SESSION_PAGE).optional().describe('Page size (default 50)'),
  cursor: text(2000).optional().describe('Opaque cursor from `nextCursor` of the previous page (same sort and order)'),
});
export type SessionListInput = z.input<typeof sessionListQuery>;

export function toListSessionsQuery(q: z.output<typeof sessionListQuery>, projectId: string): ListSessionsQuery {
  const f = q.filter ?? {};
  return {
    projectId,
    ...window(q),
    tenant: f.tenant,
    user: f.user,
    service: f.service,
    environment: f.environment,
    status: f.status,
    q: q.q,
    sort: q.sort,
    order: q.order,
    limit: q.limit,
    cursor: q.cursor,
  };
}
