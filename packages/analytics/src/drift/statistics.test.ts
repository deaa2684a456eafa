/**
 * Each statistic against a value computed by hand from the formulas of methods.md A1; the hand
 * computation is written out above each expectation. Tolerance 1e-9 throughout.
 */
import { describe, expect, it } from 'vitest';
import { chiSquare, jensenShannon, ksFromBins, ksFromSamples, psi, wassersteinFromBins } from './statistics.ts';
import { chiSquareSurvival, gammaP, gammaQ, kolmogorovSurvival, lnGamma } from './special.ts';

const TOL = 1e-9;
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(TOL);

describe('PSI', () => {
  it('of two histograms without empty bins uses the plain shares', () => {
    // r = (50, 30, 20)/100 = (0.5, 0.3, 0.2); c = (30, 30, 40)/100 = (0.3, 0.3, 0.4)
    // PSI = (0.5−0.3)·ln(0.5/0.3) + (0.3−0.3)·ln 1 + (0.2−0.4)·ln(0.2/0.4)
    //     = 0.2·ln(5/3) + 0 + 0.2·ln 2 = 0.2·ln(10/3) = 0.2 × 1.2039728043259361 = 0.24079456086518722
    const r = psi([50, 30, 20], [30, 30, 40]);
    close(r.value, 0.24079456086518722);
    expect(r.smoothed).toBe(false);
    // Per-bin terms: 0.2·ln(5/3) = 0.10216512475319815, 0, 0.2·ln 2 = 0.13862943611198905
    close(r.contributions[0]!, 0.10216512475319815);
    close(r.contributions[1]!, 0);
    close(r.contributions[2]!, 0.13862943611198905);
  });

  it('smooths both windows with pseudocount 1 when a bin is empty in one window, and drops bins empty in both', () => {
    // ref (4, 0, 6, 0), cur (5, 5, 0, 0): bin 4 is empty in both → dropped, K = 3 bins kept.
    // Bin 2 is empty in ref, bin 3 in cur → smoothing: p_i = (n_i + 1)/(N + K), N = 10, K = 3.
    // r = (5, 1, 7)/13, c = (6, 6, 1)/13
    // PSI = (5−6)/13·ln(5/6) + (1−6)/13·ln(1/6) + (7−1)/13·ln 7
    //     = (ln(6/5) + 5·ln 6 + 6·ln 7)/13
    //     = (0.1823215567939546 + 8.958797346140275 + 11.675460001630798)/13 = 1.60127536902047
    const r = psi([4, 0, 6, 0], [5, 5, 0, 0]);
    expect(r.smoothed).toBe(true);
    close(r.value, 1.60127536902047);
    close(r.refShares[0]!, 5 / 13);
    close(r.curShares[2]!, 1 / 13);
    expect(r.contributions[3]).toBe(0);
  });

  it('is 0 for identical shares whatever the sample sizes', () => {
    close(psi([1, 2, 3], [10, 20, 30]).value, 0);
  });
});

describe('Jensen–Shannon distance, log base 2', () => {
  it('of partly overlapping histograms', () => {
    // r = (0.5, 0.5, 0), c = (0, 0.5, 0.5), m = (r + c)/2 = (0.25, 0.5, 0.25)
    // KL(r‖m) = 0.5·log2(0.5/0.25) + 0.5·log2(0.5/0.5) + 0 = 0.5
    // KL(c‖m) = 0 + 0.5·log2(1) + 0.5·log2(2) = 0.5
    // JS = sqrt((0.5 + 0.5)/2) = sqrt(0.5) = 0.7071067811865476
    close(jensenShannon([10, 10, 0], [0, 3, 3]).value, 0.7071067811865476);
  });

  it('is 1 for disjoint histograms and 0 for equal ones (base 2 bounds)', () => {
    // r = (1, 0), c = (0, 1), m = (0.5, 0.5): KL(r‖m) = log2 2 = 1 = KL(c‖m) → JS = sqrt(1) = 1
    close(jensenShannon([7, 0], [0, 9]).value, 1);
    close(jensenShannon([2, 3, 5], [4, 6, 10]).value, 0);
  });
});

describe('χ² test of homogeneity', () => {
  it('statistic, dof and p-value of a 2×3 table', () => {
    // ref (10, 20, 30), cur (20, 20, 20): N_r = N_c = 60, N = 120, column totals (30, 40, 50)
    // E_ref = E_cur = 60·(30, 40, 50)/120 = (15, 20, 25)
    // X² = (10−15)²/15 + 0 + (30−25)²/25 + (20−15)²/15 + 0 + (20−25)²/25
    //    = 25/15 + 25/25 + 25/15 + 25/25 = 10/3 + 2 = 16/3; dof = 3 − 1 = 2
    // p = Q(dof/2, X²/2) = Q(1, 8/3) = e^(−8/3) = 0.06948345122280154 (χ²₂ survival is e^(−x/2))
    const r = chiSquare([10, 20, 30], [20, 20, 20]);
    close(r.statistic, 16 / 3);
    expect(r.dof).toBe(2);
    close(r.pValue, 0.06948345122280154);
  });

  it('with two bins equals the two-proportion z-test, and a bin empty in one window needs no smoothing', () => {
    // ref (30, 70), cur (45, 55): p1 = 0.3, p2 = 0.45, pooled p = 75/200 = 0.375
    // z² = (0.3−0.45)² / (0.375·0.625·(1/100 + 1/100)) = 0.0225/0.0046875 = 4.8
    // X²: E = 100·(75, 125)/200 = (37.5, 62.5); 2·7.5²/37.5 + 2·7.5²/62.5 = 3 + 1.8 = 4.8
    close(chiSquare([30, 70], [45, 55]).statistic, 4.8);
    // ref (10, 0), cur (5, 5): columns (15, 5), N_r = N_c = 10, E = (7.5, 2.5) in both rows
    // X² = 2.5²/7.5 + 2.5²/2.5 + 2.5²/7.5 + 2.5²/2.5 = 0.8333… + 2.5 + 0.8333… + 2.5 = 20/3, dof 1
    const r = chiSquare([10, 0, 0], [5, 5, 0]);
    close(r.statistic, 20 / 3);
    expect(r.dof).toBe(1);
  });
});

describe('regularized incomplete gamma and the χ² survival', () => {
  it('matches closed forms on both sides of x = a + 1 (series and continued fraction)', () => {
    // Integer a: Q(n, x) = e^(−x) Σ_{k<n} x^k/k!
    // Q(5, 3.2) = e^(−3.2)(1 + 3.2 + 5.12 + 5.461333… + 4.369066…) = 0.7806125110673044
    close(gammaQ(5, 3.2), 0.7806125110673044);
    close(gammaP(5, 3.2), 1 - 0.7806125110673044);
    // Q(5, 12) = e^(−12)(1 + 12 + 72 + 288 + 864) = 1237·e^(−12) = 0.007600390681066996
    close(gammaQ(5, 12), 0.007600390681066996);
    // χ²₄ survival = e^(−x/2)(1 + x/2): x = 7.3 → e^(−3.65)·4.65 = 0.12085874882121238
    close(chiSquareSurvival(7.3, 4), 0.12085874882121238);
  });

  it('gives 0.05 at the tabulated 95 % quantiles', () => {
    // χ²(0.95) quantiles from the standard table (to 16 digits): dof 1 3.841458820694124,
    // dof 2 5.991464547107979, dof 10 18.307038053275146, dof 100 124.34211340400407
    close(chiSquareSurvival(3.841458820694124, 1), 0.05);
    close(chiSquareSurvival(5.991464547107979, 2), 0.05);
    close(chiSquareSurvival(18.307038053275146, 10), 0.05);
    close(chiSquareSurvival(124.34211340400407, 100), 0.05);
  });

  it('ln Γ at integers and half-integers', () => {
    // Γ(5) = 4! = 24; Γ(1/2) = √π; Γ(10.5) = (19!!/2^10)·√π = 654729075/1024·√π
    close(lnGamma(5), Math.log(24));
    close(lnGamma(0.5), 0.5 * Math.log(Math.PI));
    close(lnGamma(10.5), Math.log((654729075 / 1024) * Math.sqrt(Math.PI)));
  });
});

describe('Kolmogorov–Smirnov', () => {
  it('D and p-value on raw values', () => {
    // ref {1,2,3,4}, cur {3,4,5,6}: after x = 1: |1/4 − 0| = .25; x = 2: |2/4 − 0| = .5;
    // x = 3: |3/4 − 1/4| = .5; x = 4: |1 − 2/4| = .5; x = 5: .25; x = 6: 0 → D = 0.5
    // n_e = 4·4/8 = 2, λ = √2·0.5, 2λ² = 1: Q = 2(e^−1 − e^−4 + e^−9 − e^−16 + …)
    //   = 2(0.36787944117144233 − 0.018315638888734179 + 0.00012340980408667956
    //       − 1.1253517471925912e-7 + 1.3887943864964021e-11 − …) = 0.6993741991310157
    const r = ksFromSamples([4, 2, 1, 3], [6, 3, 5, 4]);
    close(r.d, 0.5);
    close(r.pValue, 0.6993741991310157);
    expect(r.basis).toBe('raw');
  });

  it('handles ties: every copy of a value is passed before the CDFs are compared', () => {
    // ref {1,1,2}, cur {1,2,2}: x = 1: |2/3 − 1/3| = 1/3; x = 2: |1 − 1| = 0 → D = 1/3
    close(ksFromSamples([1, 1, 2], [1, 2, 2]).d, 1 / 3);
  });

  it('on bins: D at the edges with the bound on the exact D', () => {
    // ref (10, 20, 30, 40), cur (40, 30, 20, 10), m = n = 100
    // cumulative R = (.1, .3, .6, 1), C = (.4, .7, .9, 1) → D = max|R − C| = max(.3, .4, .3, 0) = 0.4
    // upper bound per bin max(R_i − C_{i−1}, C_i − R_{i−1}): (.4, .6, .6, .4) → 0.6
    // n_e = 50; p at D: 2λ² = 2·50·0.16 = 16 → Q = 2(e^−16 − e^−64 + …) = 2.2507034943851823e-7
    // p at the upper bound: 2λ² = 2·50·0.36 = 36 → 2(e^−36 − e^−144) = 4.639045660487139e-16
    const r = ksFromBins([10, 20, 30, 40], [40, 30, 20, 10]);
    close(r.d, 0.4);
    close(r.dUpper!, 0.6);
    close(r.pValue, 2.2507034943851823e-7);
    close(r.pValueAtUpper!, 4.639045660487139e-16);
  });

  it('Kolmogorov Q(λ): both series forms (below and from λ = 1)', () => {
    // Q(1) = 2(e^−2 − e^−8 + e^−18 − e^−32 + …) = 2(0.1353352832366127 − 0.00033546262790251185
    //   + 1.522997974471263e-8 − 1.2664165549094176e-14) = 0.26999967167735456 (series path)
    close(kolmogorovSurvival(1), 0.26999967167735456);
    // Q(0.5) = 2(e^−0.5 − e^−2 + e^−4.5 − e^−8 + e^−12.5 − …) = 0.9639452436648751 (theta path)
    close(kolmogorovSurvival(0.5), 0.9639452436648751);
    // Q(λ) → 1 as λ → 0 (no evidence), Q(3) = 2(e^−18 − e^−72) = 3.0459959489425e-8
    close(kolmogorovSurvival(0.05), 1);
    close(kolmogorovSurvival(3), 2 * (Math.exp(-18) - Math.exp(-72)));
  });
});

describe('normalised Wasserstein on bin midpoints', () => {
  it('W1 from cumulative shares times midpoint gaps, over the reference std', () => {
    // midpoints (5, 15, 30) — e.g. bins [0,10), [10,20), [20,40] with the tails clipped
    // ref (50, 30, 20) → R = (.5, .8, 1); cur (20, 30, 50) → C = (.2, .5, 1)
    // W1 = |.5−.2|·(15−5) + |.8−.5|·(30−15) = 3 + 4.5 = 7.5; normalised 7.5/8 = 0.9375
    const r = wassersteinFromBins([50, 30, 20], [20, 30, 50], [5, 15, 30], 8);
    close(r.raw, 7.5);
    close(r.value, 0.9375);
    // std below 0.001 is floored at 0.001: 7.5/0.001 = 7500
    close(wassersteinFromBins([50, 30, 20], [20, 30, 50], [5, 15, 30], 0).value, 7500);
  });
});
