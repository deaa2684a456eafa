import { listProjects } from '@plumb/store';
import { protectedProcedure, publicProcedure, router } from '../trpc.ts';

export const authRouter = router({
  /** The signed-in user and current project, or null when signed out. */
  me: publicProcedure.query(({ ctx }) => (ctx.user ? { user: ctx.user, projectId: ctx.projectId } : null)),
  projects: protectedProcedure.query(({ ctx }) => listProjects(ctx.store)),
});
