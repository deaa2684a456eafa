import { describe, expect, it } from 'vitest';
import { formatCost, formatCount, formatDuration, formatPercent, formatTimestamp, formatUsd, needsDate, shortId } from './format.ts';

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
  const now = new Date(2025, 2, 4, 15, 0, 0).getTime();
  const today = new Date(2025, 2, 4, 14, 3, 27, 120).getTime();
  const yesterday = new Date(2025, 2, 3, 23, 59, 0).getTime();
  it('shows time with ms when every row is today, dates otherwise', () => {
    expect(needsDate([today], now)).toBe(false);
    expect(needsDate([today, yesterday], now)).toBe(true);
    expect(formatTimestamp(today, false)).toBe('14:03:27.120');
    expect(formatTimestamp(today, true)).toBe('Mar 04 14:03:27');
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
