/**
 * The zone times are shown in. The API and the store speak UTC; the dashboard shows either UTC
 * or the browser's zone, always labelled ("UTC", "UTC−5", "UTC+5:30"), never silently local.
 * A zone is an IANA name ('UTC', 'America/New_York'); everything here is pure and deterministic
 * for a given zone (Intl with an explicit timeZone, never the process's own zone).
 */

export type Zone = string;
export const UTC: Zone = 'UTC';

/** The user's choice, persisted in a cookie so the server renders the same zone the client will. */
export type ZoneChoice = 'utc' | 'local';
export const ZONE_COOKIE = 'plumb_tz';

/**
 * Cookie value: `utc`, or `local:<IANA zone>` (the browser's zone, recorded by the client so the
 * server can render in it too). Anything else: local with the zone not yet known.
 */
export function parseZoneCookie(value: string | null | undefined): { choice: ZoneChoice; localZone: Zone | null } {
  if (value === 'utc') return { choice: 'utc', localZone: null };
  const m = /^local:([A-Za-z0-9_+\-/]{1,64})$/.exec(value ?? '');
  return { choice: 'local', localZone: m && isValidZone(m[1]!) ? m[1]! : null };
}

export function zoneCookieValue(choice: ZoneChoice, localZone: Zone | null): string {
  return choice === 'utc' ? 'utc' : localZone ? `local:${localZone}` : 'local';
}

export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface WallClock {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const formatters = new Map<Zone, Intl.DateTimeFormat>();
function formatter(zone: Zone): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock reading of instant `ms` in `zone`. */
export function wallClock(ms: number, zone: Zone): WallClock {
  // Instants may carry µs (ISO with 6 digits → fractional ms): tables show whole milliseconds.
  const millis = Math.floor(((ms % 1000) + 1000) % 1000);
  if (zone === UTC) {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ms: millis };
  }
  const out: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second!, ms: millis };
}

/** Offset of `zone` from UTC at instant `ms`, in minutes (New York in winter: −300). */
export function zoneOffsetMinutes(ms: number, zone: Zone): number {
  if (zone === UTC) return 0;
  const w = wallClock(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** "UTC", "UTC+1", "UTC−5", "UTC+5:30" (the offset at instant `ms`: it changes with DST). */
export function zoneLabel(zone: Zone, ms: number = Date.now()): string {
  if (zone === UTC) return 'UTC';
  const off = zoneOffsetMinutes(ms, zone);
  if (off === 0) return 'UTC+0';
  const abs = Math.abs(off);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${off < 0 ? '−' : '+'}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

/** The instant whose wall clock in `zone` reads the given fields (DST gaps resolve forward). */
export function fromWallClock(w: Omit<WallClock, 'ms'> & { ms?: number }, zone: Zone): number {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms ?? 0);
  if (zone === UTC) return naive;
  // Two rounds: the offset at the guess, then at the corrected instant (differs only across a DST change).
  let t = naive - zoneOffsetMinutes(naive, zone) * 60_000;
  t = naive - zoneOffsetMinutes(t, zone) * 60_000;
  return t;
}
