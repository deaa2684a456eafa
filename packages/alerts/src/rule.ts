import { z } from 'zod';
import { checkTemplate } from './template.ts';

/**
 * The alert rule model (issue 13, methods.md C7): a query over the semantic layer (measure +
 * filters + group-by, any measure of the catalog — the store checks the names), a rule type with
 * its condition, timing (`for`, `keep_firing_for`, evaluation interval), no-data / error
 * handling, a minimum sample count, labels and annotation templates.
 *
 * Durations are accepted as milliseconds or as text (`90s`, `5m`, `1h`, `30d`) and stored as ms.
 * `parseRule` turns any mistake into a RuleError naming the field (`condition.critical`,
 * `slo.target`…), which REST answers as 400 and tRPC as BAD_REQUEST.
 */

export class RuleError extends Error {
  override readonly name = 'RuleError';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `5m` / `90s` / 300000 → ms. */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(v);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/** ms → the shortest exact text (`300000` → `5m`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [u, f] of [['w', UNITS.w!], ['d', UNITS.d!], ['h', UNITS.h!], ['m', UNITS.m!], ['s', UNITS.s!]] as const) {
    if (ms >= f && ms % f === 0) return `${ms / f}${u}`;
  }
  return `${ms}ms`;
}

const duration = (min: number, max: number) =>
  z.union([z.number(), z.string()], { error: 'must be a duration: milliseconds or text such as 90s, 5m, 1h' })
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (!Number.isFinite(ms) || !Number.isInteger(ms)) ctx.addIssue({ code: 'custom', message: 'must be a duration: milliseconds or text such as 90s, 5m, 1h' });
      else if (ms < min || ms > max) ctx.addIssue({ code: 'custom', message: `must be between ${formatDuration(min)} and ${formatDuration(max)}` });
      return ms;
    });

const name = (max = 200) => z.string({ error: 'must be a string' }).max(max, { error: `at most ${max} characters` });
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = new Set(['alertname', 'rule_id', 'severity', 'alertstate']);

const labels = z.record(
  z.string().regex(LABEL_NAME, { error: 'label names are [a-zA-Z_][a-zA-Z0-9_]*' }).refine((k) => !RESERVED_LABELS.has(k), { error: 'alertname, rule_id, severity and alertstate are set by Plumb' }),
  name(1000),
  { error: 'must be an object of label → value' },
).default({});

export const OPS = ['>', '>=', '<', '<='] as const;
export type Op = (typeof OPS)[number];

/** A semantic-layer query: one measure, filters (dimension → values) and group-by dimensions. */
const query = z.strictObject({
  measure: name(100).min(1, { error: 'is required' }),
  filters: z.record(name(100), z.array(name(1000), { error: 'must be a list of values' }).min(1, { error: 'needs at least one value' }).max(100), { error: 'must be an object of dimension → values' }).default({}),
  groupBy: z.array(name(100), { error: 'must be a list of dimensions' }).max(5, { error: 'at most 5 dimensions' }).default([]),
});
export type RuleQuery = z.output<typeof query>;

const condition = z.strictObject({
  op: z.enum(OPS, { error: `must be one of ${OPS.join(' ')}` }),
  warning: z.number({ error: 'must be a number' }).refine(Number.isFinite, { error: 'must be finite' }).nullable().default(null),
  critical: z.number({ error: 'must be a number' }).refine(Number.isFinite, { error: 'must be finite' }).nullable().default(null),
});

const burnWindow = z.strictObject({
  longMs: duration(60_000, 30 * 86_400_000),
  shortMs: duration(60_000, 30 * 86_400_000),
  factor: z.number({ error: 'must be a number' }).positive({ error: 'must be > 0' }),
  severity: z.enum(['warning', 'critical'], { error: 'must be warning or critical' }).default('critical'),
});

/** Google SRE Workbook's page windows for a 30-day SLO (methods.md C5). */
export const DEFAULT_BURN_WINDOWS = [
  { longMs: 3_600_000, shortMs: 300_000, factor: 14.4, severity: 'critical' as const },
  { longMs: 21_600_000, shortMs: 1_800_000, factor: 6, severity: 'critical' as const },
];

/**
 * SLO over events of the semantic layer: `bad` / `total` (e.g. errors / requests), or
 * 1 − `good` / `total`. Both measures are read with the rule's filters and group-by.
 */
const slo = z.strictObject({
  total: name(100).min(1, { error: 'is required' }),
  bad: name(100).optional(),
  good: name(100).optional(),
  target: z.number({ error: 'must be a number' }).gt(0, { error: 'must be in (0, 1), e.g. 0.995' }).lt(1, { error: 'must be in (0, 1), e.g. 0.995' }),
  periodMs: duration(86_400_000, 90 * 86_400_000).default(30 * 86_400_000),
  windows: z.array(burnWindow).min(1, { error: 'needs at least one window pair' }).max(4).default(DEFAULT_BURN_WINDOWS),
}).refine((s) => (s.bad === undefined) !== (s.good === undefined), { error: 'give exactly one of bad or good', path: ['bad'] });

const anomaly = z.strictObject({
  /** Weeks of history: the same window shifted by 1..weeks weeks (same hour-of-week). */
  weeks: z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }).min(3, { error: 'needs at least 3 weeks' }).max(8, { error: 'at most 8 weeks' }).default(4),
  /** Band half-width in scaled MADs (1.4826·MAD ≈ σ for normal data). */
  k: z.number({ error: 'must be a number' }).positive({ error: 'must be > 0' }).max(20).default(3),
  direction: z.enum(['above', 'below', 'both'], { error: 'must be above, below or both' }).default('both'),
});

export const NO_DATA_POLICIES = ['nodata', 'alerting', 'ok', 'keep'] as const;
export const ERROR_POLICIES = ['error', 'alerting', 'ok', 'keep'] as const;
export const RULE_TYPES = ['threshold', 'slo', 'anomaly'] as const;

export const ruleInput = z.strictObject({
  name: name(200).min(1, { error: 'is required' }),
  type: z.enum(RULE_TYPES, { error: `must be one of ${RULE_TYPES.join(', ')}` }).default('threshold'),
  query,
  /** The window each evaluation aggregates over, ending at the evaluation time. */
  windowMs: duration(60_000, 31 * 86_400_000).default(300_000),
  condition: condition.optional(),
  slo: slo.optional(),
  anomaly: anomaly.optional(),
  forMs: duration(0, 7 * 86_400_000).default(0),
  keepFiringForMs: duration(0, 7 * 86_400_000).default(0),
  intervalMs: duration(10_000, 86_400_000).default(60_000),
  noData: z.enum(NO_DATA_POLICIES, { error: `must be one of ${NO_DATA_POLICIES.join(', ')}` }).default('nodata'),
  onError: z.enum(ERROR_POLICIES, { error: `must be one of ${ERROR_POLICIES.join(', ')}` }).default('error'),
  /** Fewer samples (the rule's `total` / requests in the window) than this counts as no data. */
  minSamples: z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }).min(0).max(1e9).default(0),
  labels,
  annotations: z.record(z.string().regex(LABEL_NAME, { error: 'annotation names are [a-zA-Z_][a-zA-Z0-9_]*' }), name(4000).superRefine((t, ctx) => { const e = checkTemplate(t); if (e) ctx.addIssue({ code: 'custom', message: e }); }), { error: 'must be an object of name → template' }).default({}),
  /** Contact points notified (ids); none = evaluated and shown, not sent. */
  contactPoints: z.array(name(100)).max(20).default([]),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
}).superRefine((r, ctx) => {
  if (r.type === 'threshold' || r.type === 'anomaly') {
    if (r.type === 'threshold') {
      if (!r.condition) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'a threshold rule needs a condition' });
      else if (r.condition.warning === null && r.condition.critical === null) ctx.addIssue({ code: 'custom', path: ['condition', 'critical'], message: 'give a warning or a critical threshold' });
      else if (r.condition.warning !== null && r.condition.critical !== null) {
        const up = r.condition.op === '>' || r.condition.op === '>=';
        if (up ? r.condition.warning > r.condition.critical : r.condition.warning < r.condition.critical) {
          ctx.addIssue({ code: 'custom', path: ['condition', 'warning'], message: `the warning threshold must be reached before the critical one (${up ? '≤' : '≥'} critical)` });
        }
      }
    }
  }
  if (r.type === 'slo' && !r.slo) ctx.addIssue({ code: 'custom', path: ['slo'], message: 'an SLO rule needs slo: { total, bad | good, target }' });
  if (r.slo) for (const [i, w] of r.slo.windows.entries()) {
    if (w.shortMs >= w.longMs) ctx.addIssue({ code: 'custom', path: ['slo', 'windows', i, 'shortMs'], message: 'the short window must be shorter than the long one' });
  }
}).transform((r) => (r.type === 'anomaly' && !r.anomaly ? { ...r, anomaly: { weeks: 4, k: 3, direction: 'both' as const } } : r));

export type RuleInput = z.input<typeof ruleInput>;
export type RuleSpec = z.output<typeof ruleInput>;
export interface Rule extends RuleSpec {
  id: string;
}

/** A zod issue path → the field name an API error names (`slo.windows[0].shortMs`). */
export function fieldOf(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${String(p)}`;
  return s || 'rule';
}

/** Validates a rule; the first problem is thrown as a RuleError naming its field. */
export function parseRule(input: unknown): RuleSpec {
  const r = ruleInput.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? fieldOf([...issue.path, issue.keys[0] ?? '']) : fieldOf(issue.path);
  throw new RuleError(field, `${field}: ${issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message}`);
}
