import { MAX_VALUE_DEPTH, newAttributes, setAttr } from '../attributes.ts';
import { base64Decode } from '../base64.ts';
import { bytesToHex } from '../hex.ts';
import { wellFormed } from '../strings.ts';
import { OtlpDecodeError, type AttrValue, type Attributes, type OtlpScope } from '../types.ts';
import { decodeUtf8 } from '../utf8.ts';

/*
 * Scalar readers for OTLP/JSON (the protobuf JSON mapping as the OTLP spec applies it).
 * Every reader takes the field's `leaf` name for error messages; `path` tracks where the
 * walker is (decoding is synchronous, so one module-level stack suffices; the decoder resets
 * it per request). Absent and null fields read as the proto default.
 */
export type JsonObject = { [key: string]: unknown };

const path: (string | number)[] = [];

export function resetPath(): void {
  path.length = 0;
}
export function enter(seg: string | number): void {
  path.push(seg);
}
export function leave(): void {
  path.pop();
}

export function fail(leaf: string | number | null, message: string): never {
  let where = '';
  for (const seg of leaf === null ? path : [...path, leaf]) {
    where += typeof seg === 'number' ? `[${seg}]` : where === '' ? seg : `.${seg}`;
  }
  throw new OtlpDecodeError(where === '' ? message : `${where}: ${message}`);
}

/** Fails at `<path>.<leaf>.<sub>`. */
function failIn(leaf: string | number, sub: string, message: string): never {
  enter(leaf);
  fail(sub, message);
}

/**
 * Field by its lowerCamelCase JSON name, falling back to the proto (snake_case) name;
 * null (the JSON mapping's "default") reads as undefined.
 */
export function field(o: JsonObject, camel: string, snake: string): unknown {
  const v = o[camel] ?? o[snake];
  return v === null ? undefined : v;
}

export function asObject(v: unknown, leaf: string | number): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) fail(leaf, 'expected object');
  return v as JsonObject;
}

export function asArray(v: unknown, leaf: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(leaf, 'expected array');
  return v;
}

/** A string field; lone surrogates (from `\uD83D`-style escapes) become U+FFFD (strings.ts). */
export function asString(v: unknown, leaf: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(leaf, 'expected string');
  return wellFormed(v);
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/**
 * Id field: hex per the OTLP spec, lowercased. As a leniency for non-conforming senders, a
 * base64 string that decodes to exactly `bytes` bytes is converted to hex. Anything else is
 * passed through (lowercased) for validateSpanIds to reject.
 */
export function asId(v: unknown, leaf: string, bytes: number): string {
  const s = asString(v, leaf);
  if (s === '' || HEX_RE.test(s)) return s.toLowerCase();
  const raw = base64Decode(s);
  if (raw !== null && raw.length === bytes) return bytesToHex(raw, 0, raw.length);
  return s.toLowerCase();
}

const UINT_RE = /^\d+$/;
const INT_RE = /^-?\d+$/;
const MAX_U64 = (1n << 64n) - 1n;
const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;

/**
 * fixed64 nanoseconds: a decimal string (exact) or a JSON number (accepted, but a number
 * above 2^53 has already lost precision in JSON.parse).
 */
export function asNanos(v: unknown, leaf: string): bigint {
  if (v === undefined || v === null) return 0n;
  let n: bigint;
  if (typeof v === 'string' && UINT_RE.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v) && v >= 0) n = BigInt(v);
  else fail(leaf, 'expected integer string');
  if (n > MAX_U64) fail(leaf, 'out of uint64 range');
  return n;
}

/** int64: number when it is a safe integer, bigint otherwise (types.ts contract). */
export function asInt64(v: unknown, leaf: string): number | bigint {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) fail(leaf, 'expected integer');
    if (Number.isSafeInteger(v)) return v;
    return checkInt64(BigInt(v), leaf);
  }
  if (typeof v !== 'string' || !INT_RE.test(v)) fail(leaf, 'expected integer string');
  if (v.length <= 15) return Number(v);
  const big = checkInt64(BigInt(v), leaf);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function checkInt64(n: bigint, leaf: string): bigint {
  if (n < MIN_I64 || n > MAX_I64) fail(leaf, 'out of int64 range');
  return n;
}

/** double: a number, or per the JSON mapping a string ("NaN", "Infinity", "-Infinity", "1.5"). */
export function asDouble(v: unknown, leaf: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  fail(leaf, 'expected number');
}

/** Enum: an integer (spec) or its proto name, with or without the `prefix`. */
export function asEnum(v: unknown, leaf: string, prefix: string, names: Record<string, number>): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const bare = v.startsWith(prefix) ? v.slice(prefix.length) : v;
    const n = names[bare];
    if (n !== undefined && Object.hasOwn(names, bare)) return n;
    if (INT_RE.test(v)) return Number(v);
  }
  fail(leaf, `expected ${prefix}* enum name or integer`);
}

/** `[{key, value}]` into `target`. */
export function readAttributes(v: unknown, leaf: string, target: Attributes, depth = 0): void {
  const list = asArray(v, leaf);
  if (list.length === 0) return;
  enter(leaf);
  for (let i = 0; i < list.length; i++) {
    const kv = asObject(list[i], i);
    if (kv === undefined) continue;
    enter(i);
    setAttr(target, asString(kv.key, 'key'), readAnyValue(kv.value, 'value', depth));
    leave();
  }
  leave();
}

/** AnyValue object; `{}` / absent is the empty value (null). */
function readAnyValue(v: unknown, leaf: string | number, depth: number): AttrValue {
  const o = asObject(v, leaf);
  if (o === undefined) return null;
  let x: unknown;
  if ((x = field(o, 'stringValue', 'string_value')) !== undefined) {
    if (typeof x !== 'string') failIn(leaf, 'stringValue', 'expected string');
    return wellFormed(x);
  }
  if ((x = field(o, 'intValue', 'int_value')) !== undefined) {
    enter(leaf);
    const n = asInt64(x, 'intValue');
    leave();
    return n;
  }
  if ((x = field(o, 'doubleValue', 'double_value')) !== undefined) {
    enter(leaf);
    const d = asDouble(x, 'doubleValue');
    leave();
    return d;
  }
  if ((x = field(o, 'boolValue', 'bool_value')) !== undefined) {
    if (typeof x !== 'boolean') failIn(leaf, 'boolValue', 'expected boolean');
    return x;
  }
  if ((x = field(o, 'bytesValue', 'bytes_value')) !== undefined) {
    const bytes = typeof x === 'string' ? base64Decode(x) : null;
    if (bytes === null) failIn(leaf, 'bytesValue', 'expected base64 string');
    return bytes;
  }
  if (depth >= MAX_VALUE_DEPTH) fail(leaf, `values nested deeper than ${MAX_VALUE_DEPTH}`);
  if ((x = field(o, 'arrayValue', 'array_value')) !== undefined) {
    enter(leaf);
    const arr = asObject(x, 'arrayValue');
    const out: AttrValue[] = [];
    if (arr !== undefined) {
      enter('arrayValue');
      const values = asArray(arr.values, 'values');
      enter('values');
      for (let i = 0; i < values.length; i++) out.push(readAnyValue(values[i], i, depth + 1));
      leave();
      leave();
    }
    leave();
    return out;
  }
  if ((x = field(o, 'kvlistValue', 'kvlist_value')) !== undefined) {
    enter(leaf);
    const kv = asObject(x, 'kvlistValue');
    const out: Attributes = newAttributes();
    if (kv !== undefined) {
      enter('kvlistValue');
      readAttributes(kv.values, 'values', out, depth + 1);
      leave();
    }
    leave();
    return out;
  }
  return null;
}

/**
 * The root object of an OTLP/HTTP JSON body (UTF-8 without a leading byte-order mark), with the
 * error path reset: the envelope every signal's decoder starts from.
 */
export function parseRoot(body: string | Uint8Array): JsonObject {
  const bom = typeof body !== 'string' && body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  const text = typeof body === 'string' ? body : decodeUtf8(body, bom ? 3 : 0, body.length);
  resetPath();
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    fail(null, `invalid JSON: ${(err as Error).message}`);
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) fail(null, 'expected a JSON object');
  return root as JsonObject;
}

/** Maps a JSON array field through `read`, with the path kept for error messages. */
export function each<T>(v: unknown, leaf: string, read: (o: JsonObject) => T): T[] {
  const list = asArray(v, leaf);
  const out = new Array<T>(list.length);
  enter(leaf);
  for (let i = 0; i < list.length; i++) {
    const o = asObject(list[i], i) ?? {};
    enter(i);
    out[i] = read(o);
    leave();
  }
  leave();
  return out;
}

/** The `resource` of a resourceSpans / resourceMetrics entry: its attributes into `target`. */
export function readResource(o: JsonObject, target: Attributes): void {
  const resource = asObject(o.resource, 'resource');
  if (resource === undefined) return;
  enter('resource');
  readAttributes(resource.attributes, 'attributes', target);
  leave();
}

/** The instrumentation `scope` of a scopeSpans / scopeMetrics entry. */
export function readScope(o: JsonObject): OtlpScope {
  const out: OtlpScope = { name: '', version: '', attributes: newAttributes() };
  const scope = asObject(o.scope, 'scope');
  if (scope === undefined) return out;
  enter('scope');
  out.name = asString(scope.name, 'name');
  out.version = asString(scope.version, 'version');
  readAttributes(scope.attributes, 'attributes', out.attributes);
  leave();
  return out;
}
