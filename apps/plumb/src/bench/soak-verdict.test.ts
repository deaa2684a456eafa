import { describe, expect, it } from 'vitest';
import type { SoakSample } from './soak-sample.ts';
import { parseJemallocStats } from './soak-sample.ts';
import { DEFAULT_CRITERION, judge, median, slope } from './soak-verdict.ts';

const MiB = 1024 * 1024;
/** A 30-minute run sampled every 10 s, RSS given in MiB as a function of minutes. */
function run(rssMiB: (min: number) => number, minutes = 30): SoakSample[] {
  const out: SoakSample[] = [];
  for (let t = 0; t <= minutes * 60; t += 10) {
    const rss = rssMiB(t / 60) * MiB;
    out.push({
      t, rss, rssAnon: rss - 200 * MiB, rssFile: 200 * MiB, heapUsed: 100 * MiB, heapTotal: 150 * MiB, external: 50 * MiB, arrayBuffers: 40 * MiB,
      walBacklog: 0, queueBytes: 0, queueRows: 0, contextBytes: 0, engineTracked: 0, engineCaches: 0, markCache: 0,
      jemallocAllocated: 100 * MiB, jemallocResident: rss - 300 * MiB, jemallocRetained: 0, parts: 20, merges: 0, load1: 1,
    });
  }
  return out;
}

describe('soak memory criterion', () => {
  it('least-squares slope and median', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2);
    expect(slope([0], [5])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('a warm-up climb that levels off is flat', () => {
    // 530 → 600 MiB over the first 5 minutes (caches, arenas), then flat with ±5 MiB noise.
    const v = judge(run((m) => (m < 5 ? 530 + 14 * m : 600) + 5 * Math.sin(m * 7)));
    expect(v.reasons).toEqual([]);
    expect(v.flat).toBe(true);
  });

  it('a steady leak is not flat, even a slow one that a first-vs-last median check after warm-up would let through', () => {
    // 600 MiB + 3.5 % per 10 minutes: the last third is only ~4.7 % above the middle third.
    const v = judge(run((m) => 600 * (1 + 0.0035 * m)));
    expect(v.thirdsGrowth).toBeLessThan(0.05);
    expect(v.flat).toBe(false);
    expect(v.reasons.join()).toMatch(/climbs/);
  });

  it('a climb lasting longer than the fraction is warm-up when the filling structures say so', () => {
    // 600 → 800 MiB over 13 minutes (the re-send filter filling at a low rate), then flat.
    const series = run((m) => (m < 13 ? 600 + (200 * m) / 13 : 800));
    expect(judge(series).flat).toBe(false);
    const v = judge(series, { ...DEFAULT_CRITERION, minWarmupSec: 13 * 60 });
    expect(v.warmupSec).toBe(13 * 60);
    expect(v.reasons).toEqual([]);
  });

  it('warm-up lasts until the context stage fills its budget; a run where it never does is not judged flat', () => {
    // The context stage fills 0 → 64 MiB over 16 minutes; RSS follows it, then stays.
    const budget = 64 * MiB;
    const series = run((m) => 600 + 8 * Math.min(m, 16)).map((s) => ({ ...s, contextBytes: Math.min(1, s.t / 960) * budget }));
    expect(judge(series).flat).toBe(false);
    const v = judge(series, { ...DEFAULT_CRITERION, contextBudget: budget });
    expect(v.warmupSec).toBe(870); // the first 10 s sample at or past 90 % of 960 s
    expect(v.reasons).toEqual([]);
    const unfilled = series.map((s) => ({ ...s, contextBytes: budget / 2 }));
    const u = judge(unfilled, { ...DEFAULT_CRITERION, contextBudget: budget });
    expect(u.flat).toBe(false);
    expect(u.reasons.join()).toMatch(/never filled/);
  });

  it('a late step is caught by the thirds', () => {
    const v = judge(run((m) => (m < 25 ? 600 : 700)));
    expect(v.flat).toBe(false);
    expect(v.reasons.join()).toMatch(/last third/);
  });

  it('names the component that grows', () => {
    const samples = run(() => 600).map((s) => ({ ...s, external: s.external + s.t * 1000 }));
    const v = judge(samples);
    const ext = v.components.find((c) => c.name.startsWith('external'))!;
    const heap = v.components.find((c) => c.name === 'V8 heap used')!;
    expect(ext.slopePer10Min).toBeCloseTo(600_000, -3);
    expect(heap.slopePer10Min).toBe(0);
  });

  it('too short a run cannot be judged flat', () => {
    const v = judge(run(() => 600, 0.5));
    expect(v.flat).toBe(false);
    expect(v.reasons.join()).toMatch(/too few/);
  });

  it('reads resident and retained from jemalloc stats text', () => {
    const text = 'Allocated: 1000, active: 2000, metadata: 30 (n_thp 0), resident: 123456, mapped: 999, retained: 4242\n';
    expect(parseJemallocStats(text)).toEqual({ allocated: 1000, resident: 123456, retained: 4242 });
    expect(parseJemallocStats('nothing')).toEqual({ allocated: 0, resident: 0, retained: 0 });
  });
});
