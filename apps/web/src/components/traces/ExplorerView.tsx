'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useFilterOptions, useTraceList } from '@/lib/api';
import { rememberExplorerUrl } from '@/lib/explorer-return';
import { useHotkeys } from '@/lib/hotkeys';
import { describeTimeRange } from '@/lib/time-range';
import { filterParams, hasActiveFilters, parseExplorerState, type SortField, type TraceFilters } from '@/lib/trace-filters';
import { useUrlParams } from '@/lib/url-state';
import { OnboardingEmptyState } from '../OnboardingEmptyState';
import { TimeControls } from '../TimeControls';
import { useTimeRange } from '../TimeRangeContext';
import { ErrorBox } from '../ui';
import { FilterBar } from './FilterBar';
import { TraceSummaryBar } from './TraceSummaryBar';
import { TraceTable } from './TraceTable';

const FILTER_KEYS = ['service', 'environment', 'tenant', 'requestType', 'model', 'agent', 'sessionId', 'status', 'minDuration', 'minCost', 'attr', 'q'];

export function ExplorerView() {
  const router = useRouter();
  const { params, update } = useUrlParams();
  const state = parseExplorerState(params);
  const { range, fromMs, toMs } = useTimeRange();
  const list = useTraceList(state, { fromMs, toMs });
  const items = list.data?.items ?? [];
  const [selected, setSelected] = useState(0);
  // Cursors of the pages before this one (the list pages forward only), for "previous".
  const [history, setHistory] = useState<(string | null)[]>([]);
  const search = useRef<HTMLInputElement>(null);
  // Completions for the filter fields, fetched once the user starts filtering.
  const [wantSuggestions, setWantSuggestions] = useState(false);
  const options = useFilterOptions({ fromMs, toMs }, wantSuggestions).data;
  const suggestions = {
    service: options?.services ?? [],
    environment: options?.environments ?? [],
    tenant: options?.tenants ?? [],
    model: options?.models ?? [],
    agent: options?.agents ?? [],
    requestType: options?.requestTypes ?? [],
  };

  const queryKey = JSON.stringify([state, fromMs, toMs]);
  useEffect(() => setSelected(0), [queryKey]);

  const setFilters = (filters: TraceFilters) => {
    setHistory([]);
    update((p) => {
      for (const k of [...FILTER_KEYS, 'cursor']) p.delete(k);
      for (const [k, v] of filterParams(filters)) p.append(k, v);
    }, { push: true });
  };
  const setCursor = (cursor: string | null) =>
    update((p) => {
      if (cursor) p.set('cursor', cursor);
      else p.delete('cursor');
    }, { push: true });
  const onSort = (field: SortField) => {
    setHistory([]);
    update((p) => {
      const order = state.sort === field && state.order === 'desc' ? 'asc' : 'desc';
      if (field === 'startTime') p.delete('sort');
      else p.set('sort', field);
      if (order === 'desc') p.delete('order');
      else p.set('order', order);
      p.delete('cursor');
    }, { push: true });
  };
  const traceHref = (traceId: string) => `/traces/${encodeURIComponent(traceId)}`;
  const open = (traceId: string) => {
    rememberExplorerUrl(window.location.pathname + window.location.search);
    router.push(traceHref(traceId));
  };

  const nextCursor = list.data?.nextCursor ?? null;
  const prevCursor = history.length > 0 ? history[history.length - 1]! : null;
  const canPrev = state.cursor !== null;
  const goNext = () => {
    if (!nextCursor) return;
    setHistory((h) => [...h, state.cursor]);
    setCursor(nextCursor);
  };
  const goPrev = () => {
    if (!canPrev) return;
    setHistory((h) => h.slice(0, -1));
    setCursor(prevCursor);
  };

  useHotkeys({
    '/': (e) => {
      e.preventDefault();
      search.current?.focus();
      search.current?.select();
    },
    j: () => setSelected((s) => Math.min(items.length - 1, s + 1)),
    k: () => setSelected((s) => Math.max(0, s - 1)),
    ArrowDown: (e) => {
      e.preventDefault();
      setSelected((s) => Math.min(items.length - 1, s + 1));
    },
    ArrowUp: (e) => {
      e.preventDefault();
      setSelected((s) => Math.max(0, s - 1));
    },
    Enter: () => {
      const t = items[selected];
      if (t) open(t.traceId);
    },
    ']': goNext,
    '[': goPrev,
    Escape: () => (document.activeElement as HTMLElement | null)?.blur(),
  });

  const noFilters = !hasActiveFilters(state.filters) && !state.cursor;
  const showOnboarding = !list.isPending && !list.isError && items.length === 0 && noFilters;

  return (
    <>
      <div className="page-header">
        <h1>Traces</h1>
        <span className="shortcuts">
          <span>
            <kbd>/</kbd> search
          </span>
          <span>
            <kbd>j</kbd>
            <kbd>k</kbd> move
          </span>
          <span>
            <kbd>Enter</kbd> open
          </span>
          <span>
            <kbd>[</kbd>
            <kbd>]</kbd> page
          </span>
        </span>
        <span className="spacer" />
        <TimeControls />
      </div>
      <FilterBar ref={search} filters={state.filters} onChange={setFilters} suggestions={suggestions} onFocusWithin={() => setWantSuggestions(true)} />
      {!showOnboarding && <TraceSummaryBar filters={state.filters} window={{ fromMs, toMs }} range={range} />}
      {showOnboarding ? (
        <OnboardingEmptyState windowLabel={describeTimeRange(range)} />
      ) : (
        <section className="panel">
          {list.isError ? (
            <ErrorBox error={list.error} what="traces" />
          ) : (
            <TraceTable
              items={items}
              loading={list.isPending}
              sort={state.sort}
              order={state.order}
              selected={selected}
              onSelect={setSelected}
              onSort={onSort}
              onFilter={(patch) => setFilters({ ...state.filters, ...patch })}
              traceHref={traceHref}
              onOpen={open}
            />
          )}
          {!list.isPending && items.length === 0 && !list.isError && (
            <div className="empty">
              No traces match these filters in {describeTimeRange(range).toLowerCase()}.{' '}
              <button type="button" className="btn btn-ghost" style={{ display: 'inline', color: 'var(--accent)', padding: 0, height: 'auto' }} onClick={() => setFilters({})}>
                Clear filters
              </button>
            </div>
          )}
          <div className="pager">
            <span className="muted">
              {items.length > 0 ? `${items.length} traces on this page` : ''}
              {list.isFetching && !list.isPending ? ' · updating…' : ''}
            </span>
            <span className="spacer" />
            {state.cursor && (
              <button type="button" className="btn" onClick={() => (setHistory([]), setCursor(null))}>
                ⇤ Newest
              </button>
            )}
            <button type="button" className="btn" onClick={goPrev} disabled={!canPrev} title="Previous page ([)">
              ← Prev
            </button>
            <button type="button" className="btn" onClick={goNext} disabled={!nextCursor} title="Next page (])">
              Next →
            </button>
          </div>
        </section>
      )}
    </>
  );
}
