import { createHash } from 'node:crypto';
import { SCORE_SOURCES, defaultLabelId, type LabelInput, type ScoreInput } from '@plumb/store';
import { z } from 'zod';
import { hexId, text, time } from './primitives.ts';

/**
 * Bodies of POST /api/v1/scores and /api/v1/labels (one schema each, shared by the handler and
 * the OpenAPI document). A batch holds at most MAX_BATCH items.
 *
 * Idempotency: an item's `id` is its identity; the same id sent again counts once (the newest
 * write wins). Without an id, the id is a hash of the item's content, so an exact retry of the
 * batch still counts once — send your own ids when two identical items are really two.
 */
export const MAX_BATCH = 1000;

const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });

export const scoreItem = z.strictObject({
  id: text(200).min(1, { error: 'must not be empty' }).optional().describe('Your id for the score; same id = same score'),
  traceId: hexId('trace id'),
  spanId: hexId('span id').optional().describe('Omit for a trace-level score'),
  name: text(200).min(1, { error: 'is required' }).describe('e.g. relevance, feedback'),
  value: z.union([finite, z.boolean(), text(1000).min(1, { error: 'must not be empty' })], { error: 'must be a number, a boolean or a label' })
    .describe('number = numeric score, boolean, or a string = categorical label'),
  source: z.enum(SCORE_SOURCES, { error: `must be one of ${SCORE_SOURCES.join(', ')}` }).default('human'),
  comment: text(10_000).optional(),
  timestamp: time.optional().describe('When the score was given; default now'),
});

export const scoresBody = z.strictObject({
  scores: z.array(scoreItem, { error: 'must be a list of scores' }).min(1, { error: 'needs at least one score' }).max(MAX_BATCH, { error: `at most ${MAX_BATCH} scores per request` }),
});

export const labelItem = z.strictObject({
  id: text(200).min(1, { error: 'must not be empty' }).optional().describe('Default: trace:span:name, so a later label of the same prediction replaces it'),
  traceId: hexId('trace id'),
  spanId: hexId('span id').optional().describe('The prediction span; omit to label the trace'),
  name: text(200).min(1, { error: 'is required' }).default('label').describe('The label set, e.g. intent'),
  value: text(1000).min(1, { error: 'is required' }).describe('The true label'),
  comment: text(10_000).optional(),
  timestamp: time.optional(),
});

export const labelsBody = z.strictObject({
  labels: z.array(labelItem, { error: 'must be a list of labels' }).min(1, { error: 'needs at least one label' }).max(MAX_BATCH, { error: `at most ${MAX_BATCH} labels per request` }),
});

export const writeResultSchema = z.object({
  accepted: z.number().int().describe('Distinct ids stored'),
  duplicates: z.number().int().describe('Items whose id appeared again later in the batch (the later one was kept)'),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      id: z.string(),
      traceId: z.string(),
      spanId: z.string().optional(),
      reason: z.enum(['unknown_trace', 'unknown_span']),
      message: z.string(),
    }),
  ).describe('Items not stored: their trace or span is not in this project (yet)'),
});

function contentId(prefix: string, parts: readonly unknown[]): string {
  return `${prefix}${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;
}

export function toScoreInputs(body: z.output<typeof scoresBody>): ScoreInput[] {
  return body.scores.map((s) => {
    const out: ScoreInput = {
      id: s.id ?? contentId('h:', [s.traceId, s.spanId ?? '', s.name, s.value, s.source, s.comment ?? '', s.timestamp?.getTime() ?? null]),
      traceId: s.traceId,
      name: s.name,
      value: s.value,
      source: s.source,
    };
    if (s.spanId) out.spanId = s.spanId;
    if (s.comment !== undefined) out.comment = s.comment;
    if (s.timestamp) out.timestampMs = s.timestamp.getTime();
    return out;
  });
}

export function toLabelInputs(body: z.output<typeof labelsBody>): LabelInput[] {
  return body.labels.map((l) => {
    const out: LabelInput = { id: l.id ?? defaultLabelId(l.traceId, l.spanId, l.name), traceId: l.traceId, name: l.name, value: l.value };
    if (l.spanId) out.spanId = l.spanId;
    if (l.comment !== undefined) out.comment = l.comment;
    if (l.timestamp) out.timestampMs = l.timestamp.getTime();
    return out;
  });
}

/** The body field a zod issue points at, as a path: `scores[3].value`, `labels`, `body`. */
export function bodyField(issue: z.core.$ZodIssue): string {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || 'body';
}
