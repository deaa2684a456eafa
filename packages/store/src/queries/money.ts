/** Exact USD arithmetic on Decimal(…, 12) text, in integer picodollars. */
export function decimalToPico(text: string): bigint {
  const neg = text.startsWith('-');
  const [int = '0', frac = ''] = (neg ? text.slice(1) : text).split('.');
  const v = BigInt(int || '0') * 10n ** 12n + BigInt(frac.padEnd(12, '0').slice(0, 12) || '0');
  return neg ? -v : v;
}

/** Picodollars → decimal text with 12 fractional digits. */
export function picoToDecimal(pico: bigint): string {
  const neg = pico < 0n;
  const s = (neg ? -pico : pico).toString().padStart(13, '0');
  return `${neg ? '-' : ''}${s.slice(0, -12)}.${s.slice(-12)}`;
}
