import { MATCH_OPS, ruleInput } from '@plumb/alerts';
import { egressPolicyFromEnv, urlRefusal } from '@plumb/alerts/egress';
import { CONTACT_KINDS } from '@plumb/store';
import { z } from 'zod';

/**
 * Inputs of the alerts API (tRPC and REST share them). A rule body is @plumb/alerts' rule
 * schema itself (`ruleInput`); the store re-checks its measures against the semantic catalog.
 */

export { ruleInput };

const id = z.string({ error: 'must be a string' }).min(1, { error: 'is required' }).max(100, { error: 'at most 100 characters' });
const epoch = z.union([z.number(), z.string()], { error: 'must be an ISO 8601 time or epoch milliseconds' }).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch milliseconds' });
  return ms;
});

export const ruleId = z.strictObject({ id });
export const ruleUpdate = z.strictObject({ id, rule: z.unknown() });

export const historyInput = z.strictObject({
  ruleId: id.optional(),
  from: epoch.optional(),
  to: epoch.optional(),
});

export const alertsQuery = z.strictObject({
  state: z.enum(['inactive', 'pending', 'firing', 'resolved', 'nodata', 'error', 'active'], { error: 'must be inactive, pending, firing, resolved, nodata, error or active (pending, firing, nodata, error)' }).optional(),
  ruleId: id.optional(),
});

export const matcher = z.strictObject({
  name: z.string({ error: 'must be a string' }).regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'label names are [a-zA-Z_][a-zA-Z0-9_]*' }),
  op: z.enum(MATCH_OPS, { error: `must be one of ${MATCH_OPS.join(' ')}` }).default('='),
  value: z.string({ error: 'must be a string' }).max(1000),
}).superRefine((m, ctx) => {
  if (m.op !== '=~' && m.op !== '!~') return;
  try {
    new RegExp(`^(?:${m.value})$`, 'u');
  } catch {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'is not a valid regular expression' });
  }
});

export const silenceInput = z.strictObject({
  matchers: z.array(matcher, { error: 'must be a list of matchers' }).min(1, { error: 'needs at least one matcher' }).max(20),
  startsAt: epoch.optional(),
  endsAt: epoch,
  comment: z.string().max(2000).default(''),
}).refine((s) => (s.startsAt ?? Date.now()) < s.endsAt, { error: 'must be after startsAt', path: ['endsAt'] });

const ms = (min: number, max: number) => z.number({ error: 'must be a number of milliseconds' }).int({ error: 'must be an integer' }).min(min).max(max);

export const contactPointInput = z.strictObject({
  id: id.optional(),
  name: z.string().min(1, { error: 'is required' }).max(200),
  kind: z.enum(CONTACT_KINDS, { error: `must be one of ${CONTACT_KINDS.join(', ')}` }),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).superRefine((url, ctx) => {
    // Literal addresses the egress policy refuses are refused when saved; names are checked by the worker when it connects.
    const why = urlRefusal(url, egressPolicyFromEnv());
    if (why) ctx.addIssue({ code: 'custom', message: `is not an allowed notification target: ${why} (PLUMB_ALERT_EGRESS)` });
  }),
  /** Webhook HMAC key; omitted on update = keep the stored one. */
  secret: z.string().max(500).optional(),
  groupBy: z.array(z.string().regex(/^([a-zA-Z_][a-zA-Z0-9_]*|\.\.\.)$/, { error: 'label names, or ... for one group per alert' })).max(10).default(['alertname']),
  groupWaitMs: ms(0, 3_600_000).default(30_000),
  groupIntervalMs: ms(1000, 86_400_000).default(300_000),
  repeatIntervalMs: ms(60_000, 7 * 86_400_000).default(14_400_000),
  sendResolved: z.boolean().default(true),
  maxAlerts: z.number().int().min(0).max(10_000).default(0),
});

export const deliveriesInput = z.strictObject({ contactPointId: id.optional(), from: epoch.optional(), to: epoch.optional() });

/** Preview: a (possibly unsaved, possibly incomplete) rule; the query and thresholds charted over the last day. */
export const previewInput = z.strictObject({ rule: z.unknown(), hours: z.number().int().min(1).max(24 * 7).default(24) });
