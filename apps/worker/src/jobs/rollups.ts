import { applyRollupRetention, buildRollupHour, DEFAULT_ROLLUP_OPTIONS, dropRollupBuild, hoursToRoll, type RollupOptions, type Store } from '@plumb/store';
import type { Job } from '../worker.ts';

export interface RollupJobOptions extends Partial<RollupOptions> {
  intervalMs?: number;
  /** Rollup retention in days (PLUMB_ROLLUP_RETENTION_DAYS, default 400), independent of span TTL. */
  retentionDays?: number;
  /** A superseded build's rows are deleted this long after its replacement (in-flight readers). */
  dropGraceMs?: number;
}

/** PLUMB_ROLLUP_RETENTION_DAYS (1..3650), default 400. */
export function rollupRetentionFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PLUMB_ROLLUP_RETENTION_DAYS;
  if (raw === undefined || raw.trim() === '') return 400;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error(`invalid PLUMB_ROLLUP_RETENTION_DAYS: ${raw} (an integer 1..3650)`);
  return days;
}

/**
 * Builds the hourly rollup (packages/store semantic/rollup-build.ts) for closed hours: every
 * unbuilt hour (all history on the first run, then the late-span lookback), hours that received
 * spans after their build, and hours marked in rollup_dirty_hours (row rewrites). Each (re)build
 * is a new build id; the superseded build's rows are dropped on a later run.
 */
export function rollupsJob(log: (msg: string) => void, o: RollupJobOptions = {}): Job & { runOnce(store: Store, signal: AbortSignal, full?: boolean): Promise<number> } {
  const opts: RollupOptions = { ...DEFAULT_ROLLUP_OPTIONS, ...o };
  const retentionDays = o.retentionDays ?? rollupRetentionFromEnv();
  const grace = o.dropGraceMs ?? 10 * 60_000;
  let firstRun = true;
  const superseded: { projectId: string; hour: number; build: number; at: number }[] = [];

  async function runOnce(store: Store, signal: AbortSignal, full = firstRun): Promise<number> {
    if (firstRun) await applyRollupRetention(store, retentionDays);
    const todo = await hoursToRoll(store, { ...opts, horizonMs: Math.min(opts.horizonMs, retentionDays * 86_400_000) }, full);
    firstRun = false;
    let built = 0;
    const t0 = Date.now();
    for (const h of todo) {
      if (signal.aborted) break;
      await buildRollupHour(store, h.projectId, h.hour, opts.maxValuesPerHour);
      if (h.previous) superseded.push({ projectId: h.projectId, hour: h.hour, build: h.previous, at: Date.now() });
      built++;
    }
    while (superseded.length && (superseded[0]!.at + grace <= Date.now() || grace === 0) && !signal.aborted) {
      const s = superseded.shift()!;
      await dropRollupBuild(store, s.projectId, s.hour, s.build);
    }
    if (built) log(`plumb worker: rolled up ${built} hour(s) in ${Date.now() - t0} ms`);
    return built;
  }

  return {
    name: 'rollups',
    intervalMs: o.intervalMs ?? 60_000,
    async run(store, signal) {
      await runOnce(store, signal);
    },
    runOnce,
  };
}
