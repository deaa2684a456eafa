import { STAGE_DIMENSIONS } from '@plumb/store';
import { z } from 'zod';
import { int, interval, stringList, time } from './primitives.ts';

/**
 * Inputs of the regression view and the stage breakdown (tRPC `latencyRegression.*`, REST
 * /api/v1/latency/regression and /api/v1/latency/stages, the OpenAPI document).
 */
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/** Longest window either side may span (a regression compares hours to days, not quarters). */
export const MAX_WINDOW_MS = 31 * 24 * HOUR;

const DIMS = STAGE_DIMENSIONS as unknown as [string, ...string[]];
export const stageDimension = z.enum(DIMS, { error: (iss) => `unknown dimension \`${String(iss.input)}\`; known: ${DIMS.join(', ')}` });

const stageFilter = z
  .partialRecord(stageDimension, stringList(), {
    error: (iss) => {
      const keys = (iss as { code: string; keys?: string[] }).keys;
      return keys ? `unknown dimension \`${keys.join(', ')}\`; known: ${DIMS.join(', ')}` : undefined;
    },
  })
  .optional()
  .describe('Only requests whose dimension has one of the values: filter[tenant]=acme,globex; `filter[model]=` is the empty group');

export const regressionQuery = z
  .strictObject({
    from: time.optional().describe('Comparison window start (default: `to` − 1 h)'),
    to: time.optional().describe('Comparison window end (default: now)'),
    baselineFrom: time.optional().describe('Baseline window start (default: the comparison window a week earlier)'),
    baselineTo: time.optional().describe('Baseline window end (default: baselineFrom + the comparison window length)'),
    deployAt: time
      .optional()
      .describe('A deploy marker: baseline = the `window` before it, comparison = the `window` after it (overrides from/to/baseline*)'),
    window: interval.optional().describe('Window length around `deployAt` (default 1h)'),
    dimensions: z.array(stageDimension, { error: 'must be a list of dimensions' }).min(1, { error: 'needs at least one dimension' }).optional()
      .describe('Dimensions to attribute over, comma-separated (default: all)'),
    filter: stageFilter,
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from.getTime() >= q.to.getTime()) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before `to`' });
    if (q.baselineFrom && q.baselineTo && q.baselineFrom.getTime() >= q.baselineTo.getTime())
      ctx.addIssue({ code: 'custom', path: ['baselineFrom'], message: 'must be before `baselineTo`' });
    if (q.baselineTo && !q.baselineFrom) ctx.addIssue({ code: 'custom', path: ['baselineFrom'], message: 'is required with `baselineTo`' });
    if (q.window !== undefined && q.window > MAX_WINDOW_MS) ctx.addIssue({ code: 'custom', path: ['window'], message: 'must be at most 31d' });
  });
export type RegressionInput = z.output<typeof regressionQuery>;

export interface ResolvedWindows {
  baseline: { fromMs: number; toMs: number };
  comparison: { fromMs: number; toMs: number };
}

/** Defaults: the last hour vs the same hour a week earlier; or before/after a deploy marker. */
export function resolveWindows(q: RegressionInput, nowMs = Date.now()): ResolvedWindows {
  if (q.deployAt) {
    const at = q.deployAt.getTime();
    const w = q.window ?? HOUR;
    return { baseline: { fromMs: at - w, toMs: at }, comparison: { fromMs: at, toMs: at + w } };
  }
  const toMs = q.to?.getTime() ?? nowMs;
  const fromMs = q.from?.getTime() ?? toMs - HOUR;
  const len = toMs - fromMs;
  const bFrom = q.baselineFrom?.getTime() ?? fromMs - WEEK;
  const bTo = q.baselineTo?.getTime() ?? bFrom + len;
  return { baseline: { fromMs: bFrom, toMs: bTo }, comparison: { fromMs, toMs } };
}

/** A window longer than MAX_WINDOW_MS is refused naming the side. */
export function windowProblem(w: ResolvedWindows): { field: string; message: string } | null {
  if (w.comparison.toMs - w.comparison.fromMs > MAX_WINDOW_MS) return { field: 'from', message: 'the comparison window must be at most 31 days' };
  if (w.baseline.toMs - w.baseline.fromMs > MAX_WINDOW_MS) return { field: 'baselineFrom', message: 'the baseline window must be at most 31 days' };
  return null;
}

export const stagesQuery = z
  .strictObject({
    traceId: z.string({ error: 'must be a string' }).regex(/^[0-9a-f]{32}$/, { error: 'must be 32 lowercase hex digits' }).optional()
      .describe('One request: its stage row (other parameters must be absent)'),
    from: time.optional().describe('Window start (default: `to` − 1 h)'),
    to: time.optional().describe('Window end (default: now)'),
    groupBy: stageDimension.optional().describe('Segment dimension (default: none, one total)'),
    filter: stageFilter,
    limit: int(1, 200).optional().describe('Segments returned, most requests first (default 20)'),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from.getTime() >= q.to.getTime()) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before `to`' });
    if (q.from && q.to && q.to.getTime() - q.from.getTime() > MAX_WINDOW_MS) ctx.addIssue({ code: 'custom', path: ['from'], message: 'the window must be at most 31 days' });
    if (q.traceId && (q.from || q.to || q.groupBy || q.filter || q.limit))
      ctx.addIssue({ code: 'custom', path: ['traceId'], message: 'takes no other parameter (it selects one request)' });
  });
export type StagesInput = z.output<typeof stagesQuery>;

export const markersQuery = z.strictObject({ from: time.optional(), to: time.optional() });
