import { listConversation } from '@plumb/store';
import { sessionInput } from '../inputs.ts';
import { protectedProcedure, router } from '../trpc.ts';

const get = protectedProcedure.input(sessionInput).query(({ ctx, input }) => listConversation(ctx.store, ctx.projectId, input.sessionId));

export const conversationsRouter = router({ get });
/** Same procedure under the name the session page uses. */
export const sessionsRouter = router({ get });
