'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, isTRPCClientError, type TRPCClient } from '@trpc/client';
import { createContext, useContext, useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/router';

/**
 * tRPC over HTTP (`/api/trpc`, superjson) plus TanStack Query. Components never call the client
 * directly: the hooks in `api.ts` do, and adapt outputs to `api-types.ts`.
 */
export type RpcClient = TRPCClient<AppRouter>;

const RpcContext = createContext<RpcClient | null>(null);

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
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
  const [client] = useState<RpcClient>(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: '/api/trpc', transformer: superjson })],
    }),
  );
  return (
    <RpcContext.Provider value={client}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </RpcContext.Provider>
  );
}

export function useRpc(): RpcClient {
  const c = useContext(RpcContext);
  if (!c) throw new Error('useRpc must be used inside <ApiProvider>');
  return c;
}

/** Human message for a failed query. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
