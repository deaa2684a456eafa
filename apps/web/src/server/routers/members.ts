import { changeMemberRole, inviteMember, listProjectMembers, listUserProjects, MemberError, PROJECT_ROLES, removeMember, type ProjectRole } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, protectedProcedure, router } from '../trpc.ts';

const role = z.enum(PROJECT_ROLES as [ProjectRole, ...ProjectRole[]]);
const userId = z.string().min(1).max(100);

export const inviteInput = z.object({
  email: z.string().trim().toLowerCase().min(3).max(254).regex(/^[^\s@]+@[^\s@]+$/, 'an email address like name@example.com'),
  role,
});
export const setRoleInput = z.object({ userId, role });
export const removeInput = z.object({ userId });

const CODES = { not_found: 'NOT_FOUND', conflict: 'CONFLICT', bad_request: 'BAD_REQUEST' } as const;
async function mapped<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof MemberError) throw new TRPCError({ code: CODES[err.code], message: err.message });
    throw err;
  }
}

/**
 * Members of the current project. Everyone in the project sees who else is in it (a viewer
 * knows whom to ask for a change); only admins invite, change roles and remove. The project is
 * the one the middleware checked (ctx.projectId): a user id of another project is "no such
 * member" here, never a change there.
 */
export const membersRouter = router({
  /** The projects the caller belongs to, with their role in each (Settings → Projects). */
  projects: protectedProcedure.query(({ ctx }) => listUserProjects(ctx.store, ctx.user.id)),
  list: protectedProcedure.query(async ({ ctx }) => ({
    projectId: ctx.projectId,
    role: ctx.role,
    members: await listProjectMembers(ctx.store, ctx.projectId),
  })),
  invite: adminProcedure.input(inviteInput).mutation(({ ctx, input }) =>
    mapped(async () => {
      const r = await inviteMember(ctx.store, ctx.projectId, input.email, input.role);
      return { userId: r.user.id, email: r.user.email, role: r.role, generatedPassword: r.generatedPassword ?? null };
    }),
  ),
  setRole: adminProcedure.input(setRoleInput).mutation(({ ctx, input }) =>
    mapped(async () => {
      await changeMemberRole(ctx.store, ctx.projectId, input.userId, input.role);
      return { userId: input.userId, role: input.role };
    }),
  ),
  remove: adminProcedure.input(removeInput).mutation(({ ctx, input }) =>
    mapped(async () => {
      await removeMember(ctx.store, ctx.projectId, input.userId);
      return { removed: true };
    }),
  ),
});
