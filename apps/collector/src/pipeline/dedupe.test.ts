import type { SpanRow } from '@plumb/store';
import { describe, expect, it } from 'vitest';
import { RecentSpans } from './dedupe.ts';

const hex = (n: number, chars: number) => n.toString(16).padStart(chars, '0');
const row = (projectId: string, trace: number, span: number) => ({ projectId, traceId: hex(trace, 32), spanId: hex(span, 16) }) as SpanRow;

describe('RecentSpans', () => {
  it('drops spans seen in the batch or marked before, and hands back one key per fresh row', () => {
    const recent = new RecentSpans(1_000);
    const a = row('p', 1, 1);
    const b = row('p', 1, 2);
    const first = recent.filter([a, b, row('p', 1, 1)]);
    expect(first.fresh).toEqual([a, b]);
    expect(first.duplicates).toBe(1);
    expect(first.keys).toHaveLength(2 * 7);
    // Not marked (the WAL append failed): a retry is accepted again.
    expect(recent.filter([a]).fresh).toEqual([a]);
    recent.mark(first.keys);
    expect(recent.has(a)).toBe(true);
    expect(recent.filter([a, b, row('p', 1, 3)]).duplicates).toBe(2);
    // Same ids under another project are another span.
    expect(recent.filter([row('q', 1, 1)]).fresh).toHaveLength(1);
  });

  it('tells apart ids that differ in any of their 24 bytes', () => {
    const recent = new RecentSpans(1_000);
    const base = { projectId: 'p', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) } as SpanRow;
    recent.markRows([base]);
    const variants: SpanRow[] = [];
    for (let i = 0; i < 32; i++) variants.push({ ...base, traceId: base.traceId.slice(0, i) + 'c' + base.traceId.slice(i + 1) });
    for (let i = 0; i < 16; i++) variants.push({ ...base, spanId: base.spanId.slice(0, i) + 'c' + base.spanId.slice(i + 1) });
    expect(variants.map((v) => recent.has(v))).toEqual(variants.map(() => false));
    expect(recent.has({ ...base })).toBe(true);
  });

  it('passes rows whose ids are not W3C lowercase hex through as fresh (never dropped by mistake)', () => {
    const recent = new RecentSpans(1_000);
    const odd = { projectId: 'p', traceId: 'not-hex', spanId: 'x' } as SpanRow;
    const first = recent.filter([odd, odd]);
    expect(first.fresh).toEqual([odd, odd]);
    recent.mark(first.keys);
    expect(recent.filter([odd]).fresh).toEqual([odd]);
  });

  it('keeps between capacity and twice capacity keys', () => {
    const recent = new RecentSpans(2);
    const rows = [1, 2, 3, 4, 5].map((s) => row('p', 9, s));
    recent.markRows(rows);
    // Generations of 2: {5} current, {3,4} previous; 1 and 2 are forgotten.
    expect(rows.map((r) => recent.has(r))).toEqual([false, false, true, true, true]);
  });

  it('holds a million keys through many generations without losing the recent ones', () => {
    const recent = new RecentSpans(100_000);
    for (let t = 0; t < 1_000_000; t += 500) {
      const batch = Array.from({ length: 500 }, (_, i) => row('p', t + i, t + i + 1));
      const f = recent.filter(batch);
      expect(f.duplicates).toBe(0);
      recent.mark(f.keys);
    }
    const recentRows = Array.from({ length: 1_000 }, (_, i) => row('p', 999_000 + i, 999_001 + i));
    expect(recent.filter(recentRows).duplicates).toBe(1_000);
    expect(recent.filter([row('p', 5, 6)]).duplicates).toBe(0); // long forgotten
  });
});
