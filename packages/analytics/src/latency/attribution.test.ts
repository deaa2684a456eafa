import { describe, expect, it } from 'vitest';
import { attributeSlowRate, worstSegment, type SegmentCounts } from './attribution.ts';
import { bootstrapQuantileChange, histogramQuantile, seededRandom, type HistogramBin } from './bootstrap.ts';

const seg = (dimension: string, value: string, bR: number, bS: number, cR: number, cS: number): SegmentCounts => ({
  dimension, value, baselineRequests: bR, baselineSlow: bS, comparisonRequests: cR, comparisonSlow: cS,
});

describe('attributeSlowRate', () => {
  // Baseline: 1000 requests, 50 slow. Comparison: 1000 requests; model b slowed down for tenant t1.
  const rows = [
    seg('model', 'a', 500, 25, 500, 25),
    seg('model', 'b', 500, 25, 500, 125),
    seg('tenant', 't1', 300, 15, 300, 116),
    seg('tenant', 't2', 700, 35, 700, 34),
  ];
  const totals = { baselineRequests: 1000, baselineSlow: 50, comparisonRequests: 1000, comparisonSlow: 150 };

  it('splits the slow-rate change into mix + within that add up exactly per dimension', () => {
    const a = attributeSlowRate(rows, totals);
    expect(a.change).toBeCloseTo(0.1, 12);
    for (const d of a.dimensions) expect(d.mix + d.within).toBeCloseTo(a.change, 12);
    const model = a.dimensions.find((d) => d.dimension === 'model')!;
    expect(model.mix).toBeCloseTo(0, 12); // same traffic mix
    expect(model.segments[0]!.value).toBe('b');
    expect(model.segments[0]!.within).toBeCloseTo(0.5 * (0.25 - 0.05), 12);
  });

  it('ranks values by over-representation among slow requests (TVD score per dimension)', () => {
    const a = attributeSlowRate(rows, totals);
    const tenant = a.dimensions.find((d) => d.dimension === 'tenant')!;
    expect(tenant.segments.map((g) => g.value)).toEqual(['t1', 't2']);
    // p_sel(t1) = 116/150, p_base(t1) = 184/850.
    expect(tenant.segments[0]!.overRepresentation).toBeCloseTo(116 / 150 - 184 / 850, 12);
    expect(tenant.score).toBeCloseTo(116 / 150 - 184 / 850, 12);
    expect(a.dimensions[0]!.dimension).toBe('tenant');
    // t1 explains 0.3·(116/300 − 0.05) = 0.101 of the change, model b 0.5·0.2 = 0.1.
    expect(worstSegment(a)).toMatchObject({ dimension: 'tenant', value: 't1' });
    expect(worstSegment(a, ['model'])).toMatchObject({ dimension: 'model', value: 'b' });
  });

  it('books pure traffic-mix changes as mix, and keeps the identity for new segments', () => {
    const a = attributeSlowRate(
      [seg('model', 'fast', 900, 9, 500, 5), seg('model', 'slow', 100, 41, 400, 164), seg('model', 'new', 0, 0, 100, 50)],
      { baselineRequests: 1000, baselineSlow: 50, comparisonRequests: 1000, comparisonSlow: 219 },
    );
    const d = a.dimensions[0]!;
    expect(d.mix + d.within).toBeCloseTo(a.change, 12);
    const slow = d.segments.find((g) => g.value === 'slow')!;
    expect(slow.within).toBeCloseTo(0, 12);
    expect(slow.mix).toBeCloseTo(0.3 * 0.41, 12);
    expect(d.segments.find((g) => g.value === 'new')!.baselineSlowRate).toBeNull();
  });
});

describe('bootstrapQuantileChange', () => {
  const sample = (n: number, scale: number, seed: number): HistogramBin[] => {
    const r = seededRandom(seed);
    const m = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const v = Math.round(-Math.log(1 - r()) * scale);
      m.set(v, (m.get(v) ?? 0) + 1);
    }
    return [...m].map(([value, count]) => ({ value, count }));
  };

  it('takes the k-th smallest value as the quantile', () => {
    expect(histogramQuantile([{ value: 1, count: 94 }, { value: 10, count: 6 }], 0.95)).toBe(10);
    expect(histogramQuantile([{ value: 1, count: 95 }, { value: 10, count: 5 }], 0.95)).toBe(1);
    expect(Number.isNaN(histogramQuantile([], 0.95))).toBe(true);
  });

  it('covers a real change and excludes zero; covers zero when nothing changed', () => {
    const slower = bootstrapQuantileChange(sample(3000, 1000, 1), sample(3000, 1500, 2));
    expect(slower.change).toBeGreaterThan(0);
    expect(slower.ci![0]).toBeGreaterThan(0);
    expect(slower.ci![0]).toBeLessThanOrEqual(slower.change);
    expect(slower.ci![1]).toBeGreaterThanOrEqual(slower.change);
    // Exponential p95 = scale·ln 20 ≈ 3.0·scale: the true change 1498 lies inside.
    expect(slower.ci![0]).toBeLessThan(1500 * Math.log(20) - 1000 * Math.log(20));
    expect(slower.ci![1]).toBeGreaterThan(1500 * Math.log(20) - 1000 * Math.log(20));
    const same = bootstrapQuantileChange(sample(3000, 1000, 3), sample(3000, 1000, 4));
    expect(same.ci![0]).toBeLessThan(0);
    expect(same.ci![1]).toBeGreaterThan(0);
  });

  it('has about the stated coverage over repeated samples', () => {
    let covered = 0;
    const runs = 100;
    const truth = 1000 * Math.log(20) * 0.5;
    for (let i = 0; i < runs; i++) {
      const c = bootstrapQuantileChange(sample(1500, 1000, 100 + i), sample(1500, 1500, 500 + i), { replicates: 500, seed: i + 1 });
      if (c.ci![0] <= truth && truth <= c.ci![1]) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(88);
  });

  it('answers null intervals for an empty window', () => {
    expect(bootstrapQuantileChange([], [{ value: 1, count: 3 }]).ci).toBeNull();
  });
});
