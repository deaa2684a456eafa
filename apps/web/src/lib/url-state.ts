'use client';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

export type ParamsUpdate = (params: URLSearchParams) => void;

/**
 * The page's query string as state. `update` copies the current params, lets the caller edit
 * them, and replaces the URL (push: true adds a history entry, for navigations users go back to).
 * It uses the History API, which Next syncs into useSearchParams without a server round trip:
 * every view here is client-rendered from tRPC queries, so there is nothing to re-render on the
 * server when only the query string changes.
 */
export function useUrlParams(): {
  params: URLSearchParams;
  update: (edit: ParamsUpdate, options?: { push?: boolean }) => void;
  hrefWith: (edit: ParamsUpdate) => string;
} {
  const search = useSearchParams();
  const pathname = usePathname();
  const params = new URLSearchParams(search.toString());

  const hrefWith = useCallback(
    (edit: ParamsUpdate) => {
      const next = new URLSearchParams(search.toString());
      edit(next);
      const qs = next.toString();
      return qs ? `${pathname}?${qs}` : pathname;
    },
    [search, pathname],
  );

  const update = useCallback(
    (edit: ParamsUpdate, options?: { push?: boolean }) => {
      const href = hrefWith(edit);
      if (options?.push) window.history.pushState(null, '', href);
      else window.history.replaceState(null, '', href);
    },
    [hrefWith],
  );

  return { params, update, hrefWith };
}
