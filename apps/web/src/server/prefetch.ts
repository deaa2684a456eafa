import { QueryClient } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { cache } from 'react';
import superjson from 'superjson';
import type { Store } from '@plumb/store';
import { createContextFromRequest } from './context.ts';
import { appRouter } from './router.ts';

/**
 * Server-side prefetch for pages whose data should start loading with the HTML instead of after
 * hydration: the page awaits a procedure through `serverApi(store).trpc` and wraps its client
 * view in <HydrationBoundary state={dehydrate(queryClient)}>. The segment's loading.tsx streams
 * the shell and a skeleton first; the page follows in the same response, rendered with its data
 * (superjson), and the client's useQuery finds it by key. Only successful results are passed on:
 * a failed prefetch leaves the query to the client, which shows its own error and retries.
 */

/** One "now" per request, shared by the layout (TimeRangeProvider) and the page's prefetch. */
export const requestNow = cache((): number => Math.floor(Date.now() / 1000) * 1000);

/**
 * True for a full document load. Client navigations (RSC requests) keep the client's own "now",
 * so a prefetch there would not match the client's key: they are not prefetched.
 */
export async function isDocumentRequest(): Promise<boolean> {
  return (await headers()).get('rsc') === null;
}

export async function serverApi(store: Store) {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { staleTime: 15_000 },
      dehydrate: { serializeData: superjson.serialize },
    },
  });
  const request = new Request('http://plumb.local/', { headers: await headers() });
  const trpc = createTRPCOptionsProxy({ router: appRouter, ctx: () => createContextFromRequest(request, store), queryClient });
  return { queryClient, trpc };
}
