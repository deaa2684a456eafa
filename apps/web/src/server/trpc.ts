import { getMembershipRole, listUserProjects, QueryError, QueryTimeoutError, roleAtLeast, withQueryTag, type ProjectRole } from '@plumb/store';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { Context } from './context.ts';

/**
 * Procedure metadata. `minRole` is the least project role a procedure needs (viewer when
 * unset on a protected procedure); it is data on the procedure, so a test can walk the router
 * and check every procedure against every role.
 */
export interface Meta {
  minRole?: ProjectRole;
}

/**
 * An input validation failure (zod, or any Standard Schema validator: a cause with `issues`) as
 * "path: message; …" and the first issue's path as `field`, so a form shows "url: is not an
 * allowed notification target…" rather than the validator's issues as JSON.
 */
export function inputIssues(cause: unknown): { message: string; field: string | undefined } | null {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return null;
  const parts = issues.slice(0, 5).map((i: { path?: readonly PropertyKey[]; message?: string }) => {
    const path = (i.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String((p as { key: unknown }).key) : String(p))).join('.');
    return { path, text: path ? `${path}: ${i.message ?? 'invalid'}` : (i.message ?? 'invalid input') };
  });
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return { message: parts.map((p) => p.text).join('; ') + more, field: parts[0]!.path || undefined };
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const input = error.code === 'BAD_REQUEST' ? inputIssues(cause) : null;
      if (input) return { ...shape, message: input.message, data: { ...shape.data, field: input.field } };
      return { ...shape, data: { ...shape.data, field: cause instanceof QueryError ? cause.field : undefined } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Store validation errors (QueryError) become BAD_REQUEST naming the field; a query past its
 * time limit (the engine is overloaded) becomes SERVICE_UNAVAILABLE, retryable.
 */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof QueryError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: 'BAD_REQUEST', message: `${cause.field}: ${cause.message}`, cause });
  }
  if (!result.ok && result.error.cause instanceof QueryTimeoutError) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the query took too long; narrow the time range or try again', cause: result.error.cause });
  }
  return result;
});

/** Every statement a procedure issues is tagged with it (log_comment) and runs as a dashboard query. */
const tagQueries = t.middleware(({ path, next }) => withQueryTag({ kind: 'dashboard', caller: `trpc ${path}` }, () => next()));

export const publicProcedure = t.procedure.use(mapErrors).use(tagQueries);

const notFound = (projectId: string) => new TRPCError({ code: 'NOT_FOUND', message: `unknown project ${JSON.stringify(projectId)}` });

/**
 * The project a signed-in request is served from and the user's role in it (null: not a
 * member, or no such project). When the request names no project and the user is not in
 * 'default', their first project is used.
 */
export async function resolveMembership(ctx: Context, user: NonNullable<Context['user']>): Promise<{ projectId: string; role: ProjectRole | null }> {
  const role = await getMembershipRole(ctx.store, ctx.projectId, user.id);
  if (!role && ctx.projectExplicit === false) {
    const first = (await listUserProjects(ctx.store, user.id))[0];
    if (first) return { projectId: first.id, role: first.role };
  }
  return { projectId: ctx.projectId, role };
}

/**
 * THE access check of the tRPC API: signed in, a member of the project asked for (header
 * x-plumb-project, else cookie plumb_project), with at least the procedure's `minRole`.
 * A project the user is not a member of is answered exactly like one that does not exist.
 * Memberships are cached (see @plumb/store memberships.ts).
 */
const requireMember = t.middleware(async ({ ctx, meta, next }) => {
  const user = ctx.user;
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' });
  const { projectId, role } = await resolveMembership(ctx, user);
  if (!role) throw notFound(projectId);
  const minRole = meta?.minRole ?? 'viewer';
  if (!roleAtLeast(role, minRole)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `this needs the ${minRole} role in project ${JSON.stringify(projectId)} (you are ${role})` });
  }
  return next({ ctx: { ...ctx, user, projectId, role } });
});

/** Signed in and a member (any role) of the project asked for. */
export const protectedProcedure = publicProcedure.meta({ minRole: 'viewer' }).use(requireMember);
/** Members who may change project settings (prices, budgets, monitors, rules). */
export const editorProcedure = protectedProcedure.meta({ minRole: 'editor' });
/** Project admins (members, keys). */
export const adminProcedure = protectedProcedure.meta({ minRole: 'admin' });
