import { describe, expect, it } from 'vitest';
import { durationAxis, formatAxisTime, formatCost, formatCount, formatDateTime, formatDuration, formatPercent, formatTimestamp, formatUsd, needsDate, shortId } from './format.ts';

describe('formatDuration (input in ms)', () => {
  it.each([
    [0, '0ms'],
    [0.0005, '1µs'],
    [0.25, '250µs'],
    [1.234, '1.23ms'],
    [12.34, '12.3ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1234, '1.23s'],
    [12_345, '12.3s'],
    [125_000, '2m 05s'],
    [3_725_000, '1h 02m'],
    [90_000_000, '1d 1h'],
    [-5, '-5ms'],
    [NaN, '—'],
    [null, '—'],
  ])('%s → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('formatUsd', () => {
  it.each([
    [0, '$0'],
    [1234.5, '$1,234.50'],
    [12.3456, '$12.35'],
    [0.5, '$0.50'],
    [0.79, '$0.79'],
    [0.7921, '$0.7921'],
    [0.04213, '$0.0421'],
    [0.000123, '$0.000123'],
    [0.00012345, '$0.000123'],
    [0.0000001234, '$0.000000123'],
    [-0.5, '-$0.50'],
    [Infinity, '—'],
  ])('%s → %s', (usd, text) => expect(formatUsd(usd)).toBe(text));

  it('never uses exponent notation for tiny amounts', () => {
    expect(formatUsd(1e-11)).not.toMatch(/e/);
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [950, '950'],
    [1200, '1.2k'],
    [12_340, '12.3k'],
    [123_456, '123k'],
    [3_400_000, '3.4M'],
    [999_960, '1M'],
    [5.6e9, '5.6B'],
    [-1500, '-1.5k'],
  ])('%s → %s', (n, text) => expect(formatCount(n)).toBe(text));
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.1234, '12.3%'],
    [0.0042, '0.42%'],
    [0.00001, '<0.01%'],
    [1, '100%'],
  ])('%s → %s', (r, text) => expect(formatPercent(r)).toBe(text));
});

it('shortId keeps short ids whole', () => {
  expect(shortId('abc')).toBe('abc');
  expect(shortId('0123456789abcdef0123')).toBe('0123456789abcdef…');
});

describe('table timestamps', () => {
  // 2025-03-04 14:03:27.120 UTC; in New York (EST, UTC−5) 09:03:27.120 the same day.
  const now = Date.UTC(2025, 2, 4, 15, 0, 0);
  const today = Date.UTC(2025, 2, 4, 14, 3, 27, 120);
  const yesterday = Date.UTC(2025, 2, 3, 23, 59, 0);
  it('shows time with ms when every row is today, dates otherwise', () => {
    expect(needsDate([today], 'UTC', now)).toBe(false);
    expect(needsDate([today, yesterday], 'UTC', now)).toBe(true);
    expect(formatTimestamp(today, false, 'UTC')).toBe('14:03:27.120');
    expect(formatTimestamp(today, true, 'UTC')).toBe('Mar 04 14:03:27');
    // Microsecond instants (fractional ms) print whole milliseconds.
    expect(formatTimestamp(today + 0.287109375, false, 'UTC')).toBe('14:03:27.120');
  });
  it('reads the wall clock of the chosen zone, not the process zone', () => {
    expect(formatTimestamp(today, false, 'America/New_York')).toBe('09:03:27.120');
    expect(formatTimestamp(today, true, 'Asia/Kolkata')).toBe('Mar 04 19:33:27');
    // 23:59 UTC on the 3rd is 18:59 on the 3rd in New York, and "now" is the 4th there too.
    expect(needsDate([yesterday], 'America/New_York', now)).toBe(true);
    expect(needsDate([Date.UTC(2025, 2, 4, 5, 30)], 'America/New_York', now)).toBe(false);
    expect(needsDate([Date.UTC(2025, 2, 4, 4, 30)], 'America/New_York', now)).toBe(true);
  });
});

describe('formatDateTime / formatAxisTime carry the zone', () => {
  const t = Date.UTC(2025, 2, 4, 14, 3, 27);
  it('labels every full date-time with its zone', () => {
    expect(formatDateTime(t, 'UTC')).toBe('2025-03-04 14:03:27 UTC');
    expect(formatDateTime(t, 'America/New_York')).toBe('2025-03-04 09:03:27 UTC−5');
    expect(formatDateTime(Date.UTC(2025, 6, 4, 14, 3, 27), 'America/New_York')).toBe('2025-07-04 10:03:27 UTC−4');
    expect(formatDateTime(t, 'Asia/Kolkata')).toBe('2025-03-04 19:33:27 UTC+5:30');
    expect(formatDateTime(Number.NaN, 'UTC')).toBe('—');
  });
  it('axis ticks read the chosen zone', () => {
    expect(formatAxisTime(t, 3_600_000, 'UTC')).toBe('14:03');
    expect(formatAxisTime(t, 3_600_000, 'America/New_York')).toBe('09:03');
    expect(formatAxisTime(t, 7 * 86_400_000, 'UTC')).toBe('Mar 04 14h');
  });
});

describe('durationAxis: one unit per axis, label and ticks agree', () => {
  it.each([
    [800, 'ms', [0, 200, 800], ['0', '200', '800']],
    [80_000, 's', [0, 20_000, 80_000, 1_500], ['0', '20', '80', '1.5']],
    [22_500, 's', [0, 5_000, 22_500], ['0', '5', '22.5']],
    [1_500_000, 'min', [0, 300_000, 1_500_000, 90_000], ['0', '5', '25', '1.5']],
    [36_000_000, 'h', [0, 7_200_000, 36_000_000], ['0', '2', '10']],
  ])('max %s ms → %s', (max, unit, ticks, texts) => {
    const axis = durationAxis(max);
    expect(axis.unit).toBe(unit);
    expect(ticks.map(axis.tick)).toEqual(texts);
    // Plain numbers: no tick names a unit of its own that could contradict the label.
    for (const text of ticks.map(axis.tick)) expect(text).toMatch(/^-?[\d.]+$/);
  });
  it('an empty or broken range is in ms', () => {
    expect(durationAxis(0).unit).toBe('ms');
    expect(durationAxis(Number.NaN).unit).toBe('ms');
  });
});

describe('formatCost', () => {
  it.each([
    [{ usd: 1.234, unpriced: 0 }, '$1.23'],
    [{ usd: 0, unpriced: 0 }, '$0'],
    [{ usd: 1.234, unpriced: 3 }, '$1.23 + 3 unpriced'],
    [{ usd: 1.234, unpriced: 1 }, '$1.23 + unpriced'],
    [{ usd: 0, unpriced: 1 }, 'unpriced'],
    [{ usd: 0, unpriced: 2500 }, '2.5k unpriced'],
  ])('%o → %s', (cost, text) => expect(formatCost(cost)).toBe(text));

  it('never prints an unknown cost as $0', () => {
    for (const unpriced of [1, 2, 10]) expect(formatCost({ usd: 0, unpriced })).not.toMatch(/\$/);
  });
});
