/**
 * Drift statistics on two count vectors over the same frozen bins (reference r, current c),
 * formulas of methods.md A1. Pure; every function takes counts, not shares, so the smoothing
 * and the sample sizes are decided here, once.
 *
 * Decisions where methods.md leaves a case open (also in the monitor help text):
 * - Bins empty in BOTH windows are dropped by every statistic (they carry no information).
 * - PSI: when some remaining bin is empty in exactly one window, ln(r/c) is infinite, so both
 *   windows get additive smoothing with pseudocount 1 on counts (Phoenix's AdditiveSmoothing):
 *   p_i = (n_i + 1) / (N + K), K = bins kept. Without such a bin, the plain shares n_i / N.
 * - χ²: the two-sample test of homogeneity on the 2×K contingency table (NannyML, scipy
 *   chi2_contingency without Yates' correction), not Evidently's goodness of fit that takes the
 *   reference as exact: E_wj = N_w · (r_j + c_j) / (N_r + N_c) is > 0 for every kept bin, so no
 *   smoothing is needed. dof = K − 1. With K = 2 it equals the two-proportion z-test (X² = z²).
 * - Jensen–Shannon distance with log base 2 (∈ [0, 1]); needs no smoothing (0·log 0 = 0).
 */
import { chiSquareSurvival, kolmogorovSurvival } from './special.ts';

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function checkCounts(ref: readonly number[], cur: readonly number[]): void {
  if (ref.length !== cur.length) throw new RangeError(`drift: ${ref.length} reference bins vs ${cur.length} current bins`);
  for (const x of [...ref, ...cur]) if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`drift: counts must be finite and ≥ 0, got ${x}`);
}

export interface PsiResult {
  value: number;
  /** Per-bin term (r_i − c_i)·ln(r_i / c_i), 0 for dropped bins; sums to value. */
  contributions: number[];
  /** Shares used (after smoothing when it applied); 0 for dropped bins. */
  refShares: number[];
  curShares: number[];
  smoothed: boolean;
}

export const PSI_PSEUDOCOUNT = 1;

export function psi(ref: readonly number[], cur: readonly number[]): PsiResult {
  checkCounts(ref, cur);
  const kept = ref.map((r, i) => r > 0 || cur[i]! > 0);
  const k = kept.filter(Boolean).length;
  const nr = sum(ref);
  const nc = sum(cur);
  const smoothed = ref.some((r, i) => kept[i] && (r === 0 || cur[i] === 0));
  const a = smoothed ? PSI_PSEUDOCOUNT : 0;
  const refShares = ref.map((r, i) => (kept[i] ? (r + a) / (nr + k * a) : 0));
  const curShares = cur.map((c, i) => (kept[i] ? (c + a) / (nc + k * a) : 0));
  const contributions = refShares.map((r, i) => {
    const c = curShares[i]!;
    return kept[i] ? (r - c) * Math.log(r / c) : 0;
  });
  return { value: sum(contributions), contributions, refShares, curShares, smoothed };
}

export interface JsResult {
  /** Jensen–Shannon distance, log base 2: sqrt((KL(r‖m) + KL(c‖m)) / 2) ∈ [0, 1]. */
  value: number;
  /** Per-bin share of the divergence (value² = Σ terms). */
  terms: number[];
}

export function jensenShannon(ref: readonly number[], cur: readonly number[]): JsResult {
  checkCounts(ref, cur);
  const nr = sum(ref);
  const nc = sum(cur);
  const terms = ref.map((rc, i) => {
    const r = nr > 0 ? rc / nr : 0;
    const c = nc > 0 ? cur[i]! / nc : 0;
    const m = (r + c) / 2;
    let t = 0;
    if (r > 0) t += r * Math.log2(r / m);
    if (c > 0) t += c * Math.log2(c / m);
    return t / 2;
  });
  // Rounding can leave a divergence of −1e-17 for identical histograms.
  return { value: Math.sqrt(Math.max(0, sum(terms))), terms };
}

export interface ChiSquareResult {
  statistic: number;
  dof: number;
  pValue: number;
}

export function chiSquare(ref: readonly number[], cur: readonly number[]): ChiSquareResult {
  checkCounts(ref, cur);
  const nr = sum(ref);
  const nc = sum(cur);
  const n = nr + nc;
  let statistic = 0;
  let k = 0;
  for (let i = 0; i < ref.length; i++) {
    const col = ref[i]! + cur[i]!;
    if (col === 0) continue;
    k++;
    const er = (nr * col) / n;
    const ec = (nc * col) / n;
    statistic += (ref[i]! - er) ** 2 / er + (cur[i]! - ec) ** 2 / ec;
  }
  const dof = k - 1;
  if (dof < 1 || nr === 0 || nc === 0) return { statistic: 0, dof: Math.max(0, dof), pValue: 1 };
  return { statistic, dof, pValue: chiSquareSurvival(statistic, dof) };
}

/** Effective sample size of the two-sample KS test, n_e = m·n / (m + n). */
export function ksEffectiveN(m: number, n: number): number {
  return m + n === 0 ? 0 : (m * n) / (m + n);
}

/** Asymptotic p-value Q(√n_e · D) (methods.md A1). */
export function ksPValue(d: number, m: number, n: number): number {
  return kolmogorovSurvival(Math.sqrt(ksEffectiveN(m, n)) * d);
}

export interface KsResult {
  /** The statistic reported: exact D on raw values; on bins, D at the bin edges (a lower bound). */
  d: number;
  pValue: number;
  /** 'raw' = exact D from the values; 'binned' = from counts, with dUpper bounding the exact D. */
  basis: 'raw' | 'binned';
  /** Binned only: the exact D lies in [d, dUpper]. */
  dUpper?: number;
  /** Binned only: the p-value at dUpper (the exact test's p lies in [pValueAtUpper, pValue]). */
  pValueAtUpper?: number;
  nRef: number;
  nCur: number;
}

/** Exact two-sample D = sup_x |F_ref(x) − F_cur(x)| on raw (non-null) values. */
export function ksFromSamples(refValues: readonly number[], curValues: readonly number[]): KsResult {
  const a = Float64Array.from(refValues).sort();
  const b = Float64Array.from(curValues).sort();
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return { d: 0, pValue: 1, basis: 'raw', nRef: m, nCur: n };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < m && j < n) {
    // Step past every copy of the smallest next value in both samples, then compare the CDFs.
    const x = Math.min(a[i]!, b[j]!);
    while (i < m && a[i] === x) i++;
    while (j < n && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / m - j / n));
  }
  return { d, pValue: ksPValue(d, m, n), basis: 'raw', nRef: m, nCur: n };
}

/**
 * KS from counts over ordered range bins (no null bin). At an edge both CDFs are known exactly,
 * so D_edges = max_i |R_i − C_i| is a lower bound of the exact D (methods.md A7). Inside bin i
 * each CDF stays between its values at the bin's two edges, so |F_r(x) − F_c(x)| ≤
 * max(R_{i+1} − C_i, C_{i+1} − R_i): the largest of these over the bins is the upper bound.
 * Fine bins (many, small) make the two close; the p-value reported is the one at D_edges.
 */
export function ksFromBins(ref: readonly number[], cur: readonly number[]): KsResult {
  checkCounts(ref, cur);
  const m = sum(ref);
  const n = sum(cur);
  if (m === 0 || n === 0) return { d: 0, pValue: 1, basis: 'binned', dUpper: 1, pValueAtUpper: 1, nRef: m, nCur: n };
  let rPrev = 0;
  let cPrev = 0;
  let d = 0;
  let dUpper = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = rPrev + ref[i]! / m;
    const c = cPrev + cur[i]! / n;
    d = Math.max(d, Math.abs(r - c));
    dUpper = Math.max(dUpper, r - cPrev, c - rPrev);
    rPrev = r;
    cPrev = c;
  }
  dUpper = Math.min(1, Math.max(d, dUpper));
  return { d, pValue: ksPValue(d, m, n), basis: 'binned', dUpper, pValueAtUpper: ksPValue(dUpper, m, n), nRef: m, nCur: n };
}

/** The floor Evidently puts under the reference std when normalising W1. */
export const WASSERSTEIN_MIN_STD = 0.001;

export interface WassersteinResult {
  /** W1 / max(refStd, 0.001). */
  value: number;
  /** W1 in the feature's unit. */
  raw: number;
}

/**
 * Wasserstein-1 between the two histograms with each bin's mass at its midpoint (points must be
 * increasing): W1 = Σ_i |R_i − C_i| · (x_{i+1} − x_i), R, C the cumulative shares through bin i;
 * normalised by the reference's population std (Evidently's wasserstein_distance_norm).
 */
export function wassersteinFromBins(ref: readonly number[], cur: readonly number[], points: readonly number[], refStd: number): WassersteinResult {
  checkCounts(ref, cur);
  if (points.length !== ref.length) throw new RangeError(`drift: ${points.length} midpoints for ${ref.length} bins`);
  const m = sum(ref);
  const n = sum(cur);
  if (m === 0 || n === 0) return { value: 0, raw: 0 };
  let r = 0;
  let c = 0;
  let raw = 0;
  for (let i = 0; i + 1 < ref.length; i++) {
    r += ref[i]! / m;
    c += cur[i]! / n;
    raw += Math.abs(r - c) * (points[i + 1]! - points[i]!);
  }
  return { raw, value: raw / Math.max(refStd, WASSERSTEIN_MIN_STD) };
}
