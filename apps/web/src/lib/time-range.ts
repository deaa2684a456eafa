/**
 * The dashboard's time window, kept in the URL so a view can be shared:
 * `?range=24h` (relative to now) or `?from=<ISO|epoch ms>&to=<ISO|epoch ms>` (absolute).
 */

import { fromWallClock, UTC, wallClock, zoneLabel, type Zone } from './zone.ts';

export const RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_PRESET: RangePreset = '24h';

export type TimeRange = { kind: 'preset'; preset: RangePreset } | { kind: 'absolute'; fromMs: number; toMs: number };

const PRESET_MS: Record<RangePreset, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export const PRESET_LABELS: Record<RangePreset, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

interface ParamReader {
  get(name: string): string | null;
}

/** Epoch ms or ISO 8601 → epoch ms; null when unparseable. */
export function parseInstant(value: string | null | undefined): number | null {
  if (!value) return null;
  if (/^\d{10,14}$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function isPreset(v: string | null): v is RangePreset {
  return v !== null && (RANGE_PRESETS as readonly string[]).includes(v);
}

/** Absolute from/to wins when both parse and from < to; else `range`; else the default preset. */
export function parseTimeRange(params: ParamReader): TimeRange {
  const fromMs = parseInstant(params.get('from'));
  const toMs = parseInstant(params.get('to'));
  if (fromMs !== null && toMs !== null && fromMs < toMs) return { kind: 'absolute', fromMs, toMs };
  const preset = params.get('range');
  return { kind: 'preset', preset: isPreset(preset) ? preset : DEFAULT_PRESET };
}

/** Concrete bounds. Presets end at `now` rounded down to the second so query keys stay stable briefly. */
export function resolveTimeRange(range: TimeRange, now: number): { fromMs: number; toMs: number } {
  if (range.kind === 'absolute') return { fromMs: range.fromMs, toMs: range.toMs };
  const toMs = Math.floor(now / 1000) * 1000;
  return { fromMs: toMs - PRESET_MS[range.preset], toMs };
}

/** URL params for a range (the caller removes the other kind's keys). */
export function timeRangeParams(range: TimeRange): Record<string, string> {
  if (range.kind === 'preset') return { range: range.preset };
  return { from: toIsoSeconds(range.fromMs), to: toIsoSeconds(range.toMs) };
}

/** "Last 24 hours", or "2025-03-04 10:00 → 2025-03-04 12:00 UTC" for an absolute window (in `zone`). */
export function describeTimeRange(range: TimeRange, zone: Zone = UTC): string {
  if (range.kind === 'preset') return PRESET_LABELS[range.preset];
  return `${toZoneInput(range.fromMs, zone).replace('T', ' ')} → ${toZoneInput(range.toMs, zone).replace('T', ' ')} ${zoneLabel(zone, range.fromMs)}`;
}

export function toIsoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Value for <input type="datetime-local"> showing instant `ms` in `zone`. */
export function toZoneInput(ms: number, zone: Zone): string {
  const w = wallClock(ms, zone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}

/** Parses a datetime-local value ("2025-03-04T10:00", seconds optional) as a wall clock in `zone`. */
export function fromZoneInput(value: string, zone: Zone): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = fromWallClock({ year, month, day, hour, minute, second }, zone);
  return Number.isFinite(ms) ? ms : null;
}

export const REFRESH_OPTIONS = [
  { value: 'off', label: 'Off', ms: 0 },
  { value: '10s', label: '10s', ms: 10_000 },
  { value: '30s', label: '30s', ms: 30_000 },
  { value: '1m', label: '1m', ms: 60_000 },
] as const;
export type RefreshValue = (typeof REFRESH_OPTIONS)[number]['value'];

export function parseRefresh(value: string | null): RefreshValue {
  return REFRESH_OPTIONS.find((o) => o.value === value)?.value ?? 'off';
}

export function refreshMs(value: RefreshValue): number {
  return REFRESH_OPTIONS.find((o) => o.value === value)?.ms ?? 0;
}
