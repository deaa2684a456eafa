'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, isTRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/router';

/**
 * tRPC over HTTP (`/api/trpc`, superjson) plus TanStack Query through @trpc/tanstack-react-query:
 * `useTRPC().<path>.queryOptions(input)` gives the query key, the fetcher and the output type
 * inferred from the router, so no key or shape is written by hand. Components use the hooks in
 * `api.ts`, which add the view conversion (`view.ts`) as `select`.
 */
const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
export { useTRPC };

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Server prefetches stream their results superjson-serialized (see server/prefetch.ts).
      hydrate: { deserializeData: superjson.deserialize },
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => {
          // An expired session must send the user to /login, not spin.
          if (isTRPCClientError(error) && error.data?.code === 'UNAUTHORIZED') {
            if (typeof window !== 'undefined') window.location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
            return false;
          }
          if (isTRPCClientError(error) && ['NOT_FOUND', 'BAD_REQUEST', 'FORBIDDEN'].includes(String(error.data?.code))) return false;
          return failures < 2;
        },
      },
    },
  });
}

export function ApiProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/api/trpc', transformer: superjson, headers: { 'x-plumb-csrf': '1' } })] }));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
