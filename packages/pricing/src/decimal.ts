/**
 * Exact decimal <-> bigint conversions. All money in this package is bigint picodollars
 * (1 pico = 1e-12 USD); prices are carried as bigint picodollars per token.
 *
 * A price of P USD per 1M tokens is P * 1e6 picodollars per token, so a price with at most
 * 6 fractional digits converts exactly. Longer prices (e.g. float artefacts such as
 * 0.18000000000000002 in the bundled data, or 1/12 = 0.08333333333333334) are rounded
 * half-to-even at 1 picodollar per token.
 */

const PICO_DIGITS = 12;
const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

interface ScaledDecimal {
  /** value = sign * digits / 10^scale, digits as a non-negative bigint */
  negative: boolean;
  digits: bigint;
  scale: number;
}

function parseDecimal(text: string): ScaledDecimal | null {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart === '' && fracPart === '') return null;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) return null;
  let digits = BigInt(intPart + fracPart || '0');
  let scale = fracPart.length - exponent;
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { negative: m[1] === '-' && digits !== 0n, digits, scale };
}

/** digits / 10^shift rounded half-to-even (digits ≥ 0). */
function divPow10HalfEven(digits: bigint, shift: number): bigint {
  if (shift <= 0) return digits * 10n ** BigInt(-shift);
  const div = 10n ** BigInt(shift);
  const q = digits / div;
  const r2 = (digits % div) * 2n;
  if (r2 > div || (r2 === div && q % 2n === 1n)) return q + 1n;
  return q;
}

/** Exact parse of a decimal USD string into picodollars. Throws when the value is not a
 *  decimal number or has non-zero digits beyond the 12th fractional digit. */
export function usdToPico(usd: string): bigint {
  const d = parseDecimal(usd);
  if (!d) throw new RangeError(`usdToPico: not a decimal number: ${JSON.stringify(usd)}`);
  const shift = d.scale - PICO_DIGITS;
  let pico: bigint;
  if (shift <= 0) {
    pico = d.digits * 10n ** BigInt(-shift);
  } else {
    const div = 10n ** BigInt(shift);
    if (d.digits % div !== 0n) {
      throw new RangeError(`usdToPico: ${usd} has more than ${PICO_DIGITS} fractional digits`);
    }
    pico = d.digits / div;
  }
  return d.negative ? -pico : pico;
}

/** Picodollars as a USD decimal string with exactly 12 fractional digits. */
export function picoToUsd(pico: bigint): string {
  const negative = pico < 0n;
  let s = (negative ? -pico : pico).toString();
  if (s.length <= PICO_DIGITS) s = '0'.repeat(PICO_DIGITS + 1 - s.length) + s;
  const cut = s.length - PICO_DIGITS;
  return `${negative ? '-' : ''}${s.slice(0, cut)}.${s.slice(cut)}`;
}

/** "USD per 1M tokens" (decimal string) → picodollars per token, rounded half-to-even.
 *  Returns null for anything that is not a finite non-negative decimal. */
export function perMTokToPicoPerToken(perMTok: string): bigint | null {
  const d = parseDecimal(perMTok);
  if (!d || d.negative) return null;
  // USD/MTok * 1e12 pico/USD / 1e6 tok/MTok = 1e6 pico/token per USD/MTok.
  return divPow10HalfEven(d.digits, d.scale - 6);
}

/** A bundled (float) price → picodollars per token. String(n) yields the shortest decimal
 *  that round-trips, which is the literal written in the price data. */
export function numberPerMTokToPicoPerToken(perMTok: number): bigint | null {
  if (!Number.isFinite(perMTok) || perMTok < 0) return null;
  return perMTokToPicoPerToken(String(perMTok));
}

/** Picodollars per token → "USD per 1M tokens" as a plain decimal string without trailing
 *  zeros, e.g. 2_500_000n → "2.5", 83_333n → "0.083333". */
export function picoPerTokenToPerMTok(picoPerToken: bigint): string {
  const s = picoPerToken.toString().padStart(7, '0');
  const whole = s.slice(0, -6);
  const frac = s.slice(-6).replace(/0+$/, '');
  return frac === '' ? whole : `${whole}.${frac}`;
}
