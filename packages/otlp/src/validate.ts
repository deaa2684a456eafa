import type { OtlpSpan } from './types.ts';
import { truncateUtf16 } from './strings.ts';

/**
 * Why the span's ids are unusable, or null when they are fine: `traceId` must be 32 and
 * `spanId` 16 lowercase hex chars, neither all zeros (W3C invalid ids); `parentSpanId` is ''
 * (root span) or 16 lowercase hex chars. The decoders already lowercase ids.
 */
export function validateSpanIds(span: OtlpSpan): string | null {
  return (
    checkId('traceId', span.traceId, 32) ??
    checkId('spanId', span.spanId, 16) ??
    (span.parentSpanId === '' ? null : checkId('parentSpanId', span.parentSpanId, 16))
  );
}

function checkId(field: string, id: string, hexChars: number): string | null {
  if (id.length !== hexChars || !isLowerHex(id)) {
    const shown = id.length > 40 ? `${truncateUtf16(id, 40)}…` : id;
    return `invalid ${field} "${shown}": expected ${hexChars} hex characters`;
  }
  if (isAllZeros(id)) return `invalid ${field}: all zeros`;
  return null;
}

function isLowerHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function isAllZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}
