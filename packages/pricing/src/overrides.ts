import { perMTokToPicoPerToken } from './decimal.ts';
import { flatRate, type RateSet } from './rates.ts';
import type { PriceOverride, PriceUnit } from './types.ts';

/**
 * User price overrides, compiled once per setOverrides(). Precedence among the overrides that
 * match a (provider, model): the latest effectiveFrom ≤ span start wins; at equal dates an
 * exact pattern beats a prefix beats a regex, then a specific provider beats '' (any), then a
 * longer prefix beats a shorter one, then the smaller id (so the order is total and stable).
 */

/** Ordered by precedence at equal dates: exact < prefix < regex. */
const PatternKind = { Exact: 0, Prefix: 1, Regex: 2 } as const;
type PatternKind = (typeof PatternKind)[keyof typeof PatternKind];

export interface CompiledOverride {
  readonly id: string;
  readonly priceId: string;
  readonly provider: string;
  readonly kind: PatternKind;
  /** lower-cased id (exact) or prefix without the '*' (prefix); '' for regex */
  readonly text: string;
  readonly regex: RegExp | null;
  readonly effectiveFrom: number;
  /** Exclusive end; Infinity while open. */
  readonly effectiveTo: number;
  readonly rates: RateSet;
  /** 'gpu_hour': the model is priced per GPU-hour (rates all 0, never used). */
  readonly unit: PriceUnit;
}

const REGEX_PATTERN_RE = /^\/(.+)\/([imsu]*)$/s;

type PriceField = 'inputPerMTok' | 'outputPerMTok' | 'cacheReadPerMTok' | 'cacheWritePerMTok' | 'reasoningPerMTok';
const PRICE_FIELDS: readonly PriceField[] = [
  'inputPerMTok',
  'outputPerMTok',
  'cacheReadPerMTok',
  'cacheWritePerMTok',
  'reasoningPerMTok',
];

/** Problems with one override ([] when valid). Use it to filter rows before setOverrides(). */
export function validateOverride(o: PriceOverride): string[] {
  const problems: string[] = [];
  if (typeof o.id !== 'string' || o.id === '') problems.push('id must be a non-empty string');
  if (typeof o.provider !== 'string') problems.push('provider must be a string');
  if (typeof o.modelPattern !== 'string' || o.modelPattern.trim() === '') {
    problems.push('modelPattern must be a non-empty string');
  } else if (o.modelPattern.startsWith('/')) {
    const m = REGEX_PATTERN_RE.exec(o.modelPattern);
    if (!m) problems.push(`modelPattern ${o.modelPattern} is not /regex/ with flags among i, m, s, u`);
    else {
      try {
        new RegExp(m[1] ?? '', m[2]);
      } catch (err) {
        problems.push(`modelPattern ${o.modelPattern}: ${(err as Error).message}`);
      }
    }
  }
  if (typeof o.effectiveFrom !== 'number' || !Number.isFinite(o.effectiveFrom)) {
    problems.push('effectiveFrom must be a finite epoch-ms number');
  }
  if (o.effectiveTo !== undefined && (typeof o.effectiveTo !== 'number' || !Number.isFinite(o.effectiveTo) || o.effectiveTo <= o.effectiveFrom)) {
    problems.push('effectiveTo must be an epoch-ms number after effectiveFrom');
  }
  if (o.unit !== undefined && o.unit !== 'token' && o.unit !== 'gpu_hour') problems.push(`unit must be token or gpu_hour, got ${JSON.stringify(o.unit)}`);
  for (const field of PRICE_FIELDS) {
    const value = o[field];
    if (o.unit === 'gpu_hour') {
      // Never both: the model's spend is its GPU-hours, so a token price would count it twice.
      if (value !== undefined && value !== '') problems.push(`${field} must be empty: a GPU-hour priced model has no token price`);
      continue;
    }
    const required = field === 'inputPerMTok' || field === 'outputPerMTok';
    if (value === undefined && !required) continue;
    if (typeof value !== 'string' || perMTokToPicoPerToken(value) === null) {
      problems.push(`${field} must be a non-negative decimal string, got ${JSON.stringify(value)}`);
    }
  }
  return problems.map((p) => `price override ${JSON.stringify(o.id)}: ${p}`);
}

function price(value: string | undefined): bigint | undefined {
  return value === undefined || value === '' ? undefined : (perMTokToPicoPerToken(value) ?? undefined);
}

function compileOne(o: PriceOverride): CompiledOverride {
  const input = flatRate(price(o.inputPerMTok) ?? 0n);
  const output = flatRate(price(o.outputPerMTok) ?? 0n);
  const cacheRead = price(o.cacheReadPerMTok);
  const cacheWrite = price(o.cacheWritePerMTok);
  const reasoning = price(o.reasoningPerMTok);
  const rates: RateSet = {
    input,
    output,
    cacheRead: cacheRead === undefined ? input : flatRate(cacheRead),
    cacheWrite: cacheWrite === undefined ? input : flatRate(cacheWrite),
    reasoning: reasoning === undefined ? output : flatRate(reasoning),
  };
  const pattern = o.modelPattern.trim();
  const regexParts = pattern.startsWith('/') ? REGEX_PATTERN_RE.exec(pattern) : null;
  const kind: PatternKind = regexParts
    ? PatternKind.Regex
    : pattern.endsWith('*')
      ? PatternKind.Prefix
      : PatternKind.Exact;
  return {
    id: o.id,
    priceId: `override:${o.id}`,
    provider: o.provider.trim().toLowerCase(),
    kind,
    text: kind === PatternKind.Regex ? '' : (kind === PatternKind.Prefix ? pattern.slice(0, -1) : pattern).toLowerCase(),
    regex: regexParts ? new RegExp(regexParts[1] ?? '', regexParts[2]) : null,
    effectiveFrom: o.effectiveFrom,
    effectiveTo: o.effectiveTo ?? Infinity,
    rates,
    unit: o.unit ?? 'token',
  };
}

function precedence(a: CompiledOverride, b: CompiledOverride): number {
  return (
    b.effectiveFrom - a.effectiveFrom ||
    a.kind - b.kind ||
    Number(a.provider === '') - Number(b.provider === '') ||
    b.text.length - a.text.length ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Validates and compiles overrides, sorted by precedence. Throws listing every problem
 *  (invalid fields, duplicate ids) so a bad price is never silently ignored. */
export function compileOverrides(overrides: readonly PriceOverride[]): CompiledOverride[] {
  const problems = overrides.flatMap(validateOverride);
  const seen = new Set<string>();
  for (const o of overrides) {
    if (seen.has(o.id)) problems.push(`price override ${JSON.stringify(o.id)}: duplicate id`);
    seen.add(o.id);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return overrides.map(compileOne).sort(precedence);
}

/** Overrides that apply to (provider, model) at some time, in precedence order. */
export function matchingOverrides(
  compiled: readonly CompiledOverride[],
  provider: string,
  model: string,
): CompiledOverride[] {
  const p = provider.trim().toLowerCase();
  const raw = model.trim();
  const lower = raw.toLowerCase();
  return compiled.filter((o) => {
    if (o.provider !== '' && o.provider !== p) return false;
    switch (o.kind) {
      case PatternKind.Exact:
        return lower === o.text;
      case PatternKind.Prefix:
        return lower.startsWith(o.text);
      case PatternKind.Regex:
        return o.regex!.test(raw);
    }
  });
}

/** The first override (in precedence order) in effect at timeMs (started, not ended). */
export function overrideAt(candidates: readonly CompiledOverride[], timeMs: number): CompiledOverride | undefined {
  for (const o of candidates) if (o.effectiveFrom <= timeMs && timeMs < o.effectiveTo) return o;
  return undefined;
}
