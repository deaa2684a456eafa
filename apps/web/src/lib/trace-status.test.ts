import { describe, expect, it } from 'vitest';
import { errorLabel } from './trace-status.ts';

describe('errorLabel: the error count beside the root status', () => {
  it('a trace whose errors were all recovered is not shown like a failed one', () => {
    const recovered = errorLabel(2, 'ok');
    const failed = errorLabel(2, 'error');
    expect(recovered).toMatchObject({ kind: 'recovered', text: '2 errors · recovered' });
    expect(failed).toMatchObject({ kind: 'failed', text: '2 errors · failed' });
    expect(recovered.kind).not.toBe(failed.kind);
    expect(recovered.title).toMatch(/root succeeded/);
  });

  it('singular, large counts formatted, no errors', () => {
    expect(errorLabel(1, 'ok').text).toBe('1 error · recovered');
    expect(errorLabel(19_999, 'error').text).toBe('19,999 errors · failed');
    expect(errorLabel(0, 'ok')).toMatchObject({ kind: 'none', text: '0' });
    // A root that failed on its own (no error span recorded below it is still an error span itself).
    expect(errorLabel(0, 'error')).toMatchObject({ kind: 'failed', text: 'failed' });
  });
});
