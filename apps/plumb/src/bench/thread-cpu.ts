import { readdirSync, readFileSync } from 'node:fs';

/** One thread's name (pool digits dropped) and user + system CPU seconds, from /proc; throws if it is gone. */
export function taskCpu(tid: string | number): { name: string; seconds: number } {
  const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')).replace(/[0-9]+$/, '');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  // utime and stime (fields 14 and 15 of stat) in clock ticks; USER_HZ is 100 on Linux.
  return { name, seconds: (Number(f[11]) + Number(f[12])) / 100 };
}

/**
 * CPU-seconds of this process by thread name (Linux /proc; empty elsewhere), trailing digits
 * dropped so a pool's threads add up: `node` is the JS thread with V8's and libuv's helpers
 * (GC included), `ThreadPool`/`MergeMutate`/`BgSchPool` are the embedded engine's insert,
 * merge and background threads. Says which side of the collector a benchmark's CPU went to.
 */
export function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const { name, seconds } = taskCpu(t);
      out.set(name, (out.get(name) ?? 0) + seconds);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** `name=seconds` for threads that used ≥ 0.05 s between two snapshots, busiest first. */
export function formatThreadCpu(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const)
    .filter(([, v]) => v >= 0.05)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
}
