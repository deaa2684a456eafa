import { errorLabel } from '@/lib/trace-status';

/**
 * Error count beside the root status: a failed trace (root error) is a red badge; a trace whose
 * errors were all recovered (root OK: retried, fallback, handled) is a muted amber badge that says
 * so — never styled like a failure.
 */
export function ErrorCell({ errorCount, status }: { errorCount: number; status: 'ok' | 'error' }) {
  const l = errorLabel(errorCount, status);
  if (l.kind === 'none') return <span className="faint">0</span>;
  return (
    <span className={`badge ${l.kind === 'failed' ? 'is-error' : 'is-recovered'}`} title={l.title} data-status={l.kind}>
      {l.text}
    </span>
  );
}
