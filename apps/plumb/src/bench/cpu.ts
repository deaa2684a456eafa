import { taskCpu } from './thread-cpu.ts';

/**
 * CPU time of this process, split into the JS main thread and everything else (the embedded
 * engine's threads, libuv's pool, GC helpers). Per span this is far less sensitive to other load
 * on a shared machine than spans/s. The main thread's share comes from Linux's per-thread
 * accounting (/proc/self/task/<pid>/stat; the main thread's id is the pid); elsewhere it is null.
 */
export interface CpuSample {
  /** Process user + system CPU, µs. */
  processUs: number;
  /** Main (JS) thread user + system CPU, µs; null where /proc is unavailable. */
  mainUs: number | null;
}

function mainThreadUs(): number | null {
  try {
    return Math.round(taskCpu(process.pid).seconds * 1_000_000);
  } catch {
    return null;
  }
}

export function cpuSample(): CpuSample {
  const u = process.cpuUsage();
  return { processUs: u.user + u.system, mainUs: mainThreadUs() };
}

/** "process X ms, JS thread Y ms, engine & other threads Z ms per 1k spans". */
export function cpuPerThousand(from: CpuSample, to: CpuSample, spans: number): string {
  if (spans <= 0) return 'no spans';
  const per = (us: number) => `${((us / spans) * 1000 / 1000).toFixed(1)} ms`;
  const proc = to.processUs - from.processUs;
  if (from.mainUs === null || to.mainUs === null) return `process ${per(proc)} per 1k spans`;
  const main = to.mainUs - from.mainUs;
  return `process ${per(proc)}, JS main thread ${per(main)}, other threads ${per(proc - main)} per 1k spans`;
}
