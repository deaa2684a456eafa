'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useSession } from '@/lib/api';
import { formatDateTime, formatDuration, formatTokens } from '@/lib/format';
import { useHotkeys } from '@/lib/hotkeys';
import { messageSummary } from '@/lib/messages';
import { explorerHref } from '@/lib/trace-filters';
import { addCost, type Cost } from '@/lib/view';
import { CostText, ErrorBox, SkeletonRows } from '../ui';
import { useZone } from '../TimeZoneContext';

/** One conversation: its traces in order, cost per turn and the running total. */
export function SessionView({ sessionId }: { sessionId: string }) {
  const q = useSession(sessionId);
  const router = useRouter();
  const { zone } = useZone();
  const [selected, setSelected] = useState(0);
  const traces = q.data?.traces ?? [];
  const open = (traceId: string) => router.push(`/traces/${encodeURIComponent(traceId)}`);

  useHotkeys({
    j: () => setSelected((s) => Math.min(traces.length - 1, s + 1)),
    k: () => setSelected((s) => Math.max(0, s - 1)),
    Enter: () => traces[selected] && open(traces[selected]!.traceId),
  });

  let running: Cost = { usd: 0, unpriced: 0 };
  const first = traces[0];
  const last = traces[traces.length - 1];
  const spanMs = first && last ? last.startMs + last.durationMs - first.startMs : 0;
  const tenants = [...new Set(traces.map((t) => t.tenant).filter(Boolean))];

  return (
    <>
      <div className="page-header">
        <h1>
          Conversation <span className="mono muted">{sessionId}</span>
        </h1>
        <span className="spacer" />
        <Link href={explorerHref({ sessionId })} className="btn">
          Open in trace explorer
        </Link>
      </div>
      {q.isError ? (
        <ErrorBox error={q.error} what="the conversation" />
      ) : (
        <>
          <section className="panel">
            <div className="summary-strip" data-testid="session-summary">
              <Summary label="Turns">{q.data ? traces.length : '…'}</Summary>
              <Summary label="Total cost">{q.data ? <CostText cost={q.data.cost} /> : '…'}</Summary>
              <Summary label="Total tokens">{q.data ? formatTokens(q.data.totalTokens) : '…'}</Summary>
              <Summary label="Time in traces">{q.data ? formatDuration(q.data.totalDurationMs) : '…'}</Summary>
              <Summary label="Span of conversation">{q.data ? formatDuration(spanMs) : '…'}</Summary>
              <Summary label="Started">{first ? formatDateTime(first.startMs, zone) : '—'}</Summary>
              <Summary label="Tenant">
                {tenants.length ? tenants.map((t) => <Link key={t} href={explorerHref({ tenant: t })}>{t} </Link>) : '—'}
              </Summary>
            </div>
          </section>
          {q.data?.truncated && (
            <div className="banner is-warn">Showing the first {traces.length} turns of this conversation; totals cover those turns only.</div>
          )}
          <section className="panel">
            <div className="table-wrap">
              <table className="table" data-testid="session-traces">
                <thead>
                  <tr>
                    <th className="num" style={{ width: 40 }}>
                      #
                    </th>
                    <th>Start</th>
                    <th>Root span</th>
                    <th>Request type</th>
                    <th className="num">Duration</th>
                    <th className="num">Spans</th>
                    <th className="num">Errors</th>
                    <th className="num">Tokens</th>
                    <th className="num">Cost</th>
                    <th className="num">Cumulative</th>
                  </tr>
                </thead>
                <tbody>
                  {q.isPending ? (
                    <SkeletonRows rows={6} cols={10} />
                  ) : traces.length === 0 ? (
                    <tr>
                      <td colSpan={10} className="empty-cell">
                        No traces recorded for this session.
                      </td>
                    </tr>
                  ) : (
                    traces.map((t, i) => {
                      running = addCost(running, t.cost);
                      return (
                        <tr key={t.traceId} className={`is-clickable ${i === selected ? 'is-selected' : ''}`} onClick={() => open(t.traceId)}>
                          <td className="num faint">{i + 1}</td>
                          <td className="mono">{formatDateTime(t.startMs, zone)}</td>
                          <td style={{ maxWidth: 520 }}>
                            <Link className="cell-link" href={`/traces/${encodeURIComponent(t.traceId)}`} onClick={(e) => e.stopPropagation()}>
                              {t.rootName || <span className="faint">(missing root)</span>}
                            </Link>
                            {(t.input || t.output) && <Turn input={t.input} output={t.output} />}
                          </td>
                          <td>{t.requestType || <span className="faint">—</span>}</td>
                          <td className="num">{formatDuration(t.durationMs)}</td>
                          <td className="num">{t.spanCount}</td>
                          <td className="num">{t.errorCount > 0 ? <span className="badge is-error">{t.errorCount}</span> : <span className="faint">0</span>}</td>
                          <td className="num">{formatTokens(t.totalTokens)}</td>
                          <td className="num">
                            <CostText cost={t.cost} />
                          </td>
                          <td className="num muted">
                            <CostText cost={running} />
                          </td>
                        </tr>
                      );
                    })
                  )}
                </tbody>
                {q.data && traces.length > 0 && (
                  <tfoot>
                    <tr>
                      <td />
                      <td colSpan={6}>
                        <b>Total</b>
                      </td>
                      <td className="num">
                        <b>{formatTokens(q.data.totalTokens)}</b>
                      </td>
                      <td className="num">
                        <b>
                          <CostText cost={q.data.cost} />
                        </b>
                      </td>
                      <td />
                    </tr>
                  </tfoot>
                )}
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}

/** First input and last output of a turn, clipped to one line each; plain text, never HTML. */
function Turn({ input, output }: { input: string; output: string }) {
  const clip = (raw: string) => {
    const s = messageSummary(raw);
    return s.length > 160 ? `${s.slice(0, 159)}…` : s;
  };
  return (
    <div style={{ fontSize: 12, lineHeight: 1.35, padding: '2px 0 4px', whiteSpace: 'normal' }}>
      {input && (
        <div className="muted">
          <b className="faint">in</b> {clip(input)}
        </div>
      )}
      {output && (
        <div>
          <b className="faint">out</b> {clip(output)}
        </div>
      )}
    </div>
  );
}

function Summary({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="item">
      <span className="label">{label}</span>
      <span className="value">{children}</span>
    </div>
  );
}
