'use client';
import type { FailureAnalysis } from '@plumb/analytics';

/**
 * The failure causality line: where the failure that reached the root started and how it
 * propagated, with a jump to the origin span. Recovered errors get a quieter warning.
 */
export function FailureBanner({ failure, onJump }: { failure: FailureAnalysis; onJump: (spanId: string) => void }) {
  if (!failure.explanation) return null;
  const origin = failure.originSpanId;
  return (
    <div className={`banner ${origin ? 'is-error' : 'is-warn'}`} role="status" data-testid="failure-banner">
      <span aria-hidden="true" style={{ fontWeight: 700 }} className={origin ? 'error-text' : 'warn-text'}>
        {origin ? '✕' : '⚠'}
      </span>
      <div style={{ flex: 1 }}>
        <span className="banner-title">{origin ? 'Failed: ' : 'Recovered errors: '}</span>
        <span className="mono" style={{ fontSize: 12.5 }}>
          {failure.explanation}
        </span>
        {failure.errorSpanIds.length > 1 && <span className="muted"> · {failure.errorSpanIds.length} error spans in total</span>}
      </div>
      {origin ? (
        <button type="button" className="btn" onClick={() => onJump(origin)} title="Select the failure-origin span (e)">
          Go to origin span <kbd>e</kbd>
        </button>
      ) : failure.errorSpanIds[0] ? (
        <button type="button" className="btn" onClick={() => onJump(failure.errorSpanIds[0]!)}>
          Show first error
        </button>
      ) : null}
    </div>
  );
}
