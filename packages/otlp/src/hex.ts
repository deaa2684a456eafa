/** Byte → its two lowercase hex char codes, at [2b, 2b + 1]. */
const HEX_CODES = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, '0');
  HEX_CODES[2 * b] = h.charCodeAt(0);
  HEX_CODES[2 * b + 1] = h.charCodeAt(1);
}

/** Reused char-code buffers for the two id sizes (8 and 16 bytes). */
const scratch16: number[] = new Array<number>(16).fill(0);
const scratch32: number[] = new Array<number>(32).fill(0);

/**
 * Lowercase hex of `buf[start, end)`. Ids (8 / 16 bytes) are built in one
 * `String.fromCharCode` call, which yields a flat string (concatenation would build a rope).
 */
export function bytesToHex(buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n !== 8 && n !== 16) return oddSizeHex(buf, start, end);
  const codes = n === 8 ? scratch16 : scratch32;
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    const b = buf[start + i]! << 1;
    codes[j] = HEX_CODES[b]!;
    codes[j + 1] = HEX_CODES[b + 1]!;
  }
  return String.fromCharCode.apply(null, codes);
}

/** Malformed ids of any length (validateSpanIds rejects them later); bounded per call. */
function oddSizeHex(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const b = buf[i]! << 1;
    s += String.fromCharCode(HEX_CODES[b]!, HEX_CODES[b + 1]!);
  }
  return s;
}
