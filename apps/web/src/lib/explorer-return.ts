'use client';
import { useEffect, useState } from 'react';

/**
 * Remembers the explorer URL a trace was opened from (sessionStorage, per tab), so the trace
 * page's "← Traces" goes back to the same filters, page and time range.
 */
const KEY = 'plumb:explorer-return';

export function rememberExplorerUrl(url: string): void {
  try {
    sessionStorage.setItem(KEY, url);
  } catch {
    // Storage disabled: the link falls back to /traces.
  }
}

export function useExplorerReturnUrl(): string {
  const [url, setUrl] = useState('/traces');
  useEffect(() => {
    try {
      const saved = sessionStorage.getItem(KEY);
      if (saved && saved.startsWith('/traces')) setUrl(saved);
    } catch {
      // ignore
    }
  }, []);
  return url;
}
