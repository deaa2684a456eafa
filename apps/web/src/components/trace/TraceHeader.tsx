'use client';
import Link from 'next/link';
import { formatDateTime, formatDuration, formatInteger, formatTokens } from '@/lib/format';
import { explorerHref } from '@/lib/trace-filters';
import type { TraceView } from '@/lib/view';
import { CostText } from '../ui';
import { CopyButton } from './CopyButton';
import { useZone } from '../TimeZoneContext';

function Item({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="item" data-testid={testId}>
      <span className="label">{label}</span>
      <span className="value">{children}</span>
    </div>
  );
}

/** One-line summary of the trace: root, timing, size, usage and the context it ran in. */
export function TraceHeader({ trace }: { trace: TraceView }) {
  const s = trace.summary;
  const c = trace.context;
  const { zone } = useZone();
  return (
    <section className="panel" data-testid="trace-header">
      <div className="page-header" style={{ padding: '8px 12px 0' }}>
        <h1 title={s.rootName}>{s.rootName || '(root span missing)'}</h1>
        <span className="mono faint" title="Trace id">
          {trace.traceId}
        </span>
        <CopyButton text={trace.traceId} label="Copy trace id" />
      </div>
      <div className="summary-strip">
        <Item label="Started">{formatDateTime(s.startMs, zone)}</Item>
        <Item label="Duration" testId="trace-duration">
          {formatDuration(s.durationMs)}
        </Item>
        <Item label="Spans" testId="trace-span-count">
          {formatInteger(s.spanCount)}
        </Item>
        {/* Same format as the span count: "19,999 errors" beside "20,000 spans", never "19999". */}
        <Item label="Errors" testId="trace-error-count">
          {s.errorCount > 0 ? <span className="error-text">{formatInteger(s.errorCount)}</span> : '0'}
        </Item>
        <Item label="Tokens">
          <span title={`${formatInteger(s.inputTokens)} in / ${formatInteger(s.outputTokens)} out`}>
            {formatTokens(s.totalTokens)} <span className="faint" style={{ fontSize: 11, fontWeight: 400 }}>({formatTokens(s.inputTokens)} in · {formatTokens(s.outputTokens)} out)</span>
          </span>
        </Item>
        <Item label="Cost" testId="trace-cost">
          <CostText cost={s.cost} />
        </Item>
        <Item label="Tenant">{c.tenant ? <Link href={explorerHref({ tenant: c.tenant })}>{c.tenant}</Link> : <span className="faint">—</span>}</Item>
        <Item label="Request type">
          {c.requestType ? <Link href={explorerHref({ requestType: c.requestType })}>{c.requestType}</Link> : <span className="faint">—</span>}
        </Item>
        <Item label="Session">
          {c.sessionId ? <Link href={`/sessions/${encodeURIComponent(c.sessionId)}`}>{c.sessionId}</Link> : <span className="faint">—</span>}
        </Item>
        {c.userId && <Item label="User">{c.userId}</Item>}
        <Item label="Services">{s.services.join(', ') || '—'}</Item>
        <Item label="Models">{s.models.join(', ') || '—'}</Item>
      </div>
    </section>
  );
}
