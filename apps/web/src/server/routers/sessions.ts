import { listConversation } from '@plumb/store';
import { sessionQuery } from '../schemas/index.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const sessionsRouter = router({
  /** One session (conversation) as its turns, oldest first, with totals. */
  get: protectedProcedure.input(sessionQuery).query(({ ctx, input }) => listConversation(ctx.store, ctx.projectId, input.sessionId)),
});
