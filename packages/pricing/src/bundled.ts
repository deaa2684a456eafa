import type { ConditionalPrice, ModelPrice } from '@pydantic/genai-prices';
import { numberPerMTokToPicoPerToken } from './decimal.ts';
import { resolveBundledModel, type BundledMatch } from './genai-match.ts';
import { flatRate, type Rate, type RateSet } from './rates.ts';

/**
 * genai-prices model data compiled to bigint rates. A model's price is either one ModelPrice
 * or a list of conditional prices; like genai-prices, the list is scanned from the end and the
 * first entry whose constraint holds at the span start wins (start_date: on or after that UTC
 * day; time_of_date: UTC time of day within [start, end), wrapping past midnight), falling
 * back to the first entry.
 *
 * Only the five token buckets we track are priced. Keys for other units (audio/image tokens,
 * web searches, per-request fees, cache_write_1h) are ignored: cache writes are billed at
 * cache_write_mtok, the 5-minute rate, as genai-prices does when no 1h split is reported.
 */

export type Constraint =
  | { kind: 'always' }
  | { kind: 'since'; startMs: number }
  | { kind: 'timeOfDay'; startSec: number; endSec: number };

export interface BundledPeriod {
  readonly constraint: Constraint;
  readonly priceId: string;
  readonly rates: RateSet;
}

export interface BundledModel {
  readonly periods: readonly BundledPeriod[];
}

const DAY_MS = 86_400_000;
const TIME_OF_DAY_RE = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** "HH:MM:SS[.f](Z|±HH:MM)" → whole seconds after UTC midnight. */
function utcSecondOfDay(text: string): number | null {
  const m = TIME_OF_DAY_RE.exec(text);
  if (!m) return null;
  let seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const zone = m[4] ?? 'Z';
  if (zone !== 'Z') {
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60;
    seconds -= zone.startsWith('+') ? offset : -offset;
  }
  return ((seconds % 86_400) + 86_400) % 86_400;
}

function compileRate(value: ModelPrice[string]): Rate | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    const price = numberPerMTokToPicoPerToken(value);
    return price === null ? null : flatRate(price);
  }
  const base = numberPerMTokToPicoPerToken(value.base);
  if (base === null) return null;
  const tiers: { start: number; price: bigint }[] = [];
  for (const tier of value.tiers) {
    const price = numberPerMTokToPicoPerToken(tier.price);
    if (price === null || !Number.isFinite(tier.start)) return null;
    tiers.push({ start: tier.start, price });
  }
  tiers.sort((a, b) => a.start - b.start);
  return { base, tiers };
}

/** Missing input/output prices cost 0 (genai-prices bills unpriced units at 0, e.g. an
 *  embedding model has no output price); missing cache prices fall back to the input price
 *  and a missing reasoning price to the output price. null when the data is malformed. */
export function compileModelPrice(price: ModelPrice): RateSet | null {
  const zero = flatRate(0n);
  const input = compileRate(price['input_mtok']);
  const output = compileRate(price['output_mtok']);
  const cacheRead = compileRate(price['cache_read_mtok']);
  const cacheWrite = compileRate(price['cache_write_mtok']);
  const reasoning = compileRate(price['output_reasoning_mtok']);
  if ([input, output, cacheRead, cacheWrite, reasoning].includes(null)) return null;
  const inputRate = input ?? zero;
  const outputRate = output ?? zero;
  return {
    input: inputRate,
    output: outputRate,
    cacheRead: cacheRead ?? inputRate,
    cacheWrite: cacheWrite ?? inputRate,
    reasoning: reasoning ?? outputRate,
  };
}

function compileConstraint(entry: ConditionalPrice): { constraint: Constraint; label: string } | null {
  const c = entry.constraint as Record<string, unknown> | undefined;
  if (c === undefined) return { constraint: { kind: 'always' }, label: '' };
  if (typeof c['start_date'] === 'string') {
    const startMs = Date.parse(`${c['start_date']}T00:00:00Z`);
    if (Number.isNaN(startMs)) return null;
    return { constraint: { kind: 'since', startMs }, label: `@${c['start_date']}` };
  }
  if (typeof c['start_time'] === 'string' && typeof c['end_time'] === 'string') {
    const startSec = utcSecondOfDay(c['start_time']);
    const endSec = utcSecondOfDay(c['end_time']);
    if (startSec === null || endSec === null) return null;
    return {
      constraint: { kind: 'timeOfDay', startSec, endSec },
      label: `@${c['start_time']}-${c['end_time']}`,
    };
  }
  return null;
}

/** Looks up and compiles the bundled price of (provider, model); undefined when unpriced. */
export function loadBundledModel(provider: string, model: string): BundledModel | undefined {
  const match = resolveBundledModel(provider, model);
  return match ? compileBundled(match) : undefined;
}

/** One genai-prices model compiled; undefined when its data is malformed. */
export function compileBundled(match: BundledMatch): BundledModel | undefined {
  const baseId = `genai-prices:${match.provider.id}/${match.model.id}`;
  const entries: ConditionalPrice[] = Array.isArray(match.model.prices)
    ? match.model.prices
    : [{ prices: match.model.prices }];
  const periods: BundledPeriod[] = [];
  for (const entry of entries) {
    const compiled = compileConstraint(entry);
    const rates = compileModelPrice(entry.prices);
    if (!compiled || !rates) return undefined;
    periods.push({ constraint: compiled.constraint, priceId: baseId + compiled.label, rates });
  }
  return periods.length > 0 ? { periods } : undefined;
}

function holds(constraint: Constraint, timeMs: number): boolean {
  switch (constraint.kind) {
    case 'always':
      return true;
    case 'since':
      return timeMs >= constraint.startMs;
    case 'timeOfDay': {
      const sec = Math.floor((((timeMs % DAY_MS) + DAY_MS) % DAY_MS) / 1000);
      const { startSec, endSec } = constraint;
      return endSec < startSec ? sec >= startSec || sec < endSec : sec >= startSec && sec < endSec;
    }
  }
}

export function periodAt(model: BundledModel, timeMs: number): BundledPeriod {
  const { periods } = model;
  for (let i = periods.length - 1; i > 0; i--) {
    const period = periods[i]!;
    if (holds(period.constraint, timeMs)) return period;
  }
  return periods[0]!;
}

/** Times in (fromMs, toMs) where the period in effect may change: start dates, and the edges
 *  of time-of-day windows on every UTC day. */
export function bundledBreakpoints(model: BundledModel, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (const { constraint: c } of model.periods) {
    if (c.kind === 'since' && c.startMs > fromMs && c.startMs < toMs) out.push(c.startMs);
    if (c.kind === 'timeOfDay') {
      for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) {
        for (const sec of [c.startSec, c.endSec]) {
          const t = day + sec * 1000;
          if (t > fromMs && t < toMs) out.push(t);
        }
      }
    }
  }
  return out;
}
