/**
 * The overview query's input. Shared by the client hook (api.ts, a client module) and the server
 * prefetch (app/(app)/page.tsx), which must build the same query key — so it lives outside the
 * 'use client' module, where a server component could not call it.
 */
export function overviewInput(w: { fromMs: number; toMs: number }): { from: number; to: number } {
  return { from: w.fromMs, to: w.toMs };
}
