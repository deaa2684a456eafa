import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { OverviewView } from '@/components/overview/OverviewView';
import { overviewInput } from '@/lib/overview-input';
import { parseTimeRange, resolveTimeRange } from '@/lib/time-range';
import { parseGlobalFilters } from '@/lib/trace-filters';
import { isDocumentRequest, requestNow, serverApi } from '@/server/prefetch';
import { pageStore } from '../session';

export const metadata: Metadata = { title: 'Overview' };

/**
 * The overview's data starts loading with the HTML: the shell and loading.tsx's skeleton stream
 * at once, the overview query runs meanwhile and the page follows in the same response with its
 * data (no wait for hydration, then a second round trip). Same input (window and global filters) and "now" as the client's
 * first render, so useOverview finds the result by key. Client navigations fetch as before.
 */
export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!(await isDocumentRequest())) return <OverviewView />;
  const sp = await searchParams;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(sp)) for (const one of typeof v === 'string' ? [v] : (v ?? [])) params.append(k, one);
  const { fromMs, toMs } = resolveTimeRange(parseTimeRange(params), requestNow());
  const { queryClient, trpc } = await serverApi(await pageStore());
  await queryClient.prefetchQuery(trpc.overview.get.queryOptions(overviewInput({ fromMs, toMs }, parseGlobalFilters(params))));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewView />
    </HydrationBoundary>
  );
}
