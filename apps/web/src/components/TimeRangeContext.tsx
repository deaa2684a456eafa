'use client';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useUrlParams } from '@/lib/url-state';
import {
  parseRefresh,
  parseTimeRange,
  refreshMs,
  resolveTimeRange,
  timeRangeParams,
  type RefreshValue,
  type TimeRange,
} from '@/lib/time-range';

interface TimeRangeState {
  range: TimeRange;
  fromMs: number;
  toMs: number;
  refresh: RefreshValue;
  setRange: (range: TimeRange) => void;
  setRefresh: (value: RefreshValue) => void;
  /** Re-resolves a relative range against the current time (refetches everything keyed on it). */
  refreshNow: () => void;
}

const Ctx = createContext<TimeRangeState | null>(null);

/**
 * Owns the URL-backed time window (?range= or ?from=&to=) and auto-refresh (?refresh=10s|30s|1m).
 * A relative range is resolved against `now`, which only moves on refresh, so query keys are
 * stable between ticks.
 */
export function TimeRangeProvider({ children, initialNow }: { children: ReactNode; initialNow?: number }) {
  const { params, update } = useUrlParams();
  const rangeKey = ['range', 'from', 'to'].map((k) => params.get(k) ?? '').join('|');
  const range = useMemo(() => parseTimeRange(params), [rangeKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const refresh = parseRefresh(params.get('refresh'));
  // The server's "now" for the first render (the same one its prefetches used), so the first
  // queries' keys match what the server already started; later ranges use the client clock.
  const [now, setNow] = useState(() => initialNow ?? Date.now());

  // A new range starts from the current time (not on mount: that is the server's now).
  const shownKey = useRef(rangeKey);
  useEffect(() => {
    if (shownKey.current === rangeKey) return;
    shownKey.current = rangeKey;
    setNow(Date.now());
  }, [rangeKey]);

  useEffect(() => {
    const ms = refreshMs(refresh);
    if (ms === 0) return;
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') setNow(Date.now());
    }, ms);
    return () => window.clearInterval(id);
  }, [refresh]);

  const setRange = useCallback(
    (next: TimeRange) =>
      update((p) => {
        for (const k of ['range', 'from', 'to', 'cursor']) p.delete(k);
        for (const [k, v] of Object.entries(timeRangeParams(next))) p.set(k, v);
      }),
    [update],
  );
  const setRefresh = useCallback(
    (value: RefreshValue) =>
      update((p) => {
        if (value === 'off') p.delete('refresh');
        else p.set('refresh', value);
      }),
    [update],
  );
  const refreshNow = useCallback(() => setNow(Date.now()), []);

  const { fromMs, toMs } = resolveTimeRange(range, now);
  const value = useMemo(
    () => ({ range, fromMs, toMs, refresh, setRange, setRefresh, refreshNow }),
    [range, fromMs, toMs, refresh, setRange, setRefresh, refreshNow],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useTimeRange(): TimeRangeState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useTimeRange must be used inside <TimeRangeProvider>');
  return v;
}
