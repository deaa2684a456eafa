import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from './types.ts';
import { validateSpanIds } from './validate.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

function span(ids: Partial<Pick<OtlpSpan, 'traceId' | 'spanId' | 'parentSpanId'>>): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: SPAN,
    parentSpanId: '',
    traceState: '',
    name: 'x',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: '' },
    ...ids,
  };
}

describe('validateSpanIds', () => {
  it.each([
    [{}],
    [{ parentSpanId: '0000000000000001' }],
    [{ traceId: '00000000000000000000000000000001', spanId: 'ffffffffffffffff' }],
  ])('accepts %j', (ids) => {
    expect(validateSpanIds(span(ids))).toBeNull();
  });

  it.each([
    [{ traceId: '' }, /^invalid traceId "": expected 32 hex characters$/],
    [{ traceId: TRACE.slice(1) }, /invalid traceId .*expected 32 hex/],
    [{ traceId: TRACE + '00' }, /invalid traceId/],
    [{ traceId: TRACE.toUpperCase() }, /invalid traceId/],
    [{ traceId: 'g' + TRACE.slice(1) }, /invalid traceId/],
    [{ traceId: '0'.repeat(32) }, /^invalid traceId: all zeros$/],
    [{ spanId: '' }, /^invalid spanId "": expected 16 hex characters$/],
    [{ spanId: 'eee19b7ec3c1b17' }, /invalid spanId/],
    [{ spanId: 'eee19b7ec3c1b17z' }, /invalid spanId/],
    [{ spanId: '0'.repeat(16) }, /^invalid spanId: all zeros$/],
    [{ parentSpanId: 'abc' }, /invalid parentSpanId "abc"/],
    [{ parentSpanId: '0'.repeat(16) }, /^invalid parentSpanId: all zeros$/],
    [{ traceId: 'x'.repeat(500) }, /^invalid traceId "x{40}…"/],
  ])('rejects %j', (ids, reason) => {
    expect(validateSpanIds(span(ids))).toMatch(reason);
  });

  it('reports the trace id before the span id', () => {
    expect(validateSpanIds(span({ traceId: '', spanId: '' }))).toMatch(/traceId/);
  });
});
