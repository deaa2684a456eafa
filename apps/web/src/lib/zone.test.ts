import { describe, expect, it } from 'vitest';
import { fromWallClock, parseZoneCookie, wallClock, zoneCookieValue, zoneLabel, zoneOffsetMinutes } from './zone.ts';

describe('zone', () => {
  it('labels zones by their offset at the instant', () => {
    expect(zoneLabel('UTC')).toBe('UTC');
    expect(zoneLabel('America/New_York', Date.UTC(2025, 0, 10))).toBe('UTC−5');
    expect(zoneLabel('America/New_York', Date.UTC(2025, 6, 10))).toBe('UTC−4');
    expect(zoneLabel('Asia/Kolkata', Date.UTC(2025, 0, 10))).toBe('UTC+5:30');
    expect(zoneLabel('Europe/London', Date.UTC(2025, 0, 10))).toBe('UTC+0');
    expect(zoneOffsetMinutes(Date.UTC(2025, 0, 10), 'Asia/Kathmandu')).toBe(345);
  });

  it('round-trips wall clock ↔ instant, across DST', () => {
    for (const zone of ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata']) {
      for (const t of [Date.UTC(2025, 2, 9, 6, 59), Date.UTC(2025, 2, 9, 7, 1), Date.UTC(2025, 10, 2, 12, 0), Date.UTC(2025, 5, 1, 0, 0)]) {
        expect(fromWallClock(wallClock(t, zone), zone)).toBe(t);
      }
    }
    expect(wallClock(Date.UTC(2025, 0, 1, 0, 30), 'America/New_York')).toMatchObject({ year: 2024, month: 12, day: 31, hour: 19, minute: 30 });
  });

  it('parses and writes the cookie; rejects junk zones', () => {
    expect(parseZoneCookie('utc')).toEqual({ choice: 'utc', localZone: null });
    expect(parseZoneCookie('local:America/New_York')).toEqual({ choice: 'local', localZone: 'America/New_York' });
    expect(parseZoneCookie('local:Not/AZone')).toEqual({ choice: 'local', localZone: null });
    expect(parseZoneCookie('local:<script>')).toEqual({ choice: 'local', localZone: null });
    expect(parseZoneCookie(undefined)).toEqual({ choice: 'local', localZone: null });
    expect(zoneCookieValue('local', 'Asia/Kolkata')).toBe('local:Asia/Kolkata');
    expect(zoneCookieValue('utc', 'Asia/Kolkata')).toBe('utc');
  });
});
