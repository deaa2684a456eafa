/*
 * UTF-8 decoding of a byte range. Measured on Node 20 (bench/decode.bench.ts): hand decoding
 * wins only for very short ASCII strings; past that Node's native Buffer#utf8Slice beats both
 * a JS loop and TextDecoder (which also needs a subarray per call). Outside Node the
 * TextDecoder path is used. Invalid sequences become U+FFFD (lenient, like most OTLP
 * receivers) rather than failing the whole request.
 */
type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;

const nodeUtf8Slice: Utf8Slice | undefined = (
  globalThis as { Buffer?: { prototype: { utf8Slice?: Utf8Slice } } }
).Buffer?.prototype.utf8Slice;
const decoder = new TextDecoder('utf-8');

/** Below this many bytes, ASCII is decoded by hand (V8 keeps such strings flat). */
const HAND_DECODE_MAX = 12;

export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n === 0) return '';
  if (n <= HAND_DECODE_MAX) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return decodeNative(buf, start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeNative(buf, start, end);
}

function decodeNative(buf: Uint8Array, start: number, end: number): string {
  if (nodeUtf8Slice !== undefined) return nodeUtf8Slice.call(buf, start, end);
  return decoder.decode(buf.subarray(start, end));
}
