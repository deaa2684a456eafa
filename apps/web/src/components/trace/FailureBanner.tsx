'use client';
import type { FailureAnalysis, FailureStep } from '@plumb/analytics';
import { useState } from 'react';
import { formatInteger } from '@/lib/format';

/** Chains longer than this show their first and last links with the middle folded. */
const MAX_STEPS = 6;

/**
 * The failure causality line: where the failure that reached the root started and how it
 * propagated, one link per step of the chain (each a jump to its span; repeated links are one
 * step "×N", so a 20,000-deep chain is one line), plus how many errors were recovered (retried
 * or handled) and so are not the cause. Recovered-only traces get a quieter warning.
 */
export function FailureBanner({ failure, onJump }: { failure: FailureAnalysis; onJump: (spanId: string) => void }) {
  const [expanded, setExpanded] = useState(false);
  if (!failure.explanation) return null;
  const origin = failure.originSpanId;
  const errors = failure.errorSpanIds.length;
  const recovered = failure.recoveredSpanIds.length;
  const firstRecovered = failure.recoveredSpanIds[0] ?? failure.errorSpanIds[0];
  return (
    <div className={`banner ${origin ? 'is-error' : 'is-warn'}`} role="status" data-testid="failure-banner">
      <span aria-hidden="true" style={{ fontWeight: 700 }} className={origin ? 'error-text' : 'warn-text'}>
        {origin ? '✕' : '⚠'}
      </span>
      <div style={{ flex: 1, minWidth: 0 }}>
        <span className="banner-title">{origin ? 'Failed: ' : 'Recovered errors: '}</span>
        {origin ? (
          <FailureChain steps={failure.steps} expanded={expanded} onExpand={() => setExpanded(true)} onJump={onJump} />
        ) : (
          <span className="mono" style={{ fontSize: 12.5 }} data-testid="failure-explanation">
            {failure.explanation}
          </span>
        )}
        <div className="muted" style={{ marginTop: 2 }} data-testid="failure-counts">
          {formatInteger(errors)} error {errors === 1 ? 'span' : 'spans'}
          {recovered > 0 && (
            <>
              {' · '}
              {formatInteger(recovered)} recovered (retried or handled, not the cause)
            </>
          )}
        </div>
      </div>
      {origin ? (
        <button type="button" className="btn" onClick={() => onJump(origin)} title="Select the failure-origin span (e); Shift+E walks up the chain">
          Go to origin span <kbd>e</kbd>
        </button>
      ) : firstRecovered ? (
        <button type="button" className="btn" onClick={() => onJump(firstRecovered)}>
          Show first error
        </button>
      ) : null}
    </div>
  );
}

function FailureChain({ steps, expanded, onExpand, onJump }: { steps: FailureStep[]; expanded: boolean; onExpand: () => void; onJump: (spanId: string) => void }) {
  const folded = !expanded && steps.length > MAX_STEPS;
  const head = folded ? steps.slice(0, MAX_STEPS - 2) : steps;
  const tail = folded ? steps.slice(-2) : [];
  const link = (s: FailureStep) => (
    <button
      type="button"
      className="btn btn-ghost mono"
      style={{ height: 'auto', padding: 0, fontSize: 12.5, color: 'inherit', textAlign: 'left', whiteSpace: 'normal' }}
      onClick={() => onJump(s.spanId)}
      title="Select this span"
    >
      {s.text}
      {s.count > 1 && (
        <b className="error-text" data-testid="failure-step-count">
          {' '}×{formatInteger(s.count)}
        </b>
      )}
    </button>
  );
  return (
    <span data-testid="failure-explanation">
      {head.map((s, i) => (
        <span key={s.spanId} data-testid="failure-step">
          {i > 0 && <span className="faint"> → </span>}
          {link(s)}
        </span>
      ))}
      {folded && (
        <>
          <span className="faint"> → </span>
          <button type="button" className="btn btn-ghost" style={{ height: 'auto', padding: '0 4px' }} onClick={onExpand}>
            … {formatInteger(steps.length - head.length - tail.length)} more links
          </button>
          {tail.map((s) => (
            <span key={s.spanId} data-testid="failure-step">
              <span className="faint"> → </span>
              {link(s)}
            </span>
          ))}
        </>
      )}
    </span>
  );
}
