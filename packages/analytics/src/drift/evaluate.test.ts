import { describe, expect, it } from 'vitest';
import { binInfos, categoricalBinIndex, categoricalBinning, edgesFromQuantiles, numericBinIndex, numericBinning, numericMidpoints } from './binning.ts';
import { evaluateDrift, resolveMethod } from './evaluate.ts';

const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(1e-9);

describe('binning', () => {
  it('numeric: deciles deduplicated, open tails, null bin last', () => {
    // Deciles of a feature that is 0 in 30 % of rows repeat the 0 edge.
    const b = numericBinning([0, 0, 0, 5, 10, 10, 20, 40, 80], 0, 300, 50);
    expect(b.edges).toEqual([0, 5, 10, 20, 40, 80]);
    expect(binInfos(b).map((x) => x.label)).toEqual(['< 0', '[0, 5)', '[5, 10)', '[10, 20)', '[20, 40)', '[40, 80)', '≥ 80', '(null)']);
    expect(numericBinIndex(b, -1)).toBe(0);
    expect(numericBinIndex(b, 0)).toBe(1); // edges are inclusive below: [0, 5)
    expect(numericBinIndex(b, 79.9)).toBe(5);
    expect(numericBinIndex(b, 80)).toBe(6);
    expect(numericBinIndex(b, 1e9)).toBe(6);
    expect(numericBinIndex(b, null)).toBe(7);
    // Tails clipped to the reference range [0, 300]: (0+0)/2, …, (80+300)/2
    expect(numericMidpoints(b)).toEqual([0, 2.5, 7.5, 15, 30, 60, 190]);
    expect(edgesFromQuantiles([Number.NaN, 3, 1, 3])).toEqual([1, 3]);
  });

  it('categorical: top-K by count (ties by value), other, unseen, null', () => {
    const b = categoricalBinning([{ value: 'stop', count: 90 }, { value: 'length', count: 5 }, { value: 'tool_calls', count: 5 }, { value: '', count: 7 }], 2);
    expect(b.categories).toEqual(['stop', 'length']);
    expect(categoricalBinIndex(b, 'stop', true)).toBe(0);
    expect(categoricalBinIndex(b, 'tool_calls', true)).toBe(2);
    expect(categoricalBinIndex(b, 'content_filter', false)).toBe(3);
    expect(categoricalBinIndex(b, '', false)).toBe(4);
  });
});

describe('method selection (methods.md A3, the smaller window decides)', () => {
  const numeric = numericBinning([1, 2, 3], 0, 4, 1);
  const categorical = categoricalBinning([{ value: 'a', count: 1 }]);
  it('numeric', () => {
    expect(resolveMethod({ binning: numeric }, 5000, 1000).method).toBe('ks');
    expect(resolveMethod({ binning: numeric }, 5000, 1001).method).toBe('wasserstein');
    expect(resolveMethod({ binning: numeric, distinctValues: 5 }, 5000, 5000).method).toBe('js');
    expect(resolveMethod({ binning: numeric, distinctValues: 4 }, 10, 5000).method).toBe('chi2');
  });
  it('categorical and explicit', () => {
    expect(resolveMethod({ binning: categorical }, 999, 1e6).method).toBe('chi2');
    expect(resolveMethod({ binning: categorical }, 1001, 1e6).method).toBe('js');
    expect(resolveMethod({ binning: categorical, method: 'psi' }, 1, 1).method).toBe('psi');
  });
});

describe('evaluateDrift', () => {
  it('numeric, large windows: normalised Wasserstein flags a doubled output length, bins and nulls reported', () => {
    // edges (10, 20), reference range [0, 40], std 8 → midpoints (5, 15, 30) and a null bin
    const binning = numericBinning([10, 20], 0, 40, 8);
    // ref: 5000 / 3000 / 2000 non-null + 0 null; cur: 2000 / 3000 / 5000 + 1000 null
    const r = evaluateDrift({ binning, ref: [5000, 3000, 2000, 0], cur: [2000, 3000, 5000, 1000] });
    expect(r.method).toBe('wasserstein');
    // Non-null shares as in the Wasserstein hand test: W1 = 7.5, normalised 0.9375
    close(r.score, 0.9375);
    expect(r.flagged).toBe(true);
    close(r.nullShare.cur, 1000 / 11000);
    // PSI on all 4 bins; the null bin is empty in ref → pseudocount 1, K = 4:
    // r = (5001, 3001, 2001, 1)/10004, c = (2001, 3001, 5001, 1001)/11004
    const rr = [5001, 3001, 2001, 1].map((x) => x / 10004);
    const cc = [2001, 3001, 5001, 1001].map((x) => x / 11004);
    const psi = rr.reduce((s, ri, i) => s + (ri - cc[i]!) * Math.log(ri / cc[i]!), 0);
    close(r.psi, psi);
    expect(r.psiSmoothed).toBe(true);
    expect(r.severity).toBe(psi >= 0.25 ? 'critical' : 'warn');
    // The tails moved (and the null bin appeared); the middle bin did not.
    expect(r.bins.map((b) => b.moved)).toEqual([true, false, true, true]);
    expect(r.ks?.basis).toBe('binned');
  });

  it('numeric, small windows: KS on raw values when given', () => {
    const binning = numericBinning([2, 3], 1, 6, 1.5);
    const r = evaluateDrift({ binning, ref: [1, 1, 2, 0], cur: [0, 1, 3, 0], samples: { ref: [1, 2, 3, 4], cur: [3, 4, 5, 6] } });
    expect(r.method).toBe('ks');
    close(r.score, 0.5);
    close(r.pValue!, 0.6993741991310157);
    expect(r.flagged).toBe(false);
    expect(r.severity).toBe('ok');
  });

  it('categorical: an unseen finish reason shows in its own bin; no data is no-data, never ok', () => {
    const binning = categoricalBinning([{ value: 'stop', count: 900 }, { value: 'tool_calls', count: 100 }]);
    const r = evaluateDrift({ binning, ref: [1800, 200, 0, 0, 0], cur: [1000, 200, 0, 800, 0] });
    expect(r.method).toBe('js');
    expect(r.flagged).toBe(true);
    expect(r.bins[3]).toMatchObject({ kind: 'unseen', moved: true, curCount: 800 });
    const empty = evaluateDrift({ binning, ref: [1, 1, 0, 0, 0], cur: [0, 0, 0, 0, 0] });
    expect(empty.severity).toBe('no-data');
    expect(empty.flagged).toBe(false);
    expect(() => evaluateDrift({ binning, ref: [1], cur: [1] })).toThrow(/expected 5 bins/);
  });
});

describe('fine bins', () => {
  it('deciles are every tenth percentile; fine bins map into decile bins; KS and Wasserstein read the fine counts', async () => {
    const { numericBinningFromPercentiles, coarseBinOfFine } = await import('./binning.ts');
    // Percentiles 1..99 of the values 1..100: p_k = 1 + 0.99·k
    const pct = Array.from({ length: 99 }, (_, i) => 1 + 0.99 * (i + 1));
    const b = numericBinningFromPercentiles(pct, 1, 100, 28.86607004772212);
    expect(b.edges).toHaveLength(9);
    close(b.edges[0]!, pct[9]!);
    expect(b.fineEdges).toHaveLength(99);
    const map = coarseBinOfFine(b);
    expect(map).toHaveLength(100);
    // fine bins 0..9 (below p10) → decile bin 0; fine bin 10 ([p10, p11)) → 1; the last → 9
    expect(map.slice(0, 11)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(map[99]).toBe(9);
    // One value per fine bin in ref; current all in the last fine bin.
    const fineRef = Array.from({ length: 100 }, () => 1);
    const fineCur = Array.from({ length: 100 }, (_, j) => (j === 99 ? 100 : 0));
    const coarse = (fine: number[]) => {
      const out = Array.from({ length: 11 }, () => 0);
      fine.forEach((n, j) => (out[map[j]!]! += n));
      return out;
    };
    const r = evaluateDrift({ binning: b, ref: coarse(fineRef), cur: coarse(fineCur), fine: { ref: fineRef, cur: fineCur } });
    // At the last fine edge R = 99/100, C = 0 → D = 0.99; inside the last bin the bound reaches 1.
    close(r.ks!.d, 0.99);
    close(r.ks!.dUpper!, 1);
    expect(r.method).toBe('ks'); // 100 rows per window ≤ 1,000
  });
});
