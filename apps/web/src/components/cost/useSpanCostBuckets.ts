'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

/** A span's cost per token bucket, priced in SQL from the prices table at the span's price id
 *  (cost.spanBuckets); `consistent` says the buckets add up to the stored cost. */
export function useSpanCostBuckets(traceId: string, spanId: string, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.cost.spanBuckets.queryOptions({ traceId, spanId }), enabled, staleTime: 60_000 });
}

/** How a stored price id reads: which of the span's models matched. */
export function priceMatchNote(matchedBy: 'response' | 'request' | 'none', requestModel: string): string {
  if (matchedBy === 'request') return `matched on the request model ${requestModel}: the response model has no price`;
  if (matchedBy === 'response') return 'matched on the response model';
  return '';
}
