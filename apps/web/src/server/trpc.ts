import { QueryError } from '@plumb/store';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { Context } from './context.ts';
import { projectExists } from './context.ts';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return { ...shape, data: { ...shape.data, field: cause instanceof QueryError ? cause.field : undefined } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Store validation errors (QueryError) become BAD_REQUEST naming the field. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof QueryError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: 'BAD_REQUEST', message: `${cause.field}: ${cause.message}`, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/** Signed in (session cookie) and asking for a project that exists. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' });
  if (!(await projectExists(ctx.store, ctx.projectId))) {
    throw new TRPCError({ code: 'NOT_FOUND', message: `unknown project ${JSON.stringify(ctx.projectId)}` });
  }
  return next({ ctx: { ...ctx, user: ctx.user } });
});
