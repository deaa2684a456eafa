import { listConversation, listSessions } from '@plumb/store';
import { sessionListQuery, sessionQuery, toListSessionsQuery } from '../schemas/index.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const sessionsRouter = router({
  /** Sessions with activity in the window: traces, first/last time, tenant, cost, errors; keyset-paged. */
  list: protectedProcedure.input(sessionListQuery).query(({ ctx, input }) => listSessions(ctx.store, toListSessionsQuery(input, ctx.projectId))),
  /** One session (conversation) as its turns, oldest first, with totals. */
  get: protectedProcedure.input(sessionQuery).query(({ ctx, input }) => listConversation(ctx.store, ctx.projectId, input.sessionId)),
});
