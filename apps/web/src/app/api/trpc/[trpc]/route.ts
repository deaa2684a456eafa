import { logger } from '@plumb/ops';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createContextFromRequest } from '../../../../server/context.ts';
import { csrfRefusal, csrfResponse } from '../../../../server/csrf.ts';
import { appRouter } from '../../../../server/router.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function handler(req: Request): Promise<Response> {
  // Mutations are POSTs: a cookie-authenticated one must pass the CSRF checks first.
  const refused = csrfRefusal(req);
  if (refused) return Promise.resolve(csrfResponse(refused));
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContextFromRequest(req),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger('web').error({ err: error, procedure: path ?? '?' }, 'tRPC procedure failed');
    },
  });
}

export { handler as GET, handler as POST };
