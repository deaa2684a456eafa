import { base64Encode } from './base64.ts';
import type { AttrValue } from './types.ts';

/**
 * Canonical string form of an attribute value, for storage as Map(String, String):
 * strings as-is; numbers, booleans and bigints via String(); bytes as base64; an empty
 * value (null) as ''; arrays and key/value lists as JSON in which bigints become decimal
 * strings, bytes base64 strings and non-finite numbers "NaN" / "Infinity" / "-Infinity".
 */
export function attrToString(v: AttrValue): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v);
  }
  if (v === null) return '';
  if (v instanceof Uint8Array) return base64Encode(v);
  return JSON.stringify(v, jsonReplacer);
}

function jsonReplacer(_key: string, val: unknown): unknown {
  if (typeof val === 'bigint') return val.toString();
  if (typeof val === 'number' && !Number.isFinite(val)) return String(val);
  if (val instanceof Uint8Array) return base64Encode(val);
  return val;
}
