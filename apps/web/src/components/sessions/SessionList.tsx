'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useFilterOptions, useSessionList } from '@/lib/api';
import { formatCount, formatDateTime, formatDuration, formatInteger, formatTimestamp, formatTokens, needsDate } from '@/lib/format';
import { useHotkeys } from '@/lib/hotkeys';
import { describeTimeRange } from '@/lib/time-range';
import { explorerHref } from '@/lib/trace-filters';
import { useUrlParams } from '@/lib/url-state';
import type { SessionListInput } from '@/server/schemas';
import { TimeControls } from '../TimeControls';
import { useTimeRange } from '../TimeRangeContext';
import { useZone } from '../TimeZoneContext';
import { CostText, ErrorBox, SkeletonRows } from '../ui';

type Sort = NonNullable<SessionListInput['sort']>;
const SORTS: readonly Sort[] = ['lastSeen', 'firstSeen', 'traces', 'costUsd', 'errors'];
const PAGE = 50;

const sessionHref = (id: string) => `/sessions/${encodeURIComponent(id)}`;

/**
 * Sessions (conversations) with activity in the window. Filters, sort and page live in the URL;
 * every number links to the traces behind it (the explorer filtered by the session).
 */
export function SessionList() {
  const { range, fromMs, toMs } = useTimeRange();
  const { zone, label: zoneText } = useZone();
  const { params, update } = useUrlParams();
  const router = useRouter();
  const [selected, setSelected] = useState(0);
  const [history, setHistory] = useState<string[]>([]);

  const tenant = params.get('tenant') ?? '';
  const status = params.get('status') === 'error' ? 'error' : params.get('status') === 'ok' ? 'ok' : '';
  const q = params.get('q') ?? '';
  const sort: Sort = SORTS.find((s) => s === params.get('sort')) ?? 'lastSeen';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const cursor = params.get('cursor') ?? '';

  const input: SessionListInput = { from: fromMs, to: toMs, sort, order, limit: PAGE };
  const filter: NonNullable<SessionListInput['filter']> = {};
  if (tenant) filter.tenant = [tenant];
  if (status) filter.status = status;
  if (Object.keys(filter).length) input.filter = filter;
  if (q) input.q = q;
  if (cursor) input.cursor = cursor;
  const list = useSessionList(input);
  const options = useFilterOptions({ fromMs, toMs }, true);
  const items = list.data?.items ?? [];

  const set = (key: string, value: string) =>
    update((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      p.delete('cursor');
    });
  const setCursor = (next: string | null) =>
    update((p) => {
      if (next) p.set('cursor', next);
      else p.delete('cursor');
    });
  const sortBy = (s: Sort) =>
    update((p) => {
      p.set('sort', s);
      p.set('order', s === sort && order === 'desc' ? 'asc' : 'desc');
      p.delete('cursor');
    });
  const next = () => {
    if (!list.data?.nextCursor) return;
    setHistory((h) => [...h, cursor]);
    setCursor(list.data.nextCursor);
  };
  const prev = () => {
    const back = history[history.length - 1];
    if (back === undefined) return;
    setHistory((h) => h.slice(0, -1));
    setCursor(back || null);
  };
  const open = (id: string) => router.push(sessionHref(id));

  useHotkeys({
    j: () => setSelected((s) => Math.min(items.length - 1, s + 1)),
    k: () => setSelected((s) => Math.max(0, s - 1)),
    Enter: () => items[selected] && open(items[selected]!.sessionId),
    ']': next,
    '[': prev,
  });

  const withDate = needsDate(items.flatMap((s) => [s.firstMs, s.lastMs]), zone);
  const sortHeader = (s: Sort, label: string, num = true) => (
    <th className={num ? 'num' : undefined} aria-sort={s === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="sort" onClick={() => sortBy(s)}>
        {label}
        <span aria-hidden="true">{s === sort ? (order === 'asc' ? '▲' : '▼') : ''}</span>
      </button>
    </th>
  );

  return (
    <>
      <div className="page-header">
        <h1>Sessions</h1>
        <span className="muted" data-testid="sessions-total">
          {list.data ? `${formatInteger(list.data.total)} session${list.data.total === 1 ? '' : 's'} with activity in ${describeTimeRange(range, zone).toLowerCase()}` : ''}
        </span>
        <span className="spacer" />
        <TimeControls />
      </div>
      <div className="panel">
        <div className="filterbar" role="search">
          <div className="field wide">
            <label htmlFor="s-q">Session id contains</label>
            <input id="s-q" className="input" defaultValue={q} key={`q-${q}`} placeholder="any" onKeyDown={(e) => e.key === 'Enter' && set('q', e.currentTarget.value.trim())} onBlur={(e) => set('q', e.currentTarget.value.trim())} />
          </div>
          <div className="field">
            <label htmlFor="s-tenant">Tenant</label>
            <select id="s-tenant" className="select" value={tenant} onChange={(e) => set('tenant', e.target.value)}>
              <option value="">any</option>
              {[...new Set([...(options.data?.tenants ?? []), ...(tenant ? [tenant] : [])])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="s-status">Status</label>
            <select id="s-status" className="select" value={status} onChange={(e) => set('status', e.target.value)}>
              <option value="">any</option>
              <option value="error">with a failed trace</option>
              <option value="ok">no failed trace</option>
            </select>
          </div>
        </div>
      </div>
      {list.isError ? (
        <ErrorBox error={list.error} what="sessions" />
      ) : (
        <section className="panel">
          <div className="table-wrap" style={{ maxHeight: 'calc(100vh - 260px)' }}>
            <table className="table" data-testid="sessions-table" aria-busy={list.isPending}>
              <thead>
                <tr>
                  <th>Session</th>
                  <th>Tenant</th>
                  <th>User</th>
                  {sortHeader('traces', 'Traces')}
                  {sortHeader('errors', 'Failed')}
                  {sortHeader('firstSeen', `First (${zoneText})`, false)}
                  {sortHeader('lastSeen', `Last (${zoneText})`, false)}
                  <th className="num" title="First span start to last span end in the window">Duration</th>
                  <th className="num">Tokens</th>
                  {sortHeader('costUsd', 'Cost')}
                </tr>
              </thead>
              <tbody>
                {list.isPending ? (
                  <SkeletonRows rows={12} cols={10} />
                ) : items.length === 0 ? (
                  <tr>
                    <td colSpan={10} className="empty-cell" data-testid="sessions-empty">
                      No sessions {tenant || status || q ? 'match these filters' : 'recorded'} in {describeTimeRange(range, zone).toLowerCase()}. Sessions come
                      from spans carrying <code>session.id</code> (or <code>gen_ai.conversation.id</code>).
                    </td>
                  </tr>
                ) : (
                  items.map((s, i) => {
                    const traces = explorerHref({ sessionId: s.sessionId }, range);
                    return (
                      <tr key={s.sessionId} className={`is-clickable ${i === selected ? 'is-selected' : ''}`} aria-selected={i === selected} onClick={(e) => !(e.target as HTMLElement).closest('a,button') && open(s.sessionId)} data-session-id={s.sessionId}>
                        <td className="mono" title={s.sessionId} style={{ maxWidth: 280 }}>
                          <Link className="cell-link" href={sessionHref(s.sessionId)}>
                            {s.sessionId}
                          </Link>
                        </td>
                        <td>
                          {s.tenant || <span className="faint">—</span>}
                          {s.tenantCount > 1 && <span className="faint" title={`${s.tenantCount} tenants`}> +{s.tenantCount - 1}</span>}
                        </td>
                        <td title={s.userId}>{s.userId || <span className="faint">—</span>}</td>
                        <td className="num">
                          <Link href={traces} title="These traces in the explorer">
                            {formatCount(s.traces)}
                          </Link>
                        </td>
                        <td className="num">
                          {s.errorTraces > 0 ? (
                            <Link className="error-text" href={explorerHref({ sessionId: s.sessionId, status: 'error' }, range)} title={`${formatInteger(s.errorSpans)} error spans`}>
                              {formatCount(s.errorTraces)}
                            </Link>
                          ) : (
                            <span className="faint">0</span>
                          )}
                        </td>
                        <td className="mono" title={formatDateTime(s.firstMs, zone)}>
                          {formatTimestamp(s.firstMs, withDate, zone)}
                        </td>
                        <td className="mono" title={formatDateTime(s.lastMs, zone)}>
                          {formatTimestamp(s.lastMs, withDate, zone)}
                        </td>
                        <td className="num">{formatDuration(s.durationMs)}</td>
                        <td className="num">{formatTokens(s.totalTokens)}</td>
                        <td className="num">
                          <Link href={explorerHref({ sessionId: s.sessionId }, range)} title="These traces in the explorer">
                            <CostText cost={s.cost} />
                          </Link>
                        </td>
                      </tr>
                    );
                  })
                )}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <span className="muted">
              {items.length > 0 ? `${items.length} of ${formatInteger(list.data?.total ?? 0)} on this page` : ''}
              {list.isFetching && !list.isPending ? ' · updating…' : ''}
            </span>
            <span className="spacer" />
            <button type="button" className="btn" onClick={prev} disabled={history.length === 0} title="Previous page ([)">
              ← Prev
            </button>
            <button type="button" className="btn" onClick={next} disabled={!list.data?.nextCursor} title="Next page (])">
              Next →
            </button>
          </div>
        </section>
      )}
    </>
  );
}
