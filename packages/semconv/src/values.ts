import type { AttrValue } from '@plumb/otlp';

/** A scalar attribute as a string: '' for null/undefined, bytes and structured values. */
export function asString(v: AttrValue | undefined): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? String(v) : '';
    case 'bigint':
    case 'boolean':
      return String(v);
    default:
      return '';
  }
}

/**
 * A finite number from number, bigint or numeric string; NaN when the value is absent or not
 * numeric (callers treat NaN as "not reported" and fall through to the next source).
 */
export function asNumber(v: AttrValue | undefined): number {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : NaN;
    case 'bigint':
      return Number(v);
    case 'string': {
      if (v.length === 0) return NaN;
      const n = Number(v);
      return Number.isFinite(n) ? n : NaN;
    }
    default:
      return NaN;
  }
}

/** A token count: NaN when not reported, otherwise a non-negative integer (negatives → 0). */
export function asCount(v: AttrValue | undefined): number {
  const n = asNumber(v);
  if (n !== n) return NaN;
  return n > 0 ? Math.trunc(n) : 0;
}

/** NaN-safe "0 when not reported". */
export function orZero(n: number): number {
  return n === n ? n : 0;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** Truncates without splitting a UTF-16 surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return s.slice(0, end);
}

/** Text for a content attribute: strings as-is, structured values as JSON. '' when empty. */
export function asText(v: unknown, max: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return truncate(v, max);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  let json: string | undefined;
  try {
    json = JSON.stringify(v, jsonReplacer);
  } catch {
    return '';
  }
  if (json === undefined || json === '[]' || json === '{}') return '';
  return truncate(json, max);
}

/**
 * A JSON-object attribute (OpenInference `metadata`, Langfuse usage/cost details): a string is
 * parsed only when it looks like an object; a structured kvlist is used directly.
 */
export function asObject(v: AttrValue | undefined): Record<string, unknown> | null {
  if (typeof v === 'string') {
    if (v.length < 2 || v.charCodeAt(0) !== 123 /* { */) return null;
    try {
      const parsed: unknown = JSON.parse(v);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
    return v;
  }
  return null;
}
