import { getProjectRetention, RetentionError, roleAtLeast, setProjectRetention } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, protectedProcedure, router } from '../trpc.ts';

/** `days: null` returns the project to the instance retention. */
export const setRetentionInput = z.object({
  days: z.number().int('whole days').min(1, 'at least 1 day').max(3650, 'at most 3650 days').nullable(),
});

/**
 * Data retention of the current project: every member reads it, project admins change it. The
 * instance retention (PLUMB_RETENTION_DAYS) is the default and the upper bound; the worker's
 * `project-retention` job deletes what a shorter setting no longer keeps.
 */
export const retentionRouter = router({
  get: protectedProcedure.query(async ({ ctx }) => ({ ...(await getProjectRetention(ctx.store, ctx.projectId)), canEdit: roleAtLeast(ctx.role, 'admin') })),
  set: adminProcedure.input(setRetentionInput).mutation(async ({ ctx, input }) => {
    try {
      return { ...(await setProjectRetention(ctx.store, ctx.projectId, input.days, ctx.user.email)), canEdit: true };
    } catch (err) {
      if (err instanceof RetentionError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message });
      throw err;
    }
  }),
});
