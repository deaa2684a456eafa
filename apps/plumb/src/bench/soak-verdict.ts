import type { SoakSample } from './soak-sample.ts';

/**
 * The soak's memory criterion, pure so it is tested on made-up series.
 *
 * The first `warmupFraction` of the run (or longer: `minWarmupSec`, the context stage reaching its
 * budget) is warm-up and not judged:
 * the collector's re-send filter and context stage filling to their bounds, the engine's caches,
 * its allocator, merges reaching their steady part count and V8's heap sizing all rise there
 * and then level off. Over the rest (the steady part) two figures:
 * - the least-squares slope of RSS, in MiB per 10 minutes, against a bound relative to the
 *   steady RSS (`maxSlopePer10Min`, a fraction): a leak is a steady climb, whatever its start;
 * - the median RSS of the last third of the steady part against the middle third
 *   (`maxThirdsGrowth`): a cache still filling shows here and in the slope, one that has
 *   reached its bound does not.
 * Memory is flat when both hold. Every component (heap, external, engine tracker, caches,
 * jemalloc, the rest) gets the same slope so the report says which one grows.
 */
export interface Criterion {
  warmupFraction: number;
  /**
   * Warm-up lasts at least this long (seconds): the time the collector's bounded structures
   * take to fill at the soak's rate (the re-send filter holds up to 2 × PLUMB_DEDUPE_KEYS span
   * keys, ~180 MiB of heap at the default), which at a low rate is more than the fraction.
   */
  minWarmupSec?: number;
  /**
   * The context stage's byte budget (PLUMB_CONTEXT_MAX_BYTES): it keeps every trace until the
   * budget evicts the least recently used, so it fills at a rate set by the load's traces, not
   * known in advance. Warm-up lasts until a sample shows it at 90 % of the budget; a run that
   * never gets there cannot be judged steady.
   */
  contextBudget?: number;
  maxSlopePer10Min: number;
  maxThirdsGrowth: number;
}

export const DEFAULT_CRITERION: Criterion = { warmupFraction: 0.2, maxSlopePer10Min: 0.03, maxThirdsGrowth: 0.05 };

/** Least-squares slope of ys over xs (units of y per unit of x); 0 for fewer than two points. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * The parts of memory the report follows. `rest of anon` = anonymous RSS − jemalloc resident − V8
 * heap total − external: glibc malloc (Node's own allocations, the addon's copies), stacks; a
 * lower bound (jemalloc's resident and V8's heap total overstate what is resident), so it can
 * read below zero. Its slope still tells whether that part grows.
 */
export const COMPONENTS = {
  rss: (s: SoakSample) => s.rss,
  '  anonymous': (s: SoakSample) => s.rssAnon,
  '  file-backed (engine code)': (s: SoakSample) => s.rssFile,
  'V8 heap used': (s: SoakSample) => s.heapUsed,
  'external (Buffers etc.)': (s: SoakSample) => s.external,
  '  of which arrayBuffers': (s: SoakSample) => s.arrayBuffers,
  'engine MemoryTracking': (s: SoakSample) => s.engineTracked,
  'engine caches': (s: SoakSample) => s.engineCaches,
  'engine jemalloc allocated': (s: SoakSample) => s.jemallocAllocated,
  'engine jemalloc resident': (s: SoakSample) => s.jemallocResident,
  'V8 heap total': (s: SoakSample) => s.heapTotal,
  'rest of anon (glibc, stacks)': (s: SoakSample) => s.rssAnon - s.jemallocResident - s.heapTotal - s.external,
  'WAL backlog': (s: SoakSample) => s.walBacklog,
  'writer queue': (s: SoakSample) => s.queueBytes,
  'context stage (its estimate)': (s: SoakSample) => s.contextBytes,
} as const;

export interface ComponentTrend {
  name: string;
  /** Median over the first third of the steady part, and over its last third (bytes). */
  start: number;
  end: number;
  /** Bytes per 10 minutes over the steady part. */
  slopePer10Min: number;
}

export interface Verdict {
  flat: boolean;
  warmupSec: number;
  steadySamples: number;
  steadyMedian: number;
  /** RSS slope over the steady part, bytes per 10 minutes, and as a fraction of steadyMedian. */
  slopePer10Min: number;
  slopeFraction: number;
  middleThird: number;
  lastThird: number;
  thirdsGrowth: number;
  components: ComponentTrend[];
  /** Why it is not flat, or why it cannot be judged (too few samples). */
  reasons: string[];
}

export function judge(samples: readonly SoakSample[], c: Criterion = DEFAULT_CRITERION): Verdict {
  const end = samples.at(-1)?.t ?? 0;
  const reasons: string[] = [];
  let contextFullSec = 0;
  if (c.contextBudget) {
    const full = samples.find((s) => s.contextBytes >= 0.9 * c.contextBudget!);
    if (full) contextFullSec = full.t;
    else {
      const last = samples.at(-1)?.contextBytes ?? 0;
      reasons.push(`the context stage never filled (${((last / c.contextBudget) * 100).toFixed(0)} % of its budget at the end): no steady state to judge; run longer or faster`);
    }
  }
  const warmupSec = Math.max(end * c.warmupFraction, c.minWarmupSec ?? 0, contextFullSec);
  const steady = samples.filter((s) => s.t >= warmupSec);
  const third = Math.floor(steady.length / 3);
  if (third < 2) reasons.push(`too few steady samples to judge (${steady.length}; need at least 6)`);
  const ts = steady.map((s) => s.t / 600);
  const trend = (name: string, f: (s: SoakSample) => number): ComponentTrend => {
    const ys = steady.map(f);
    return { name, start: median(ys.slice(0, Math.max(1, third))), end: median(ys.slice(-Math.max(1, third))), slopePer10Min: slope(ts, ys) };
  };
  const rss = steady.map((s) => s.rss);
  const steadyMedian = median(rss);
  const slopePer10Min = slope(ts, rss);
  const slopeFraction = slopePer10Min / steadyMedian;
  const middleThird = median(rss.slice(third, 2 * third));
  const lastThird = median(rss.slice(steady.length - third));
  const thirdsGrowth = lastThird / middleThird - 1;
  if (third >= 2) {
    if (slopeFraction > c.maxSlopePer10Min) {
      reasons.push(`RSS climbs ${(slopeFraction * 100).toFixed(1)} % of its steady size per 10 min (bound ${(c.maxSlopePer10Min * 100).toFixed(0)} %)`);
    }
    if (thirdsGrowth > c.maxThirdsGrowth) {
      reasons.push(`last third ${(thirdsGrowth * 100).toFixed(1)} % above the middle third (bound ${(c.maxThirdsGrowth * 100).toFixed(0)} %)`);
    }
  }
  return {
    flat: reasons.length === 0,
    warmupSec,
    steadySamples: steady.length,
    steadyMedian,
    slopePer10Min,
    slopeFraction,
    middleThird,
    lastThird,
    thirdsGrowth,
    components: Object.entries(COMPONENTS).map(([name, f]) => trend(name, f)),
    reasons,
  };
}

const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

/** The verdict's lines in the soak's summary. */
export function formatVerdict(v: Verdict, c: Criterion = DEFAULT_CRITERION): string {
  const rows = v.components.map(
    (x) => `    ${x.name.padEnd(30)} ${mib(x.start).padStart(8)} → ${mib(x.end).padStart(8)} MiB   ${(x.slopePer10Min >= 0 ? '+' : '') + mib(x.slopePer10Min)} MiB / 10 min`,
  );
  return [
    `  criterion                warm-up = the first ${(v.warmupSec / 60).toFixed(1)} min, not judged (the longest of ${(c.warmupFraction * 100).toFixed(0)} % of the run, the time to fill`,
    `                           the re-send filter at the soak rate, the context stage reaching 90 % of its budget); over the ${v.steadySamples} steady samples:`,
    `                           flat = RSS least-squares slope ≤ ${(c.maxSlopePer10Min * 100).toFixed(0)} % of the steady RSS per 10 min`,
    `                           AND median of the last third ≤ ${(c.maxThirdsGrowth * 100).toFixed(0)} % above the middle third`,
    `  RSS slope                ${mib(v.slopePer10Min)} MiB / 10 min (${(v.slopeFraction * 100).toFixed(2)} % of ${mib(v.steadyMedian)} MiB)`,
    `  RSS thirds (median)      middle ${mib(v.middleThird)} MiB → last ${mib(v.lastThird)} MiB (${(v.thirdsGrowth * 100).toFixed(1)} %)`,
    `  by component (first → last third of the steady part, slope):`,
    ...rows,
  ].join('\n');
}
