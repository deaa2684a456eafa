import { describe, expect, it } from 'vitest';
import { criticalPath, type CriticalPath } from './critical-path.ts';
import { agent, flatten, llm, researchTrace, rng, span, T0, tool } from './test-fixtures.ts';
import { CATEGORIES, type Category, type TraceSpan } from './types.ts';

/** Segments as [spanId, start, end] relative to T0. */
const rel = (cp: CriticalPath): [string, number, number][] => cp.segments.map((s) => [s.spanId, s.startMs - T0, s.endMs - T0]);
const sumCategories = (cp: CriticalPath): number => CATEGORIES.reduce((a, c) => a + cp.byCategory[c], 0);

describe('criticalPath', () => {
  it('walks the multi-agent research trace (hand-computed)', () => {
    const cp = criticalPath(researchTrace());
    expect(rel(cp)).toEqual([
      ['o-llm1', 0, 100],
      ['plan', 100, 110],
      ['p-llm', 110, 240],
      ['plan', 240, 250],
      ['res', 250, 255],
      ['r-llm1', 255, 350],
      ['r-search2', 350, 620], // the slower of the parallel searches blocks; r-search1 and r-ret do not
      ['r-llm2', 620, 622],
      ['r-llm2-http', 622, 688],
      ['r-llm2', 688, 690],
      ['res', 690, 700],
      ['wri', 700, 705],
      ['w-llm', 705, 960],
      ['wri', 960, 980],
      ['o-llm2', 980, 1000],
    ]);
    expect(cp.totalMs).toBe(1000);
    expect(cp.byCategory).toEqual({ llm: 670, agent: 60, tool: 270, retrieval: 0, chain: 0, other: 0 });
    expect(sumCategories(cp)).toBe(cp.totalMs);
    expect(cp.spanIds).toEqual(['o-llm1', 'plan', 'p-llm', 'res', 'r-llm1', 'r-search2', 'r-llm2', 'r-llm2-http', 'wri', 'w-llm', 'o-llm2']);
    expect(cp.selfTimeBySpan).toMatchObject({ plan: 20, res: 15, wri: 25, 'r-llm2': 4, 'r-search2': 270 });
    expect(cp.selfTimeBySpan.orch).toBeUndefined();
    expect(cp.spanIds).not.toContain('r-search1');
  });

  it('picks the last-finishing child before the cursor among overlapping parallel children', () => {
    // A [10,40] ∥ B [20,70] ∥ C [30,60], then D [75,90]: D blocks, then B; A and C overlap B's start.
    const spans = flatten(
      agent('R', 'orchestrator', [0, 100], [
        llm('A', 'gpt-4o', [10, 40], [1, 1, 0]),
        tool('B', 'search', [20, 70]),
        tool('C', 'fetch', [30, 60]),
        llm('D', 'gpt-4o', [75, 90], [1, 1, 0]),
      ]),
    );
    const cp = criticalPath(spans);
    expect(rel(cp)).toEqual([
      ['R', 0, 20],
      ['B', 20, 70],
      ['R', 70, 75],
      ['D', 75, 90],
      ['R', 90, 100],
    ]);
    expect(cp.byCategory).toMatchObject({ agent: 35, tool: 50, llm: 15 });
    expect(cp.selfTimeBySpan).toEqual({ R: 35, B: 50, D: 15 });
  });

  it('clips children to their parent and drops children outside it', () => {
    const spans = flatten(
      span('R', 'chain', 'root', [0, 100], [
        span('Z', 'tool', 'early', [-10, 30]),
        span('X', 'agent', 'late', [50, 120], [span('Y', 'llm', 'overflow', [90, 115])]),
        span('W', 'tool', 'after', [100, 130], [span('W1', 'llm', 'inside-dropped', [105, 110])]),
      ]),
    );
    const cp = criticalPath(spans);
    expect(rel(cp)).toEqual([
      ['Z', 0, 30],
      ['R', 30, 50],
      ['X', 50, 90],
      ['Y', 90, 100],
    ]);
    expect(cp.totalMs).toBe(100);
    expect(cp.byCategory).toEqual({ llm: 10, agent: 40, tool: 30, retrieval: 0, chain: 20, other: 0 });
  });

  it('treats back-to-back siblings as blocking (unlike Jaeger’s strict <)', () => {
    const spans = flatten(
      agent('R', 'a', [0, 30], [llm('L1', 'm', [0, 10], [0, 0, 0]), tool('T', 't', [10, 20]), llm('L2', 'm', [20, 30], [0, 0, 0])]),
    );
    expect(rel(criticalPath(spans))).toEqual([
      ['L1', 0, 10],
      ['T', 10, 20],
      ['L2', 20, 30],
    ]);
  });

  it('skips zero-length sections and merges the parent around a zero-length child', () => {
    const spans = flatten(agent('R', 'a', [0, 10], [tool('Z', 'noop', [5, 5]), tool('Z2', 'noop', [10, 10])]));
    const cp = criticalPath(spans);
    expect(rel(cp)).toEqual([['R', 0, 10]]);
    expect(cp.spanIds).toEqual(['R']);
  });

  it('uses the longest root when the trace is incomplete', () => {
    const spans = researchTrace().filter((s) => s.spanId !== 'orch');
    const cp = criticalPath(spans);
    expect(rel(cp)).toEqual([
      ['res', 250, 255],
      ['r-llm1', 255, 350],
      ['r-search2', 350, 620],
      ['r-llm2', 620, 622],
      ['r-llm2-http', 622, 688],
      ['r-llm2', 688, 690],
      ['res', 690, 700],
    ]);
  });

  it('returns an empty path for an empty trace', () => {
    const cp = criticalPath([]);
    expect(cp).toEqual({ segments: [], spanIds: [], totalMs: 0, byCategory: { llm: 0, agent: 0, tool: 0, retrieval: 0, chain: 0, other: 0 }, selfTimeBySpan: {} });
  });

  it('covers the root exactly with disjoint segments inside their spans (random traces)', () => {
    const categories: Category[] = ['llm', 'agent', 'tool', 'retrieval', 'chain', 'other'];
    for (let seed = 1; seed <= 200; seed++) {
      const rand = rng(seed);
      const spans: TraceSpan[] = flatten(span('s0', 'agent', 'root', [0, 1000]));
      const count = 2 + Math.floor(rand() * 40);
      for (let i = 1; i < count; i++) {
        const parent = spans[Math.floor(rand() * spans.length)]!;
        // Children mostly inside the parent, sometimes overflowing it or outside it entirely.
        const pStart = parent.startMs - T0;
        const pLen = parent.endMs - parent.startMs;
        const start = Math.round(pStart - 50 + rand() * (pLen + 100));
        const end = start + Math.round(rand() * pLen);
        spans.push({ ...spans[0]!, spanId: `s${i}`, parentSpanId: parent.spanId, category: categories[Math.floor(rand() * 6)]!, startMs: T0 + start, endMs: T0 + end });
      }
      const cp = criticalPath(spans);
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      expect(cp.segments[0]!.startMs).toBe(T0);
      expect(cp.segments[cp.segments.length - 1]!.endMs).toBe(T0 + 1000);
      for (let i = 0; i < cp.segments.length; i++) {
        const seg = cp.segments[i]!;
        const s = byId.get(seg.spanId)!;
        expect(seg.endMs).toBeGreaterThan(seg.startMs);
        expect(seg.startMs).toBeGreaterThanOrEqual(s.startMs);
        expect(seg.endMs).toBeLessThanOrEqual(s.endMs);
        if (i > 0) expect(seg.startMs).toBe(cp.segments[i - 1]!.endMs);
      }
      expect(cp.totalMs).toBe(1000);
      expect(sumCategories(cp)).toBeCloseTo(cp.totalMs, 9);
    }
  });

  it('handles very deep traces without recursion', () => {
    const n = 20_000;
    const spans = flatten(span('s0', 'chain', 's0', [0, 2 * n]));
    for (let i = 1; i < n; i++) spans.push({ ...spans[0]!, spanId: `s${i}`, parentSpanId: `s${i - 1}`, startMs: T0 + i, endMs: T0 + 2 * n - i });
    const cp = criticalPath(spans);
    expect(cp.segments).toHaveLength(2 * n - 1);
    expect(cp.totalMs).toBe(2 * n);
  });
});
