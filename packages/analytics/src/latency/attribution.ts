/**
 * Explaining a change of the slow-request rate (methods.md D3.3, D3.4) from per-segment counts
 * that SQL returns: for each dimension value g, requests and slow requests (latency > T, T = the
 * baseline window's p95) in the baseline and the comparison window.
 */

export interface SegmentCounts {
  dimension: string;
  /** '' is a segment (requests without a value), so every dimension's segments add up. */
  value: string;
  baselineRequests: number;
  baselineSlow: number;
  comparisonRequests: number;
  comparisonSlow: number;
}

export interface SegmentEffect {
  value: string;
  /** Share of requests in each window (w_g, w'_g). */
  baselineShare: number;
  comparisonShare: number;
  /** Slow rate in each window (s_g, s'_g); null when the segment has no requests there. */
  baselineSlowRate: number | null;
  comparisonSlowRate: number | null;
  /** (w'_g − w_g)·s_g */
  mix: number;
  /** w'_g·(s'_g − s_g) */
  within: number;
  /** Share of the comparison window's slow requests (p_sel) vs of its other requests (p_base). */
  slowShare: number;
  otherShare: number;
  /** p_sel − p_base: positive when over-represented among slow requests. */
  overRepresentation: number;
  baselineRequests: number;
  comparisonRequests: number;
  comparisonSlow: number;
}

export interface DimensionAttribution {
  dimension: string;
  /** Σ mix: the slow-rate change explained by the traffic moving between segments. */
  mix: number;
  /** Σ within: the change explained by segments getting slower. */
  within: number;
  /** TVD = ½ Σ |p_sel − p_base| (D3.3): how different slow requests look on this dimension. */
  score: number;
  /** Ranked by over-representation among slow requests, most over-represented first. */
  segments: SegmentEffect[];
}

export interface WindowTotals {
  baselineRequests: number;
  baselineSlow: number;
  comparisonRequests: number;
  comparisonSlow: number;
}

export interface SlowRateAttribution {
  baselineSlowRate: number;
  comparisonSlowRate: number;
  /** s' − s; for every dimension mix + within equals it exactly (up to rounding). */
  change: number;
  dimensions: DimensionAttribution[];
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/**
 * s' − s = Σ_g (w'_g − w_g)·s_g + Σ_g w'_g·(s'_g − s_g)  (D3.4), per dimension. A segment absent
 * from the baseline (a new model version) takes the baseline's overall slow rate as s_g: its
 * w_g is 0, so the identity holds for any s_g, and this choice books as mix only the slowness it
 * would have had as an average segment, the rest as within.
 *
 * Dimensions are ordered by |within| (the slowdown a segment explains), then by score; segments
 * by over-representation, ties by value.
 */
export function attributeSlowRate(rows: readonly SegmentCounts[], totals: WindowTotals): SlowRateAttribution {
  const s = ratio(totals.baselineSlow, totals.baselineRequests);
  const s2 = ratio(totals.comparisonSlow, totals.comparisonRequests);
  const fastTotal = totals.comparisonRequests - totals.comparisonSlow;
  const byDimension = new Map<string, SegmentCounts[]>();
  for (const r of rows) {
    const list = byDimension.get(r.dimension);
    if (list) list.push(r);
    else byDimension.set(r.dimension, [r]);
  }
  const dimensions: DimensionAttribution[] = [];
  for (const [dimension, list] of byDimension) {
    let mix = 0;
    let within = 0;
    let tvd = 0;
    const segments = list.map((r): SegmentEffect => {
      const w = ratio(r.baselineRequests, totals.baselineRequests);
      const w2 = ratio(r.comparisonRequests, totals.comparisonRequests);
      const sg = r.baselineRequests > 0 ? r.baselineSlow / r.baselineRequests : null;
      const sg2 = r.comparisonRequests > 0 ? r.comparisonSlow / r.comparisonRequests : null;
      const sBase = sg ?? s;
      const m = (w2 - w) * sBase;
      const wi = w2 * ((sg2 ?? 0) - sBase);
      const slowShare = ratio(r.comparisonSlow, totals.comparisonSlow);
      const otherShare = ratio(r.comparisonRequests - r.comparisonSlow, fastTotal);
      mix += m;
      within += wi;
      tvd += Math.abs(slowShare - otherShare);
      return {
        value: r.value,
        baselineShare: w,
        comparisonShare: w2,
        baselineSlowRate: sg,
        comparisonSlowRate: sg2,
        mix: m,
        within: wi,
        slowShare,
        otherShare,
        overRepresentation: slowShare - otherShare,
        baselineRequests: r.baselineRequests,
        comparisonRequests: r.comparisonRequests,
        comparisonSlow: r.comparisonSlow,
      };
    });
    segments.sort((a, b) => b.overRepresentation - a.overRepresentation || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    dimensions.push({ dimension, mix, within, score: tvd / 2, segments });
  }
  dimensions.sort((a, b) => b.score - a.score || Math.abs(b.within) - Math.abs(a.within) || (a.dimension < b.dimension ? -1 : 1));
  return { baselineSlowRate: s, comparisonSlowRate: s2, change: s2 - s, dimensions };
}

/**
 * The worst segment: the dimension value explaining the largest within-segment slowdown, among
 * segments over-represented among slow requests (null when nothing got slower). `dimensions`
 * limits the candidates: a coarse dimension (provider ⊇ its models) always explains at least as
 * much as its worst member, so it would hide the specific segment an SRE acts on.
 */
export function worstSegment(a: SlowRateAttribution, dimensions?: readonly string[]): { dimension: string; value: string; within: number } | null {
  let best: { dimension: string; value: string; within: number } | null = null;
  for (const d of a.dimensions) {
    if (dimensions && !dimensions.includes(d.dimension)) continue;
    for (const g of d.segments) {
      if (g.within <= 0 || g.overRepresentation <= 0) continue;
      if (!best || g.within > best.within) best = { dimension: d.dimension, value: g.value, within: g.within };
    }
  }
  return best;
}
