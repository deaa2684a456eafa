import { DRIFT_HELP, DRIFT_METHODS } from '@plumb/analytics';
import { CATEGORICAL_FEATURES, FILTER_KEYS, NUMERIC_FEATURES, SPAN_SETS, type DriftFilters, type DriftMonitorDefinition } from '@plumb/store';
import { z } from 'zod';
import { bounded, int, interval, text, time } from './primitives.ts';

/**
 * A drift monitor as the user defines it (tRPC create/update, REST POST/PUT
 * /api/v1/drift-monitors, OpenAPI). Defaults: reference = the previous 7 days, current window =
 * 24 h, method auto, thresholds of methods.md A8, top 20 categories.
 */
const key = text(200).min(1, { error: 'must not be empty' }).optional().describe('The attribute key, or the score name, for field attribute / score');

const feature = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('numeric'), field: z.enum(NUMERIC_FEATURES, { error: `must be one of ${NUMERIC_FEATURES.join(', ')}` }), key }),
    z.strictObject({ kind: z.literal('categorical'), field: z.enum(CATEGORICAL_FEATURES, { error: `must be one of ${CATEGORICAL_FEATURES.join(', ')}` }), key }),
  ], { error: 'must be { kind: numeric | categorical, field, key? }' })
  .superRefine((f, ctx) => {
    if ((f.field === 'attribute' || f.field === 'score') && !f.key) ctx.addIssue({ code: 'custom', path: ['key'], message: `is required for field ${f.field}` });
  });

const filters = z.strictObject(
  Object.fromEntries(FILTER_KEYS.map((k) => [k, z.array(text(), { error: 'must be a list of values' }).min(1, { error: 'needs at least one value' }).max(100, { error: 'at most 100 values' }).optional()])) as Record<
    (typeof FILTER_KEYS)[number],
    z.ZodOptional<z.ZodArray<z.ZodString>>
  >,
);

const reference = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('frozen'), from: time, to: time }).refine((r) => r.from.getTime() < r.to.getTime(), { error: 'from must be before to', path: ['to'] }),
  z.strictObject({ kind: z.literal('previous'), days: int(1, 90).default(7) }),
], { error: 'must be { kind: frozen, from, to } or { kind: previous, days }' });

const thresholds = z.strictObject({
  psiWarn: bounded(0, 100).optional(),
  psiCritical: bounded(0, 100).optional(),
  js: bounded(0, 1).optional(),
  wasserstein: bounded(0, 1000).optional(),
  pValue: bounded(0, 1).optional(),
});

export const driftMonitorInput = z
  .strictObject({
    name: text(200).min(1, { error: 'is required' }),
    feature,
    spanSet: z.enum(SPAN_SETS, { error: `must be one of ${SPAN_SETS.join(', ')}` }).default('llm').describe('Which spans a span feature is measured on'),
    filters: filters.default({}).describe('Slice: equality filters, each a list of values'),
    reference: reference.default({ kind: 'previous', days: 7 }),
    currentWindow: interval.default(86_400_000).describe('Length of the current window ending at evaluation time (e.g. 24h)'),
    method: z.enum(DRIFT_METHODS, { error: `must be one of ${DRIFT_METHODS.join(', ')}` }).default('auto'),
    thresholds: thresholds.default({}),
    topK: int(1, 100).default(20).describe('Categorical: reference values kept as their own bins'),
  })
  .superRefine((m, ctx) => {
    if (m.feature.field !== 'score') return;
    for (const k of ['environment', 'request_model'] as const) {
      if (m.filters[k]) ctx.addIssue({ code: 'custom', path: ['filters', k], message: 'does not apply to score features' });
    }
  })
  .describe(DRIFT_HELP);

export type DriftMonitorInput = z.output<typeof driftMonitorInput>;

export const driftMonitorId = z.strictObject({ id: text(100).min(1, { error: 'is required' }) });
export const driftMonitorUpdate = z.strictObject({ id: text(100).min(1, { error: 'is required' }), monitor: driftMonitorInput });
export const driftHistoryInput = z.strictObject({ id: text(100).min(1, { error: 'is required' }), from: time.optional(), to: time.optional() });

export function toDefinition(m: DriftMonitorInput): DriftMonitorDefinition {
  const f: DriftFilters = {};
  for (const k of FILTER_KEYS) if (m.filters[k]) f[k] = m.filters[k];
  return {
    name: m.name,
    feature: m.feature.key ? { kind: m.feature.kind, field: m.feature.field, key: m.feature.key } as DriftMonitorDefinition['feature'] : { kind: m.feature.kind, field: m.feature.field } as DriftMonitorDefinition['feature'],
    spanSet: m.spanSet,
    filters: f,
    reference: m.reference.kind === 'frozen' ? { kind: 'frozen', fromMs: m.reference.from.getTime(), toMs: m.reference.to.getTime() } : { kind: 'previous', days: m.reference.days },
    currentMs: m.currentWindow,
    method: m.method,
    thresholds: Object.fromEntries(Object.entries(m.thresholds).filter(([, v]) => v !== undefined)),
    topK: m.topK,
  };
}
