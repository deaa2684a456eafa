/**
 * Display formatters shared by every page. All are pure and locale-fixed (en-US) so server and
 * client render the same text; they never throw on NaN / Infinity (they print an em dash).
 */

import { wallClock, zoneLabel, type Zone } from './zone.ts';

const DASH = '—';

const ok = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/** Durations given in milliseconds: 850µs, 12.3ms, 1.24s, 2m 05s, 1h 02m. */
export function formatDuration(ms: number | null | undefined): string {
  if (!ok(ms)) return DASH;
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs === 0) return '0ms';
  if (abs < 1) return `${sign}${Math.round(abs * 1000)}µs`;
  if (abs < 10) return `${sign}${trim(abs.toFixed(2))}ms`;
  if (abs < 1000) return `${sign}${trim(abs.toFixed(abs < 100 ? 1 : 0))}ms`;
  const s = abs / 1000;
  if (s < 60) return `${sign}${trim(s.toFixed(s < 10 ? 2 : 1))}s`;
  const totalS = Math.round(s);
  if (totalS < 3600) return `${sign}${Math.floor(totalS / 60)}m ${pad2(totalS % 60)}s`;
  const totalM = Math.round(totalS / 60);
  if (totalM < 1440) return `${sign}${Math.floor(totalM / 60)}h ${pad2(totalM % 60)}m`;
  const totalH = Math.round(totalM / 60);
  return `${sign}${Math.floor(totalH / 24)}d ${totalH % 24}h`;
}

/**
 * US dollars with enough precision for tiny per-call costs: $1,234.56, $0.0421, $0.000123.
 * Amounts under one cent keep three significant digits instead of rounding to $0.00.
 */
export function formatUsd(usd: number | null | undefined): string {
  if (!ok(usd)) return DASH;
  if (usd === 0) return '$0';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs >= 1000) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (abs >= 1) return `${sign}$${abs.toFixed(2)}`;
  if (abs >= 0.01) return `${sign}$${trimMoney(abs.toFixed(4))}`;
  // Three significant digits, written out in fixed notation (never 1.23e-7).
  const digits = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(abs))));
  return `${sign}$${trim(abs.toFixed(digits))}`;
}

/**
 * A cost that may include spans with no price: "$1.23", "$1.23 + 2 unpriced", "unpriced" (one
 * span, or a total that is all unpriced: "3 unpriced"). An unknown price is never printed as $0.
 */
export function formatCost(cost: { usd: number; unpriced: number } | null | undefined): string {
  if (!cost) return DASH;
  const p = costParts(cost);
  return p.priced !== null && p.unpriced !== null ? `${p.priced} + ${p.unpriced}` : (p.priced ?? p.unpriced ?? DASH);
}

/** The two parts formatCost joins, for views that style them apart (null = absent). */
export function costParts(cost: { usd: number; unpriced: number }): { priced: string | null; unpriced: string | null } {
  if (cost.unpriced <= 0) return { priced: formatUsd(cost.usd), unpriced: null };
  const unpriced = cost.unpriced === 1 ? 'unpriced' : `${formatCount(cost.unpriced)} unpriced`;
  return { priced: cost.usd > 0 ? formatUsd(cost.usd) : null, unpriced };
}

/** Compact counts: 950, 1.2k, 3.4M, 5.6B. */
export function formatCount(n: number | null | undefined): string {
  if (!ok(n)) return DASH;
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  for (let i = 0; i < COUNT_UNITS.length; i++) {
    const [size, suffix] = COUNT_UNITS[i]!;
    if (abs < size) continue;
    const v = abs / size;
    const rounded = v >= 100 ? Math.round(v) : Math.round(v * 10) / 10;
    // 999.96k rounds to "1000k": print it in the next unit up instead.
    const bigger = COUNT_UNITS[i - 1];
    if (rounded >= 1000 && bigger) return `${sign}1${bigger[1]}`;
    return `${sign}${rounded}${suffix}`;
  }
  return `${sign}${Number.isInteger(abs) ? abs : trim(abs.toFixed(1))}`;
}

/** Token counts: same as formatCount (kept separate so call sites read clearly). */
export const formatTokens = formatCount;

/** Exact integer with thousands separators, for tooltips and detail panels. */
export function formatInteger(n: number | null | undefined): string {
  if (!ok(n)) return DASH;
  return Math.round(n).toLocaleString('en-US');
}

/** A ratio in [0, 1] as a percentage: 0.1234 → "12.3%", 0.00042 → "0.04%". */
export function formatPercent(ratio: number | null | undefined): string {
  if (!ok(ratio)) return DASH;
  const pct = ratio * 100;
  if (pct === 0) return '0%';
  const abs = Math.abs(pct);
  if (abs < 0.01) return pct < 0 ? '>-0.01%' : '<0.01%';
  if (abs < 1) return `${trim(pct.toFixed(2))}%`;
  if (abs < 100) return `${trim(pct.toFixed(1))}%`;
  return `${pct.toFixed(0)}%`;
}

/**
 * Wall-clock time in `zone` for tables: "14:03:27.120" when `withDate` is false, else
 * "Mar 04 14:03:27". No zone label: the column header carries it (zoneLabel). Pick one mode per
 * table (see needsDate) so a column never mixes formats.
 */
export function formatTimestamp(ms: number | null | undefined, withDate: boolean, zone: Zone): string {
  if (!ok(ms)) return DASH;
  const w = wallClock(ms, zone);
  const time = `${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}`;
  if (!withDate) return `${time}.${String(w.ms).padStart(3, '0')}`;
  return `${MONTHS[w.month - 1]} ${pad2(w.day)} ${time}`;
}

/** True when some instant is not on the day of `now` in `zone`: the table then shows dates. */
export function needsDate(instants: readonly number[], zone: Zone, now: number = Date.now()): boolean {
  const today = wallClock(now, zone);
  return instants.some((ms) => {
    const w = wallClock(ms, zone);
    return w.year !== today.year || w.month !== today.month || w.day !== today.day;
  });
}

/** Full date-time with its zone, for headers and tooltips: "2025-03-04 14:03:27 UTC". */
export function formatDateTime(ms: number | null | undefined, zone: Zone): string {
  if (!ok(ms)) return DASH;
  const w = wallClock(ms, zone);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)} ${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)} ${zoneLabel(zone, ms)}`;
}

/** Chart x-axis tick in `zone`: time only for spans up to two days, date + hour beyond. */
export function formatAxisTime(ms: number, spanMs: number, zone: Zone): string {
  const w = wallClock(ms, zone);
  if (spanMs <= 2 * 86_400_000) return `${pad2(w.hour)}:${pad2(w.minute)}`;
  return `${MONTHS[w.month - 1]} ${pad2(w.day)} ${pad2(w.hour)}h`;
}

/**
 * A duration axis: one unit for the whole axis, picked from the largest value, so the label
 * ("ms", "s", "min", "h") and every tick (plain numbers in that unit) agree. Tooltips keep
 * formatDuration, whose values name their own units.
 */
export interface DurationAxis {
  unit: 'ms' | 's' | 'min' | 'h';
  /** A tick: milliseconds → a plain number in `unit` ("80", "1.5"). */
  tick: (ms: number) => string;
}

export function durationAxis(maxMs: number): DurationAxis {
  const max = ok(maxMs) ? Math.abs(maxMs) : 0;
  const [unit, size]: [DurationAxis['unit'], number] =
    max < 1_000 ? ['ms', 1] : max < 120_000 ? ['s', 1_000] : max < 7_200_000 ? ['min', 60_000] : ['h', 3_600_000];
  return {
    unit,
    tick: (ms) => {
      if (!ok(ms)) return DASH;
      const v = ms / size;
      return trim(v.toFixed(Math.abs(v) >= 100 || Number.isInteger(v) ? 0 : Math.abs(v) >= 10 ? 1 : 2));
    },
  };
}

/** Shortens an id for display: "4bf92f3577b34da6…". */
export function shortId(id: string, keep = 16): string {
  return id.length > keep ? `${id.slice(0, keep)}…` : id;
}

const COUNT_UNITS: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Like trim, but keeps cents: "0.5000" → "0.50". */
function trimMoney(s: string): string {
  const t = trim(s);
  const decimals = t.includes('.') ? t.length - t.indexOf('.') - 1 : 0;
  return decimals >= 2 ? t : Number(t).toFixed(2);
}

/** Drops trailing zeros of a fixed-point string: "1.50" → "1.5", "2.00" → "2". */
function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
