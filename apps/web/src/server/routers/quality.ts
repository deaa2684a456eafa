import { classificationMetrics, twoProportionZ, welch, wilson, type TestResult } from '@plumb/analytics';
import { classificationCells, qualityByVersion, scoreDistributions, type QualityRow } from '@plumb/store';
import { classificationQuery, qualityQuery, scoreDistributionQuery } from '../schemas/quality.ts';
import { window } from '../schemas/queries.ts';
import { protectedProcedure, router } from '../trpc.ts';

/** A rate with its denominator and Wilson interval (methods.md B2). */
export interface Rate { x: number; n: number; p: number | null; lo: number | null; hi: number | null }
const rate = (x: number, n: number): Rate => {
  const w = wilson(x, n);
  return { x, n, p: w?.p ?? null, lo: w?.lo ?? null, hi: w?.hi ?? null };
};

/** What the Quality page draws for one version × request type. */
export function qualityView(r: QualityRow) {
  const feedback = r.scores.find((s) => s.name === 'feedback');
  return {
    version: r.version,
    requestType: r.requestType,
    requests: r.requests,
    llmCalls: r.llmCalls,
    errorRate: rate(r.failedRequests, r.requests),
    llmErrorRate: rate(r.llmErrors, r.llmCalls),
    truncationRate: rate(r.finish.length, r.llmCalls),
    refusalRate: rate(r.refusals, r.llmCalls),
    toolFailureRate: rate(r.toolErrors, r.toolCalls),
    retryRate: rate(r.retries, r.llmCalls),
    feedbackRate: rate(r.feedbackRequests, r.requests),
    positiveFeedback: feedback && feedback.mean !== null ? feedback.mean : null,
    finish: r.finish,
    outputTokens: r.outputTokens,
    scores: r.scores,
  };
}

type Metric = { name: string; unit: 'ratio' | 'tokens' | 'score'; a: number | null; b: number | null; test: TestResult | null };

/** The significance tests of b (canary) against a (stable). */
export function compareRows(a: QualityRow, b: QualityRow): Metric[] {
  const prop = (name: string, xa: number, na: number, xb: number, nb: number): Metric => ({
    name, unit: 'ratio', a: na ? xa / na : null, b: nb ? xb / nb : null, test: twoProportionZ(xa, na, xb, nb),
  });
  const out: Metric[] = [
    prop('Error rate', a.failedRequests, a.requests, b.failedRequests, b.requests),
    prop('Model-call error rate', a.llmErrors, a.llmCalls, b.llmErrors, b.llmCalls),
    prop('Truncation rate (length)', a.finish.length, a.llmCalls, b.finish.length, b.llmCalls),
    prop('Refusal rate', a.refusals, a.llmCalls, b.refusals, b.llmCalls),
    prop('Tool failure rate', a.toolErrors, a.toolCalls, b.toolErrors, b.toolCalls),
    prop('Retry rate', a.retries, a.llmCalls, b.retries, b.llmCalls),
    prop('Feedback rate', a.feedbackRequests, a.requests, b.feedbackRequests, b.requests),
    {
      name: 'Output tokens per call', unit: 'tokens', a: a.outputTokens.mean, b: b.outputTokens.mean,
      test: a.outputTokens.mean !== null && b.outputTokens.mean !== null
        ? welch(a.outputTokens.mean, a.outputTokens.variance ?? 0, a.llmCalls, b.outputTokens.mean, b.outputTokens.variance ?? 0, b.llmCalls) : null,
    },
  ];
  for (const name of [...new Set([...a.scores, ...b.scores].map((s) => s.name))].sort()) {
    const sa = a.scores.find((s) => s.name === name);
    const sb = b.scores.find((s) => s.name === name);
    out.push({
      name: `Score: ${name}`, unit: 'score', a: sa?.mean ?? null, b: sb?.mean ?? null,
      test: sa?.mean != null && sb?.mean != null ? welch(sa.mean, sa.variance ?? 0, sa.n, sb.mean, sb.variance ?? 0, sb.n) : null,
    });
  }
  return out;
}

export const qualityRouter = router({
  get: protectedProcedure.input(qualityQuery).query(async ({ ctx, input }) => {
    const { from, to } = window(input);
    const base = { from, to, version: input.version, ...(input.requestTypes ? { requestTypes: input.requestTypes } : {}) };
    const rows = await qualityByVersion(ctx.store, ctx.projectId, base);
    let comparison: { a: string; b: string; metrics: Metric[] } | null = null;
    if (input.a && input.b) {
      const both = await qualityByVersion(ctx.store, ctx.projectId, { ...base, versions: [input.a, input.b], byRequestType: false });
      const ra = both.find((r) => r.version === input.a);
      const rb = both.find((r) => r.version === input.b);
      if (ra && rb) comparison = { a: input.a, b: input.b, metrics: compareRows(ra, rb) };
    }
    return { fromMs: from.getTime(), toMs: to.getTime(), rows: rows.map(qualityView), comparison };
  }),
  scoreDistribution: protectedProcedure.input(scoreDistributionQuery).query(async ({ ctx, input }) => {
    const { from, to } = window(input);
    return { rows: await scoreDistributions(ctx.store, ctx.projectId, { from, to, version: input.version }) };
  }),
  classification: protectedProcedure.input(classificationQuery).query(async ({ ctx, input }) => {
    const { from, to } = window(input);
    const cells = await classificationCells(ctx.store, ctx.projectId, {
      from, to, labelName: input.labelName, predictedAttribute: input.predictedAttribute, version: input.version, intervalSec: Math.max(1, Math.round(input.interval / 1000)),
    });
    const groups = new Map<string, typeof cells>();
    for (const c of cells) {
      const k = `${c.version}\u0000${c.bucketMs}`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    return {
      points: [...groups.values()].map((g) => ({ version: g[0]!.version, bucketMs: g[0]!.bucketMs, ...classificationMetrics(g) })),
    };
  }),
});
