import { countIngestKeys, createApiKey, listApiKeys, revokeApiKey, SCOPES, type Scope } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, router } from '../trpc.ts';

/** What a key is created with; shared by the tRPC router and REST POST /api/v1/keys. */
export const createKeyInput = z.object({
  name: z.string().trim().min(1, 'a key needs a name').max(100, 'at most 100 characters'),
  scopes: z
    .array(z.enum(SCOPES as [Scope, ...Scope[]]))
    .min(1, 'choose at least one scope')
    .max(SCOPES.length)
    .transform((s) => SCOPES.filter((x) => s.includes(x))),
});

export const revokeKeyInput = z.object({ id: z.string().min(1).max(100) });

/**
 * API keys of the current project, for its admins. The secret is returned once, by `create`;
 * afterwards a key is known by its prefix. `openIngest`: no ingest key exists yet, so the
 * collector accepts keyless ingest from loopback — the first ingest key ends that (read and
 * write keys do not).
 */
export const keysRouter = router({
  list: adminProcedure.query(async ({ ctx }) => ({
    keys: await listApiKeys(ctx.store, ctx.projectId, { includeRevoked: true }),
    openIngest: (await countIngestKeys(ctx.store)) === 0,
  })),
  create: adminProcedure.input(createKeyInput).mutation(async ({ ctx, input }) => {
    const wasOpen = input.scopes.includes('ingest') && (await countIngestKeys(ctx.store)) === 0;
    const { key, info } = await createApiKey(ctx.store, { projectId: ctx.projectId, name: input.name, scopes: input.scopes });
    return { key, info, endedOpenIngest: wasOpen };
  }),
  revoke: adminProcedure.input(revokeKeyInput).mutation(async ({ ctx, input }) => {
    if (!(await revokeApiKey(ctx.store, input.id, ctx.projectId))) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `no live key ${JSON.stringify(input.id)} in this project` });
    }
    return { revoked: true };
  }),
});
