import type { SpanRow } from '@plumb/store';
import { describe, expect, it } from 'vitest';
import { RecentSpans } from './dedupe.ts';

const row = (projectId: string, traceId: string, spanId: string) => ({ projectId, traceId, spanId }) as SpanRow;

describe('RecentSpans', () => {
  it('drops spans seen in the batch or marked before, and hands back one key per fresh row', () => {
    const recent = new RecentSpans();
    const a = row('p', 't1', 's1');
    const b = row('p', 't1', 's2');
    const first = recent.filter([a, b, row('p', 't1', 's1')]);
    expect(first.fresh).toEqual([a, b]);
    expect(first.duplicates).toBe(1);
    expect(first.keys).toEqual([RecentSpans.key(a), RecentSpans.key(b)]);
    // Not marked (the WAL append failed): a retry is accepted again.
    expect(recent.filter([a]).fresh).toEqual([a]);
    recent.mark(first.keys);
    expect(recent.has(a)).toBe(true);
    expect(recent.filter([a, b, row('p', 't1', 's3')]).duplicates).toBe(2);
    // Same ids under another project are another span.
    expect(recent.filter([row('q', 't1', 's1')]).fresh).toHaveLength(1);
  });

  it('keeps between capacity and twice capacity keys', () => {
    const recent = new RecentSpans(2);
    const rows = ['1', '2', '3', '4', '5'].map((s) => row('p', 't', s));
    recent.mark(rows.map(RecentSpans.key));
    // Generations of 2: {5} current, {3,4} previous; 1 and 2 are forgotten.
    expect(rows.map((r) => recent.has(r))).toEqual([false, false, true, true, true]);
  });
});
