/**
 * Bins for drift monitors, frozen from the reference window (methods.md A4/A7) and never
 * recomputed from the current window, so every comparison of a monitor uses the same bins.
 *
 * Numeric: the reference deciles q10…q90 (duplicates removed — a feature with many equal values
 * has fewer edges) give bins (−∞, e1), [e1, e2), …, [ek, +∞), then one null bin (the value is
 * missing). The open tails are reported as [refMin, e1) and [ek, refMax] where a width or a
 * midpoint is needed (Wasserstein, charts).
 *
 * Categorical: the reference's top-K values (by count, ties by value) are one bin each, then
 * "other" (any other value seen in the reference), "unseen" (a value the reference never had)
 * and null (missing / empty). Bin order is the array order below; counts arrays follow it.
 */

export const NUMERIC_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;
/** Fine bins (KS bound, Wasserstein): the reference percentiles 1…99, a superset of the deciles. */
export const FINE_QUANTILES: readonly number[] = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
export const DEFAULT_TOP_K = 20;

export interface NumericBinning {
  kind: 'numeric';
  /** Strictly increasing, finite. */
  edges: number[];
  /** Observed range and population standard deviation of the reference's non-null values. */
  refMin: number;
  refMax: number;
  refStd: number;
  /** Fine edges (deduplicated reference percentiles); every edge is also one of these. */
  fineEdges?: number[];
}

export interface CategoricalBinning {
  kind: 'categorical';
  /** The reference's top-K values, most frequent first. */
  categories: string[];
}

export type Binning = NumericBinning | CategoricalBinning;

export type BinKind = 'range' | 'null' | 'category' | 'other' | 'unseen';

export interface BinInfo {
  kind: BinKind;
  label: string;
  /** Numeric range bins: [lo, hi), with ±Infinity for the open tails. */
  lo?: number;
  hi?: number;
}

/** Strictly increasing finite edges from reference quantiles (as the engine returns them). */
export function edgesFromQuantiles(quantiles: readonly number[]): number[] {
  const finite = quantiles.filter((q) => Number.isFinite(q)).sort((a, b) => a - b);
  const edges: number[] = [];
  for (const q of finite) if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q);
  return edges;
}

export function numericBinning(quantiles: readonly number[], refMin: number, refMax: number, refStd: number): NumericBinning {
  return { kind: 'numeric', edges: edgesFromQuantiles(quantiles), refMin, refMax, refStd };
}

/**
 * Binning from the reference's 99 percentiles (FINE_QUANTILES order): deciles are every tenth
 * one, so each fine bin lies inside one decile bin and decile counts are sums of fine counts.
 */
export function numericBinningFromPercentiles(percentiles: readonly number[], refMin: number, refMax: number, refStd: number): NumericBinning {
  if (percentiles.length !== FINE_QUANTILES.length) throw new RangeError(`expected ${FINE_QUANTILES.length} percentiles, got ${percentiles.length}`);
  const deciles = NUMERIC_QUANTILES.map((_, i) => percentiles[(i + 1) * 10 - 1]!);
  return { ...numericBinning(deciles, refMin, refMax, refStd), fineEdges: edgesFromQuantiles(percentiles) };
}

/**
 * For each fine range bin (fineEdges.length + 1 of them), the index of the coarse range bin that
 * contains it. Requires every coarse edge to be a fine edge (numericBinningFromPercentiles).
 */
export function coarseBinOfFine(b: NumericBinning): number[] {
  const fine = b.fineEdges ?? b.edges;
  return Array.from({ length: fine.length + 1 }, (_, j) => (j === 0 ? 0 : numericBinIndex(b, fine[j - 1]!)));
}

/** Top-K categories from reference (value, count) pairs: most frequent first, ties by value. */
export function categoricalBinning(counts: ReadonlyArray<{ value: string; count: number }>, topK = DEFAULT_TOP_K): CategoricalBinning {
  const sorted = counts
    .filter((c) => c.value !== '' && c.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { kind: 'categorical', categories: sorted.slice(0, topK).map((c) => c.value) };
}

/** Number of bins including the null bin (numeric) or other/unseen/null (categorical). */
export function binCount(b: Binning): number {
  return b.kind === 'numeric' ? b.edges.length + 2 : b.categories.length + 3;
}

/** Index of the null bin (always the last). */
export function nullBinIndex(b: Binning): number {
  return binCount(b) - 1;
}

/** Bin of a numeric value: the number of edges ≤ x (binary search), null bin for null/NaN. */
export function numericBinIndex(b: NumericBinning, x: number | null | undefined): number {
  if (x === null || x === undefined || Number.isNaN(x)) return b.edges.length + 1;
  let lo = 0;
  let hi = b.edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bin of a categorical value; `seenInReference` decides other vs unseen for non-top-K values. */
export function categoricalBinIndex(b: CategoricalBinning, value: string | null | undefined, seenInReference: boolean): number {
  const k = b.categories.length;
  if (value === null || value === undefined || value === '') return k + 2;
  const i = b.categories.indexOf(value);
  if (i >= 0) return i;
  return seenInReference ? k : k + 1;
}

function formatEdge(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

export function binInfos(b: Binning): BinInfo[] {
  if (b.kind === 'categorical') {
    return [
      ...b.categories.map((c): BinInfo => ({ kind: 'category', label: c })),
      { kind: 'other', label: '(other)' },
      { kind: 'unseen', label: '(unseen)' },
      { kind: 'null', label: '(null)' },
    ];
  }
  const out: BinInfo[] = [];
  const bounds = [-Infinity, ...b.edges, Infinity];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = bounds[i]!;
    const hi = bounds[i + 1]!;
    const label = lo === -Infinity ? (hi === Infinity ? 'all values' : `< ${formatEdge(hi)}`) : hi === Infinity ? `≥ ${formatEdge(lo)}` : `[${formatEdge(lo)}, ${formatEdge(hi)})`;
    out.push({ kind: 'range', label, lo, hi });
  }
  out.push({ kind: 'null', label: '(null)' });
  return out;
}

/**
 * Midpoints of the numeric range bins (null bin excluded), the open tails clipped to the
 * reference's observed range: (−∞, e1) → [refMin, e1], [ek, +∞) → [ek, refMax]. A current value
 * beyond the reference's range therefore counts at the tail's midpoint (stated in the monitor help).
 * When the clip would invert a tail (refMin ≥ e1 cannot happen for deciles of the same data, but
 * can for a hand-made binning) the edge itself is used.
 */
export function numericMidpoints(b: NumericBinning): number[] {
  const e = b.edges;
  if (e.length === 0) return [b.refMin === b.refMax ? b.refMin : (b.refMin + b.refMax) / 2];
  const first = e[0]!;
  const last = e[e.length - 1]!;
  const mids = [(Math.min(b.refMin, first) + first) / 2];
  for (let i = 0; i + 1 < e.length; i++) mids.push((e[i]! + e[i + 1]!) / 2);
  mids.push((last + Math.max(b.refMax, last)) / 2);
  return mids;
}
