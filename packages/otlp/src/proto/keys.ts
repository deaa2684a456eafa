import { decodeUtf8 } from '../utf8.ts';
import { bytesToHex } from '../hex.ts';
import { ByteStringCache } from './string-cache.ts';

/* Process-wide caches (bounded: ~256 KiB + ~128 KiB + 64 KiB). */
const keyCache = new ByteStringCache(4096, 64, 'key');
const valueCache = new ByteStringCache(4096, 32, 'utf8');
const traceIdCache = new ByteStringCache(4096, 16, 'hex');

/** Attribute key: repeated across spans, so always looked up in the key cache when short. */
export function decodeKey(view: DataView, buf: Uint8Array, start: number, end: number): string {
  return end - start <= 64 ? keyCache.get(view, buf, start, end) : decodeUtf8(buf, start, end);
}

/** String value: short ones are often low-cardinality (models, methods, hosts). */
export function decodeValue(view: DataView, buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n === 0) return '';
  return n <= 32 ? valueCache.get(view, buf, start, end) : decodeUtf8(buf, start, end);
}

/** Trace ids repeat across the spans of a batch; span ids do not, so they skip the cache. */
export function decodeTraceId(view: DataView, buf: Uint8Array, start: number, end: number): string {
  return end - start === 16 ? traceIdCache.get(view, buf, start, end) : bytesToHex(buf, start, end);
}
