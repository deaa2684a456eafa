import { formatInteger } from './format.ts';

export interface ErrorLabel {
  /** none: no error; failed: the root failed; recovered: errors below a root that succeeded. */
  kind: 'none' | 'failed' | 'recovered';
  text: string;
  title: string;
}

/**
 * How a trace's error count reads beside its root status. Errors under a root that succeeded
 * were recovered (a retry succeeded, a fallback answered, the caller handled them): they are
 * shown, but never like a failed request.
 */
export function errorLabel(errorCount: number, status: 'ok' | 'error'): ErrorLabel {
  const n = `${formatInteger(errorCount)} ${errorCount === 1 ? 'error' : 'errors'}`;
  if (status === 'error') {
    return errorCount > 0
      ? { kind: 'failed', text: `${n} · failed`, title: `${n}; the request failed (root span status error)` }
      : { kind: 'failed', text: 'failed', title: 'The request failed (root span status error)' };
  }
  if (errorCount === 0) return { kind: 'none', text: '0', title: 'No error' };
  return { kind: 'recovered', text: `${n} · recovered`, title: `${n}, all recovered: the root succeeded` };
}
