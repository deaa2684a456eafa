/**
 * Bootstrap confidence interval of a quantile change between two windows, from weighted
 * histograms (value, count) that SQL returns — never from raw spans in Node.
 *
 * The k-th order statistic of n draws with replacement from an empirical distribution F is
 * F⁻¹(U₍ₖ₎), with U₍ₖ₎ ~ Beta(k, n − k + 1) the k-th order statistic of n uniforms. So each
 * bootstrap replicate of a window's quantile costs one Beta draw and one binary search, not n
 * draws: the percentile-bootstrap interval is exact for the histogram, in O(B log bins).
 */

export interface HistogramBin {
  value: number;
  count: number;
}

export interface QuantileChange {
  baseline: number;
  comparison: number;
  /** comparison − baseline. */
  change: number;
  /** Percentile bootstrap interval of `change` at `level`; null when a window is empty. */
  ci: [number, number] | null;
  level: number;
  baselineCount: number;
  comparisonCount: number;
}

/** mulberry32: small, seeded, good enough for resampling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Marsaglia–Tsang gamma variate, shape ≥ 1 (callers pass integer shapes ≥ 1). */
function gamma(shape: number, rand: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function beta(a: number, b: number, rand: () => number): number {
  const x = gamma(a, rand);
  const y = gamma(b, rand);
  return x / (x + y);
}

/** Sorted bins with cumulative counts; zero-count bins dropped. */
export function prepareHistogram(bins: readonly HistogramBin[]): { values: Float64Array; cumulative: Float64Array; n: number } {
  const kept = bins.filter((b) => b.count > 0 && Number.isFinite(b.value)).sort((a, b) => a.value - b.value);
  const values = new Float64Array(kept.length);
  const cumulative = new Float64Array(kept.length);
  let n = 0;
  kept.forEach((b, i) => {
    n += b.count;
    values[i] = b.value;
    cumulative[i] = n;
  });
  return { values, cumulative, n };
}

/** Smallest value whose cumulative share reaches u (u in (0, 1]). */
function inverse(h: ReturnType<typeof prepareHistogram>, u: number): number {
  const target = u * h.n;
  let lo = 0;
  let hi = h.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h.cumulative[mid]! >= target) hi = mid;
    else lo = mid + 1;
  }
  return h.values[lo] ?? NaN;
}

/** The sample quantile as the k-th smallest value, k = ⌈q·n⌉ (NaN when empty). */
export function histogramQuantile(bins: readonly HistogramBin[], q: number): number {
  const h = prepareHistogram(bins);
  if (h.n === 0) return NaN;
  return inverse(h, Math.max(1, Math.ceil(q * h.n)) / h.n);
}

function quantileOfSorted(sorted: Float64Array, p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[i]!;
}

export function bootstrapQuantileChange(
  baseline: readonly HistogramBin[],
  comparison: readonly HistogramBin[],
  opts: { q?: number; replicates?: number; level?: number; seed?: number } = {},
): QuantileChange {
  const q = opts.q ?? 0.95;
  const B = opts.replicates ?? 2000;
  const level = opts.level ?? 0.95;
  const a = prepareHistogram(baseline);
  const b = prepareHistogram(comparison);
  const point = (h: typeof a) => (h.n === 0 ? NaN : inverse(h, Math.max(1, Math.ceil(q * h.n)) / h.n));
  const base = point(a);
  const cmp = point(b);
  const result: QuantileChange = { baseline: base, comparison: cmp, change: cmp - base, ci: null, level, baselineCount: a.n, comparisonCount: b.n };
  if (a.n === 0 || b.n === 0) return result;
  const rand = seededRandom(opts.seed ?? 0x9e3779b9);
  const draw = (h: typeof a) => {
    const k = Math.max(1, Math.ceil(q * h.n));
    const u = h.n === 1 ? 1 : beta(k, h.n - k + 1, rand);
    return inverse(h, Math.max(u, 1e-12));
  };
  const diffs = new Float64Array(B);
  for (let i = 0; i < B; i++) diffs[i] = draw(b) - draw(a);
  diffs.sort();
  const tail = (1 - level) / 2;
  result.ci = [quantileOfSorted(diffs, tail), quantileOfSorted(diffs, 1 - tail)];
  return result;
}
