'use client';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { rememberExplorerUrl } from '@/lib/explorer-return';
import { formatDateTime, formatDuration, formatTimestamp, formatTokens, needsDate } from '@/lib/format';
import type { SortField, SortOrder, TraceFilters } from '@/lib/trace-filters';
import type { TraceListItemView } from '@/lib/view';
import { CostText, SkeletonRows } from '../ui';
import { ErrorCell } from './ErrorCell';
import { useZone } from '../TimeZoneContext';

interface Column {
  label: string;
  sort?: SortField;
  num?: boolean;
  width?: number;
}

const COLUMNS: Column[] = [
  { label: 'Start', sort: 'startTime', width: 120 },
  { label: 'Root span' },
  { label: 'Service' },
  { label: 'Tenant' },
  { label: 'Request type' },
  { label: 'Duration', sort: 'durationMs', num: true },
  { label: 'Spans', sort: 'spanCount', num: true },
  { label: 'Errors', sort: 'errorCount', num: true },
  { label: 'Tokens', sort: 'totalTokens', num: true },
  { label: 'Cost', sort: 'costUsd', num: true },
];

/**
 * Dense trace table. Row click (or Enter on the selected row) opens the trace; tenant / service /
 * request type cells add that value as a filter.
 */
export function TraceTable({
  items,
  loading,
  sort,
  order,
  selected,
  onSelect,
  onSort,
  onFilter,
  traceHref,
  onOpen,
}: {
  items: TraceListItemView[];
  loading: boolean;
  sort: SortField;
  order: SortOrder;
  selected: number;
  onSelect: (index: number) => void;
  onSort: (field: SortField) => void;
  onFilter: (patch: TraceFilters) => void;
  traceHref: (traceId: string) => string;
  onOpen: (traceId: string) => void;
}) {
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    body.current?.querySelector<HTMLElement>('tr.is-selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const maxDuration = Math.max(1, ...items.map((t) => t.durationMs));
  const { zone, label: zoneText } = useZone();
  const withDate = needsDate(items.map((t) => t.startMs), zone);
  const filterLink = (patch: TraceFilters, text: string) =>
    text ? (
      <button
        type="button"
        className="btn-ghost cell-link"
        style={{ all: 'unset', cursor: 'pointer' }}
        title={`Filter by ${text}`}
        onClick={(e) => {
          e.stopPropagation();
          onFilter(patch);
        }}
      >
        {text}
      </button>
    ) : (
      <span className="faint">—</span>
    );

  return (
    <div className="table-wrap" style={{ maxHeight: 'calc(100vh - 250px)' }}>
      <table className="table" data-testid="trace-table" aria-rowcount={items.length}>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.label}
                className={c.num ? 'num' : undefined}
                style={c.width ? { width: c.width } : undefined}
                aria-sort={c.sort && c.sort === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.sort ? (
                  <button type="button" className="sort" onClick={() => onSort(c.sort!)}>
                    {c.sort === 'startTime' ? `${c.label} (${zoneText})` : c.label}
                    <span aria-hidden="true">{c.sort === sort ? (order === 'asc' ? '▲' : '▼') : ''}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>
          {loading ? (
            <SkeletonRows rows={14} cols={COLUMNS.length} />
          ) : (
            items.map((t, i) => (
              <tr
                key={t.traceId}
                className={`is-clickable ${i === selected ? 'is-selected' : ''}`}
                aria-selected={i === selected}
                onClick={(e) => {
                  onSelect(i);
                  if (!(e.target as HTMLElement).closest('a,button')) onOpen(t.traceId);
                }}
                data-trace-id={t.traceId}
              >
                <td title={formatDateTime(t.startMs, zone)} className="mono">
                  {formatTimestamp(t.startMs, withDate, zone)}
                </td>
                <td title={t.rootName}>
                  <Link className="cell-link" href={traceHref(t.traceId)} onClick={() => rememberExplorerUrl(window.location.pathname + window.location.search)}>
                    {t.rootName || <span className="faint">(missing root)</span>}
                  </Link>
                </td>
                <td>{filterLink({ service: [t.service] }, t.service)}</td>
                <td data-testid="cell-tenant">{filterLink({ tenant: [t.tenant] }, t.tenant)}</td>
                <td>{filterLink({ requestType: [t.requestType] }, t.requestType)}</td>
                <td className="num bar-cell">
                  <span className="bar" style={{ width: `${(t.durationMs / maxDuration) * 100}%` }} />
                  <span style={{ position: 'relative' }}>{formatDuration(t.durationMs)}</span>
                </td>
                <td className="num">{t.spanCount}</td>
                <td className="num" data-testid="cell-errors">
                  <ErrorCell errorCount={t.errorCount} status={t.status} />
                </td>
                <td className="num">{formatTokens(t.totalTokens)}</td>
                <td className="num" data-testid="cell-cost">
                  <CostText cost={t.cost} />
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
