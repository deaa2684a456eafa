import { describe, expect, it } from 'vitest';
import {
  numberPerMTokToPicoPerToken,
  perMTokToPicoPerToken,
  picoPerTokenToPerMTok,
  picoToUsd,
  usdToPico,
} from './decimal.ts';

describe('picoToUsd', () => {
  it.each([
    [0n, '0.000000000000'],
    [1n, '0.000000000001'],
    [123_450_000n, '0.000123450000'],
    [1_000_000_000_000n, '1.000000000000'],
    [-2_500_000n, '-0.000002500000'],
    [123_456_789_012_345_678_901_234n, '123456789012.345678901234'],
  ])('%s → %s', (pico, usd) => {
    expect(picoToUsd(pico)).toBe(usd);
  });
});

describe('usdToPico', () => {
  it.each([
    ['0', 0n],
    ['1', 1_000_000_000_000n],
    ['2.5', 2_500_000_000_000n],
    ['.5', 500_000_000_000n],
    ['0.000123450000', 123_450_000n],
    ['0.000000000001', 1n],
    ['-1.25', -1_250_000_000_000n],
    ['1e-12', 1n],
    ['1.5E3', 1_500_000_000_000_000n],
    ['0.1000000000000', 100_000_000_000n], // 13th digit is a zero: still exact
    [' 3 ', 3_000_000_000_000n],
  ])('%s → %s', (usd, pico) => {
    expect(usdToPico(usd)).toBe(pico);
  });

  it.each(['', '.', 'abc', '1.2.3', '1,5', '0x10', '--1'])('rejects %j', (bad) => {
    expect(() => usdToPico(bad)).toThrow(RangeError);
  });

  it('refuses to round: a non-zero 13th fractional digit throws', () => {
    expect(() => usdToPico('0.0000000000001')).toThrow(/more than 12/);
  });

  it('round-trips through picoToUsd, including values far beyond 2^53', () => {
    const values = [0n, 1n, 999_999_999_999n, 2n ** 64n + 7n, -(10n ** 30n) - 1n, 7_250_000_000n];
    for (const pico of values) expect(usdToPico(picoToUsd(pico))).toBe(pico);
    for (const usd of ['0.000000000000', '12.345678901234', '98765432109876543210.000000000001']) {
      expect(picoToUsd(usdToPico(usd))).toBe(usd);
    }
  });
});

describe('perMTokToPicoPerToken', () => {
  it.each([
    ['2.5', 2_500_000n],
    ['10', 10_000_000n],
    ['0.075', 75_000n],
    ['0.00875', 8_750n],
    ['0.000001', 1n],
    ['0', 0n],
    // more than 6 decimals: half-to-even at 1 picodollar per token
    ['0.0000005', 0n],
    ['0.0000015', 2n],
    ['0.0000025', 2n],
    ['0.00000251', 3n],
    ['0.18000000000000002', 180_000n],
    ['0.08333333333333334', 83_333n],
  ])('%s USD/MTok → %s pico/token', (price, pico) => {
    expect(perMTokToPicoPerToken(price)).toBe(pico);
  });

  it('rejects negative and malformed prices', () => {
    expect(perMTokToPicoPerToken('-1')).toBeNull();
    expect(perMTokToPicoPerToken('two')).toBeNull();
    expect(numberPerMTokToPicoPerToken(Number.NaN)).toBeNull();
    expect(numberPerMTokToPicoPerToken(-0.5)).toBeNull();
  });

  it('converts float prices through their shortest decimal form', () => {
    expect(numberPerMTokToPicoPerToken(0.1 + 0.2)).toBe(300_000n); // 0.30000000000000004
    expect(numberPerMTokToPicoPerToken(1e-7)).toBe(0n);
    expect(numberPerMTokToPicoPerToken(3.75)).toBe(3_750_000n);
  });
});

describe('picoPerTokenToPerMTok', () => {
  it.each([
    [2_500_000n, '2.5'],
    [10_000_000n, '10'],
    [75_000n, '0.075'],
    [83_333n, '0.083333'],
    [1n, '0.000001'],
    [0n, '0'],
  ])('%s → %s', (pico, text) => {
    expect(picoPerTokenToPerMTok(pico)).toBe(text);
  });
});
