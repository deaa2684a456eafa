import { listUserProjects } from '@plumb/store';
import { protectedProcedure, publicProcedure, resolveMembership, router } from '../trpc.ts';

export const authRouter = router({
  /** The signed-in user, the project they are served from and their role in it; null when signed out. */
  me: publicProcedure.query(async ({ ctx }) => {
    if (!ctx.user) return null;
    const { projectId, role } = await resolveMembership(ctx, ctx.user);
    return { user: ctx.user, projectId, role };
  }),
  /** The projects the user is a member of (never the others: their names are not shown). */
  projects: protectedProcedure.query(({ ctx }) => listUserProjects(ctx.store, ctx.user.id)),
});
