'use client';
import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { useSpanDetail } from '@/lib/api';
import { formatDateTime, formatDuration, formatInteger, formatUsd } from '@/lib/format';
import { parseMessages } from '@/lib/messages';
import type { SpanDetailView, SpanView } from '@/lib/view';
import { priceMatchNote, useSpanCostBuckets } from '../cost/useSpanCostBuckets';
import { CATEGORY_LABEL, categoryColor, CostText, Skeleton } from '../ui';
import { CopyButton } from './CopyButton';
import { useZone } from '../TimeZoneContext';

/**
 * Everything about one span. Prompts, completions and attribute values are user data and are
 * rendered only as React text children (escaped), never as HTML.
 */
export function SpanDetailPanel({
  base,
  traceStartMs,
  isOrigin,
  criticalMs,
  onSelectSpan,
  onClose,
}: {
  base: SpanView;
  traceStartMs: number;
  isOrigin: boolean;
  criticalMs: number | undefined;
  onSelectSpan: (spanId: string) => void;
  onClose: () => void;
}) {
  const detail = useSpanDetail(base.traceId, base.spanId);
  const { zone } = useZone();
  // The trace's span has the canonical fields at once; the detail query adds attributes, events, texts.
  const span = base;
  const extra: SpanDetailView = detail.data ?? EMPTY_DETAIL;
  const dur = Math.max(0, span.endMs - span.startMs);
  // OTel's `_OTHER` (an error status with no error.type) says nothing the "error" badge does not.
  const errorType = span.errorType === '_OTHER' ? '' : span.errorType;

  return (
    <aside className="panel sticky-side" aria-label="Span detail" data-testid="span-detail" aria-busy={detail.isPending}>
      <header className="panel-header" style={{ position: 'sticky', top: 0, background: 'var(--bg-panel)', zIndex: 1 }}>
        <span className="dot" style={{ background: categoryColor(span.category) }} />
        <h2 style={{ textTransform: 'none', letterSpacing: 0, color: 'var(--text)', fontSize: 13, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={span.name}>
          {span.name}
        </h2>
        <span className="spacer" />
        {isOrigin && <span className="badge is-error">failure origin</span>}
        {span.status === 'error' ? <span className="badge is-error">error</span> : span.status === 'ok' ? <span className="badge is-ok">ok</span> : null}
        <button type="button" className="btn btn-ghost" onClick={onClose} aria-label="Close span detail (Esc)" title="Close (Esc)">
          ✕
        </button>
      </header>
      <div className="panel-body">
        {span.status === 'error' && (span.statusMessage || errorType) && (
          <div className="banner is-error" style={{ marginBottom: 8 }}>
            <div>
              {errorType && <div className="banner-title mono">{errorType}</div>}
              {span.statusMessage && <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{span.statusMessage}</div>}
            </div>
          </div>
        )}

        <div className="section-title">Span</div>
        <dl className="kv">
          <Row k="Category">
            {CATEGORY_LABEL[span.category]}
            {span.operation ? <span className="faint"> · {span.operation}</span> : null}
          </Row>
          <Row k="Duration">
            {formatDuration(dur)}
            {criticalMs !== undefined && <span className="faint"> · {formatDuration(criticalMs)} on critical path</span>}
          </Row>
          <Row k="Start">
            +{formatDuration(span.startMs - traceStartMs)} <span className="faint">({formatDateTime(span.startMs, zone)})</span>
          </Row>
          <Row k="Service">
            {span.service}
            {extra.serviceVersion && <span className="faint"> {extra.serviceVersion}</span>}
          </Row>
          {span.kind && <Row k="Kind">{span.kind}</Row>}
          {span.agent && <Row k="Agent">{span.agent}</Row>}
          {span.tool && <Row k="Tool">{span.tool}</Row>}
          {span.provider && <Row k="Provider">{span.provider}</Row>}
          {span.model && <Row k="Model (requested)">{span.model}</Row>}
          {span.responseModel && <Row k="Model (served)">{span.responseModel}</Row>}
          {span.ttftMs !== null && <Row k="Time to first token">{formatDuration(span.ttftMs)}</Row>}
          <Row k="Span id">
            <span className="mono">{span.spanId}</span> <CopyButton text={span.spanId} label="Copy span id" />
          </Row>
          <Row k="Parent">
            {span.parentSpanId ? (
              <button type="button" className="btn btn-ghost mono" style={{ height: 18, padding: 0, color: 'var(--accent)' }} onClick={() => onSelectSpan(span.parentSpanId)}>
                {span.parentSpanId}
              </button>
            ) : (
              <span className="faint">root</span>
            )}
          </Row>
        </dl>

        <UsageSection span={span} />

        {detail.isPending && (
          <div style={{ marginTop: 12, display: 'grid', gap: 6 }}>
            <Skeleton height={12} width="40%" />
            <Skeleton height={60} />
          </div>
        )}
        {detail.isError && <div className="error-text" style={{ marginTop: 8 }}>Could not load attributes and messages.</div>}

        <TextSection title="Input (prompt)" text={extra.inputText} />
        <TextSection title="Output (completion)" text={extra.outputText} />

        {span.links.length > 0 && (
          <>
            <div className="section-title">Links</div>
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {span.links.map((l) => (
                <li key={`${l.traceId}/${l.spanId}`} className="mono">
                  {l.traceId === span.traceId ? (
                    <button type="button" className="btn btn-ghost mono" style={{ height: 18, padding: 0, color: 'var(--accent)' }} onClick={() => onSelectSpan(l.spanId)}>
                      span {l.spanId} (this trace)
                    </button>
                  ) : (
                    <Link href={`/traces/${encodeURIComponent(l.traceId)}?span=${encodeURIComponent(l.spanId)}`}>
                      {l.traceId.slice(0, 16)}… / {l.spanId}
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}

        <MapSection title="Attributes" map={extra.attributes} />
        <MapSection title="Resource" map={extra.resourceAttributes} />

        {extra.events.length > 0 && (
          <>
            <div className="section-title">Events ({extra.events.length})</div>
            {extra.events.map((e, i) => (
              <div key={i} style={{ marginBottom: 6 }}>
                <div>
                  <span className="faint num">+{formatDuration(e.timeMs - span.startMs)}</span> <b>{e.name}</b>
                </div>
                {Object.keys(e.attributes).length > 0 && <KvTable map={e.attributes} />}
              </div>
            ))}
          </>
        )}
      </div>
    </aside>
  );
}

const EMPTY_DETAIL: SpanDetailView = { serviceVersion: '', inputText: '', outputText: '', attributes: {}, resourceAttributes: {}, events: [] };

function Row({ k, children }: { k: string; children: ReactNode }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{children}</dd>
    </>
  );
}

const BUCKETS: { key: 'input' | 'cacheRead' | 'cacheWrite' | 'output' | 'reasoning'; label: string; tokens: (s: SpanView) => number }[] = [
  // Inclusive OTel semantics: input includes cache read/write; output includes reasoning.
  { key: 'input', label: 'Input (uncached)', tokens: (s) => Math.max(0, s.inputTokens - s.cacheReadTokens - s.cacheWriteTokens) },
  { key: 'cacheRead', label: 'Cache read', tokens: (s) => s.cacheReadTokens },
  { key: 'cacheWrite', label: 'Cache write', tokens: (s) => s.cacheWriteTokens },
  { key: 'output', label: 'Output (non-reasoning)', tokens: (s) => Math.max(0, s.outputTokens - s.reasoningTokens) },
  { key: 'reasoning', label: 'Reasoning', tokens: (s) => s.reasoningTokens },
];

/** Tokens per bucket and the span's cost; an unpriced span says "unpriced", never $0. */
function UsageSection({ span }: { span: SpanView }) {
  const hasUsage = span.inputTokens + span.outputTokens > 0 || span.costUsd > 0 || span.priceId !== '' || span.pricingStatus === 'unpriced';
  // Cost per bucket (issue 9), priced in SQL at the span's stored price id.
  const costs = useSpanCostBuckets(span.traceId, span.spanId, hasUsage && span.priceId !== '');
  if (!hasUsage) return null;
  const unpriced = span.pricingStatus === 'unpriced';
  const buckets = costs.data?.buckets ?? null;
  return (
    <>
      <div className="section-title">Usage &amp; cost</div>
      {!span.usageCounted && (
        <div className="faint" style={{ marginBottom: 4 }}>
          Wrapper span: its usage repeats its children&apos;s and is not counted in totals.
        </div>
      )}
      <table className="table" data-testid="cost-buckets">
        <thead>
          <tr>
            <th>Bucket</th>
            <th className="num">Tokens</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {BUCKETS.map((b) => {
            const tokens = b.tokens(span);
            if (tokens === 0) return null;
            return (
              <tr key={b.key}>
                <td>{b.label}</td>
                <td className="num">{formatInteger(tokens)}</td>
                <td className="num" data-testid={`bucket-cost-${b.key}`}>{buckets ? formatUsd(Number(buckets[b.key])) : unpriced ? 'unpriced' : '—'}</td>
              </tr>
            );
          })}
          <tr>
            <td>
              <b>Total</b>
            </td>
            <td className="num">
              <b>{formatInteger(span.inputTokens + span.outputTokens)}</b>
            </td>
            <td className="num">
              <b>
                <CostText cost={span.cost} />
              </b>
            </td>
          </tr>
        </tbody>
      </table>
      <dl className="kv" style={{ marginTop: 4 }}>
        <Row k="Cost">
          <b data-testid="span-cost">
            <CostText cost={span.cost} />
          </b>
        </Row>
        <Row k="Price">
          {span.priceId ? (
            <>
              <span className="mono">{span.priceId}</span>
              {costs.data && costs.data.matchedBy !== 'none' && <div className="faint">{priceMatchNote(costs.data.matchedBy, span.model)}</div>}
              {span.pricingStatus === 'gpu_hour' && (
                <div className="faint" data-testid="gpu-hour-note">
                  self-hosted, priced per GPU-hour: no token cost; its spend is GPU-hours (the GPUs page&apos;s split)
                </div>
              )}
              {costs.data && costs.data.buckets && !costs.data.consistent && <div className="warn-text">prices changed since this span was priced: reprice to update</div>}
            </>
          ) : unpriced ? <span className="warn-text">no price matched this model — cost unknown</span> : <span className="faint">—</span>}
        </Row>
      </dl>
    </>
  );
}

/** Pretty-prints JSON text for reading; the result is still rendered as plain text. */
function readable(text: string): string {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return text;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return text;
  }
}

function TextSection({ title, text }: { title: string; text: string }) {
  const [raw, setRaw] = useState(false);
  if (!text) return null;
  const messages = raw ? null : parseMessages(text);
  return (
    <>
      <div className="section-title" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        {title} <span className="faint">{formatInteger(text.length)} chars</span>
        <CopyButton text={text} label={`Copy ${title.toLowerCase()}`} />
        {(messages || raw) && (
          <button type="button" className="btn btn-ghost" style={{ height: 18, padding: '0 4px', fontSize: 11 }} onClick={() => setRaw((r) => !r)}>
            {raw ? 'messages' : 'raw'}
          </button>
        )}
      </div>
      {messages ? (
        <div className="text-block" style={{ display: 'grid', gap: 6 }}>
          {messages.map((m, i) => (
            <div key={i}>
              <div className="faint" style={{ fontSize: 10, textTransform: 'uppercase', letterSpacing: '0.05em' }}>
                {m.role}
              </div>
              <div>{m.text || <span className="faint">(empty)</span>}</div>
            </div>
          ))}
        </div>
      ) : (
        <pre className="text-block">{readable(text)}</pre>
      )}
    </>
  );
}

function KvTable({ map }: { map: Record<string, string> }) {
  return (
    <table className="table" style={{ tableLayout: 'fixed' }}>
      <tbody>
        {Object.entries(map)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => (
            <tr key={k}>
              <td className="mono muted" style={{ width: '44%', whiteSpace: 'normal', overflowWrap: 'break-word', height: 'auto', verticalAlign: 'top', padding: '3px 8px' }} title={k}>
                <DottedKey name={k} />
              </td>
              <td className="mono" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', height: 'auto', maxWidth: 'none', verticalAlign: 'top', padding: '3px 8px' }}>
                {v}
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

/** An attribute key that line-breaks only after its dots (gen_ai.usage.<wbr>input_tokens). */
function DottedKey({ name }: { name: string }) {
  const parts = name.split('.');
  return (
    <>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 && (
            <>
              .<wbr />
            </>
          )}
        </span>
      ))}
    </>
  );
}

function MapSection({ title, map }: { title: string; map: Record<string, string> }) {
  const n = Object.keys(map).length;
  if (n === 0) return null;
  return (
    <>
      <div className="section-title">
        {title} ({n})
      </div>
      <KvTable map={map} />
    </>
  );
}
