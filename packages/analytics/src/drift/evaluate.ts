/**
 * One drift evaluation: the method (auto per methods.md A3), every statistic, the decision
 * against the thresholds (methods.md A8) and the per-bin breakdown the Drift page draws.
 *
 * Decisions (repeated in DRIFT_HELP, which the monitor form shows):
 * - "≤ 1,000 rows" (A3) counts the SMALLER of the two windows, nulls included.
 * - Auto: numeric with > 5 distinct values → KS when small, normalised Wasserstein otherwise;
 *   numeric with ≤ 5 distinct values and categorical → χ² when small, Jensen–Shannon otherwise.
 *   (A3's two-proportion z-test for ≤ 2 values is χ² with 2 bins: X² = z², same p-value.)
 * - PSI, JS and χ² count the null bin as a bin; KS and Wasserstein use non-null values only
 *   and the null shares are reported apart.
 * - KS on raw values when the caller could fetch them (both windows ≤ 50,000 values), else on the
 *   bins with the bound [d, dUpper] on the exact D.
 * - Decision: flagged when the method's statistic crosses its threshold (p < 0.05 for KS/χ²,
 *   ≥ 0.1 for JS/Wasserstein/PSI); a flagged monitor is critical when PSI ≥ 0.25.
 * - A bin "moved" when its PSI term is ≥ max(0.01, 10 % of the PSI).
 * - Numeric edges are estimated from sampled reference hours (store drift-binning.ts, which a
 *   store test holds to the numbers stated here); counts given the edges are exact.
 */
import { binCount, binInfos, nullBinIndex, numericMidpoints, type BinInfo, type Binning } from './binning.ts';
import { chiSquare, jensenShannon, ksFromBins, ksFromSamples, psi, wassersteinFromBins, type ChiSquareResult, type KsResult } from './statistics.ts';

export const DRIFT_METHODS = ['auto', 'psi', 'js', 'ks', 'chi2', 'wasserstein'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];
export type ResolvedMethod = Exclude<DriftMethod, 'auto'>;

export interface DriftThresholds {
  psiWarn: number;
  psiCritical: number;
  js: number;
  wasserstein: number;
  pValue: number;
}

export const DEFAULT_THRESHOLDS: DriftThresholds = { psiWarn: 0.1, psiCritical: 0.25, js: 0.1, wasserstein: 0.1, pValue: 0.05 };

/** A3's sample-size cut: the smaller window having at most this many rows → hypothesis tests. */
export const SMALL_WINDOW_ROWS = 1000;
/** KS runs on raw values when both windows have at most this many non-null values. */
export const KS_RAW_MAX_VALUES = 50_000;

export const DRIFT_HELP = [
  'Bins are frozen from the reference: numeric deciles with open tails and a null bin; categorical top-K values, other, unseen and null.',
  'Numeric decile edges are estimated, never the counts: from a sample of the reference (every k-th hour, about 48 hours, when they hold ≥ 20,000 values; else the whole reference), through a reservoir of 8,192 values. Against edges from the whole reference each decile holds 10 % ± 3 points and PSI, JS and Wasserstein move ≤ 0.02 (tested). Given the edges, every count, the tails\' range and the std are exact over the whole reference. Categorical top-K values are exact.',
  'Auto method: the smaller window ≤ 1,000 rows → KS (numeric, > 5 distinct values) or χ² (otherwise); larger → normalised Wasserstein (numeric) or Jensen–Shannon, log base 2 (otherwise). PSI is always reported.',
  'PSI: bins empty in both windows are dropped; if a bin is empty in one window, both windows get pseudocount 1 per bin. χ² is the 2×K test of homogeneity (no smoothing needed, no Yates correction).',
  'KS uses raw values when both windows have ≤ 50,000; otherwise fine bins, with the exact D bounded by [D, D upper]. Wasserstein places each bin at its midpoint, open tails clipped to the reference range, divided by the reference std; nulls are reported apart.',
  'Flagged: p < 0.05 (KS, χ²) or statistic ≥ 0.1 (JS, Wasserstein, PSI); critical when PSI ≥ 0.25 too.',
  'A rolling reference refreshes its bins once a day. Closed hours are counted once and kept; spans or scores arriving for an hour after it was counted are added at the next evaluation (that hour is recounted).',
  'A reference with no values yet gives no result; the monitor remembers it and re-checks only new rows and the part of the window it had not seen.',
].join(' ');

export interface DriftInput {
  binning: Binning;
  /** Counts per bin (binInfos order, null bin last), reference and current. */
  ref: readonly number[];
  cur: readonly number[];
  method?: DriftMethod;
  thresholds?: Partial<DriftThresholds>;
  /** Distinct non-null values over both windows (numeric auto selection); absent = many. */
  distinctValues?: number;
  /**
   * Numeric: non-null counts over the fine bins (binning.fineEdges; fineEdges.length + 1 each).
   * When given, KS (binned) and Wasserstein use them instead of the decile bins.
   */
  fine?: { ref: readonly number[]; cur: readonly number[] };
  /** Raw non-null values, when both windows were small enough to fetch (KS on raw values). */
  samples?: { ref: readonly number[]; cur: readonly number[] };
}

export interface DriftBin extends BinInfo {
  refCount: number;
  curCount: number;
  /** Plain shares of the window's rows (null included). */
  refShare: number;
  curShare: number;
  /** PSI term of the bin. */
  contribution: number;
  moved: boolean;
}

export type DriftSeverity = 'ok' | 'warn' | 'critical' | 'no-data';

export interface DriftResult {
  method: ResolvedMethod;
  reason: string;
  /** The method's statistic (p-value methods: the test statistic; see pValue). */
  score: number;
  pValue: number | null;
  threshold: number;
  flagged: boolean;
  severity: DriftSeverity;
  nRef: number;
  nCur: number;
  psi: number;
  psiSmoothed: boolean;
  js: number;
  chi2: ChiSquareResult;
  ks: KsResult | null;
  /** Normalised Wasserstein (numeric only) and W1 in the feature's unit. */
  wasserstein: { value: number; raw: number } | null;
  nullShare: { ref: number; cur: number };
  bins: DriftBin[];
}

function total(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export function resolveMethod(input: Pick<DriftInput, 'binning' | 'method' | 'distinctValues'>, nRef: number, nCur: number): { method: ResolvedMethod; reason: string } {
  if (input.method && input.method !== 'auto') return { method: input.method, reason: 'chosen' };
  const small = Math.min(nRef, nCur) <= SMALL_WINDOW_ROWS;
  const size = `smaller window ${Math.min(nRef, nCur)} rows ${small ? '≤' : '>'} ${SMALL_WINDOW_ROWS}`;
  const continuous = input.binning.kind === 'numeric' && (input.distinctValues ?? Infinity) > 5;
  if (continuous) return small ? { method: 'ks', reason: `auto: numeric, ${size}` } : { method: 'wasserstein', reason: `auto: numeric, ${size}` };
  const kind = input.binning.kind === 'numeric' ? 'numeric with ≤ 5 distinct values' : 'categorical';
  return small ? { method: 'chi2', reason: `auto: ${kind}, ${size}` } : { method: 'js', reason: `auto: ${kind}, ${size}` };
}

export function evaluateDrift(input: DriftInput): DriftResult {
  const k = binCount(input.binning);
  if (input.ref.length !== k || input.cur.length !== k) throw new RangeError(`drift: expected ${k} bins, got ${input.ref.length} and ${input.cur.length}`);
  const t = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const nRef = total(input.ref);
  const nCur = total(input.cur);
  const { method, reason } = resolveMethod(input, nRef, nCur);
  const p = psi(input.ref, input.cur);
  const js = jensenShannon(input.ref, input.cur).value;
  const chi2 = chiSquare(input.ref, input.cur);
  const nb = nullBinIndex(input.binning);
  const refValues = input.ref.filter((_, i) => i !== nb);
  const curValues = input.cur.filter((_, i) => i !== nb);
  let ks: KsResult | null = null;
  let wasserstein: DriftResult['wasserstein'] = null;
  if (input.binning.kind === 'numeric') {
    const b = input.binning;
    const fine = input.fine && b.fineEdges ? { ...input.fine, points: numericMidpoints({ ...b, edges: b.fineEdges }) } : null;
    if (fine && (fine.ref.length !== fine.points.length || fine.cur.length !== fine.points.length)) {
      throw new RangeError(`drift: expected ${fine.points.length} fine bins, got ${fine.ref.length} and ${fine.cur.length}`);
    }
    const ksRef = fine ? fine.ref : refValues;
    const ksCur = fine ? fine.cur : curValues;
    ks = input.samples ? ksFromSamples(input.samples.ref, input.samples.cur) : ksFromBins(ksRef, ksCur);
    wasserstein = wassersteinFromBins(ksRef, ksCur, fine ? fine.points : numericMidpoints(b), b.refStd);
  }
  const moveCut = Math.max(0.01, 0.1 * p.value);
  const bins = binInfos(input.binning).map((info, i): DriftBin => {
    const contribution = p.contributions[i]!;
    return {
      ...info,
      refCount: input.ref[i]!,
      curCount: input.cur[i]!,
      refShare: nRef > 0 ? input.ref[i]! / nRef : 0,
      curShare: nCur > 0 ? input.cur[i]! / nCur : 0,
      contribution,
      moved: contribution >= moveCut,
    };
  });

  let score: number;
  let pValue: number | null = null;
  let threshold: number;
  let flagged: boolean;
  switch (method) {
    case 'psi':
      score = p.value;
      threshold = t.psiWarn;
      flagged = score >= threshold;
      break;
    case 'js':
      score = js;
      threshold = t.js;
      flagged = score >= threshold;
      break;
    case 'chi2':
      score = chi2.statistic;
      pValue = chi2.pValue;
      threshold = t.pValue;
      flagged = pValue < threshold;
      break;
    case 'ks':
      if (!ks) throw new RangeError('drift: KS needs a numeric feature');
      score = ks.d;
      pValue = ks.pValue;
      threshold = t.pValue;
      flagged = pValue < threshold;
      break;
    case 'wasserstein':
      if (!wasserstein) throw new RangeError('drift: Wasserstein needs a numeric feature');
      score = wasserstein.value;
      threshold = t.wasserstein;
      flagged = score >= threshold;
      break;
  }
  const noData = nRef === 0 || nCur === 0;
  const severity: DriftSeverity = noData ? 'no-data' : !flagged ? 'ok' : p.value >= t.psiCritical ? 'critical' : 'warn';
  return {
    method,
    reason,
    score,
    pValue,
    threshold,
    flagged: flagged && !noData,
    severity,
    nRef,
    nCur,
    psi: p.value,
    psiSmoothed: p.smoothed,
    js,
    chi2,
    ks,
    wasserstein,
    nullShare: { ref: nRef > 0 ? input.ref[nb]! / nRef : 0, cur: nCur > 0 ? input.cur[nb]! / nCur : 0 },
    bins,
  };
}
