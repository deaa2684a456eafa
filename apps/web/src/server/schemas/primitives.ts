import { z } from 'zod';

/**
 * Building blocks of the query schemas. Every field accepts what tRPC sends (JSON / superjson:
 * numbers, booleans, Dates) AND what the REST query string carries (strings), and validates both
 * the same way, so an absurd value (1e400, -1, 1e12, NaN, a year-30000 date) is a 400 naming the
 * field on every route, never a 500 from deep inside the store or ClickHouse.
 */

/** Latest instant accepted: ClickHouse DateTime64 overflows in 2262; nothing sane is later. */
export const MAX_TIME_MS = Date.UTC(2262, 0, 1);
/** Longest string a query field takes unless it says otherwise. */
export const MAX_TEXT = 1000;
/** Most values one list (or one filter) may carry. */
export const MAX_LIST = 100;

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A finite number from a JSON number or a decimal string; `inner` adds the range checks. */
export function numeric(inner: z.ZodNumber) {
  return z
    .union([z.number(), z.string().max(64).regex(NUMERIC, { error: 'must be a number' }).transform(Number)], { error: 'must be a number' })
    .pipe(inner);
}

/** An integer in [min, max]. */
export function int(min: number, max: number) {
  const range = `must be an integer in ${min}..${max}`;
  return numeric(z.number({ error: range }).int({ error: range }).min(min, { error: range }).max(max, { error: range }));
}

/** A finite number in [min, max]. */
export function bounded(min: number, max: number) {
  const range = `must be a number in ${min}..${max}`;
  return numeric(z.number({ error: range }).min(min, { error: range }).max(max, { error: range }));
}

const TIME_HELP = 'must be an ISO 8601 time or epoch milliseconds between 1970 and 2262';

/**
 * A point in time: ISO 8601 text, epoch milliseconds (number or digit string), or a Date
 * (superjson). Output: a Date in [1970, 2262).
 */
export const time = z
  .union([z.number(), z.string().max(64), z.date()], { error: TIME_HELP })
  .transform((v, ctx) => {
    let d: Date;
    if (v instanceof Date) d = v;
    else if (typeof v === 'number') d = new Date(v);
    else if (/^-?\d+$/.test(v.trim())) d = new Date(Number(v.trim()));
    else d = new Date(v);
    const ms = d.getTime();
    if (!Number.isFinite(ms) || ms < 0 || ms >= MAX_TIME_MS) {
      ctx.issues.push({ code: 'custom', message: TIME_HELP, input: v });
      return z.NEVER;
    }
    return d;
  })
  .meta({ type: 'string', description: 'ISO 8601 (e.g. 2025-03-04T10:00:00Z) or epoch milliseconds' });

/** Bounded text. */
export const text = (max = MAX_TEXT) => z.string({ error: 'must be a string' }).max(max, { error: `must be at most ${max} characters` });

/** A list of bounded strings (REST: comma-separated or repeated). */
export const stringList = (max = MAX_LIST) =>
  z.array(text(), { error: 'must be a list of strings' }).min(1, { error: 'needs at least one value' }).max(max, { error: `at most ${max} values` });

/** true/false from JSON or the strings 'true'/'false'. */
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'must be true or false' })
  .meta({ type: 'boolean' });

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Widest bucket a time series may ask for (a year); a larger one is a typo, not a chart. */
export const MAX_INTERVAL_MS = 366 * 86_400_000;
const INTERVAL_HELP = `must be a whole number of seconds between 1s and ${MAX_INTERVAL_MS / 86_400_000}d: 30s, 5m, 1h, 1d or milliseconds`;

/** A bucket width: milliseconds, or `30s` / `5m` / `1h` / `1d`. Output: milliseconds. */
export const interval = z
  .union([z.number(), z.string().max(32)], { error: INTERVAL_HELP })
  .transform((v, ctx) => {
    let ms: number;
    if (typeof v === 'number') ms = v;
    else {
      const m = /^(\d{1,15})(ms|s|m|h|d)?$/.exec(v.trim());
      ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 'ms']! : NaN;
    }
    if (!Number.isInteger(ms) || ms < 1000 || ms > MAX_INTERVAL_MS || ms % 1000 !== 0) {
      ctx.issues.push({ code: 'custom', message: INTERVAL_HELP, input: v });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ type: 'string', description: 'Bucket width: 30s, 5m, 1h, 1d or milliseconds' });

/** Trace and span ids: hex, compared lowercase. */
export const hexId = (what: string) =>
  z
    .string({ error: `must be a hex ${what}` })
    .regex(/^[0-9a-fA-F]{1,64}$/, { error: `must be a hex ${what}` })
    .transform((s) => s.toLowerCase())
    .meta({ type: 'string', pattern: '^[0-9a-fA-F]{1,64}$', description: `Hex ${what}` });

export const sortOrder = z.enum(['asc', 'desc'], { error: 'must be asc or desc' });
