import type { OverviewInput } from '@/server/schemas';
import type { GlobalFilters } from './trace-filters.ts';

/**
 * The overview query's input: window + global filters (semantic dimension names). Shared by the
 * client hook (api.ts, a client module) and the server prefetch (app/(app)/(home)/page.tsx), which must
 * build the same query key — so it lives outside the 'use client' module, where a server
 * component could not call it.
 */
export function overviewInput(w: { fromMs: number; toMs: number }, f: GlobalFilters = {}): OverviewInput {
  const filter: NonNullable<OverviewInput['filter']> = {};
  if (f.service?.length) filter.service = f.service;
  if (f.environment?.length) filter.environment = f.environment;
  if (f.tenant?.length) filter.tenant = f.tenant;
  if (f.requestType?.length) filter.request_type = f.requestType;
  return Object.keys(filter).length ? { from: w.fromMs, to: w.toMs, filter } : { from: w.fromMs, to: w.toMs };
}
