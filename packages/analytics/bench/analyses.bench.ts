/**
 * Time of every trace analysis on large traces: a 50k-span chain (each span the parent of the
 * next) and a 50k-span wide trace (one parent, 49,999 overlapping children). They run on the
 * request path of the trace view, so each must stay well under the target (200 ms).
 * Run: npm run bench:analytics [-- --spans=50000 --runs=5]
 *
 * Reports the median wall time and the median CPU time of this process per analysis; the machine
 * may be shared, and CPU time (which excludes waiting for a core) is the steadier figure.
 */
import { agentGraph, agentRollup, criticalPath, failureAnalysis, layoutGraph, traceSummary } from '../src/index.ts';
import { chainTrace, randomTrace, ROLES, wideTrace } from '../src/trace-shapes.ts';
import { buildSpanTree, preorder } from '../src/tree.ts';
import type { TraceSpan } from '../src/types.ts';

const arg = (name: string, dflt: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : dflt;
};
const SPANS = arg('spans', 50_000);
const RUNS = arg('runs', 5);
const TARGET_MS = 200;

const ANALYSES: [string, (spans: readonly TraceSpan[]) => unknown][] = [
  ['tree', (s) => preorder(buildSpanTree(s))],
  ['critical path', criticalPath],
  ['failure origin', failureAnalysis],
  ['agent graph', agentGraph],
  ['agent graph + layout', (s) => layoutGraph(agentGraph(s))],
  ['agent rollup', agentRollup],
  ['summary', traceSummary],
];

const TRACES: [string, TraceSpan[]][] = [
  [`chain (${SPANS} deep, every category, all failed)`, chainTrace(SPANS, ROLES.mixed!)],
  [`chain (${SPANS} agents, distinct names)`, chainTrace(SPANS, ROLES.agents!)],
  [`wide (1 parent, ${SPANS - 1} children)`, wideTrace(SPANS, ROLES.mixed!)],
  [`random tree (${SPANS} spans)`, randomTrace(SPANS, ROLES.mixed!)],
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let over = 0;
for (const [traceName, spans] of TRACES) {
  console.log(`\n${traceName}`);
  console.log(`  ${'analysis'.padEnd(22)} ${'wall ms'.padStart(9)} ${'cpu ms'.padStart(9)}`);
  for (const [name, analyse] of ANALYSES) {
    analyse(spans); // warm-up: let the optimizing compiler run first
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      analyse(spans);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const w = median(wall);
    const mark = w < TARGET_MS ? '' : `  over the ${TARGET_MS} ms target`;
    if (mark) over++;
    console.log(`  ${name.padEnd(22)} ${w.toFixed(1).padStart(9)} ${median(cpu).toFixed(1).padStart(9)}${mark}`);
  }
}
console.log(over === 0 ? `\nall analyses under ${TARGET_MS} ms` : `\n${over} over ${TARGET_MS} ms`);
