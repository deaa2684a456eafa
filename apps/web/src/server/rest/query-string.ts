import { z } from 'zod';
import { badParam, HttpError } from './http.ts';

/**
 * The REST step of every read route: URL query string → the plain object the route's zod schema
 * validates. Nothing is validated here except the URL itself; the schema does the rest.
 *
 * - `name=value`: a scalar field (given once; `name=` counts as absent);
 * - `name=a,b` or `name=a&name=b`: a list field (z.array), values trimmed, empties dropped;
 * - `name[key]=value`: a field that is an object or a record; the member is a list or a scalar
 *   by the same rules, except that a list member given an empty value (`filter[tenant]=`) holds
 *   the empty value itself: a filter for the empty group ("(no tenant)"), alone or repeated beside
 *   other values (`filter[tenant]=acme&filter[tenant]=`).
 *
 * A query string past MAX_QUERY_STRING is 414, bad percent-encoding (`%ZZ`, an invalid UTF-8
 * sequence) a 400 naming the parameter, an unknown parameter a 400 naming it.
 */
export const MAX_QUERY_STRING = 16 * 1024;

export type Kind = 'list' | 'scalar' | { map: (key: string) => Kind | null };

/** Looks through optional/default/pipe wrappers to the shape the URL must produce. */
export function kindOf(schema: z.core.$ZodType): Kind {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) return kindOf(schema.unwrap() as z.core.$ZodType);
  if (schema instanceof z.ZodPipe) return kindOf(schema.in as z.core.$ZodType);
  if (schema instanceof z.ZodArray) return 'list';
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.core.$ZodType>;
    return { map: (key) => (Object.hasOwn(shape, key) ? kindOf(shape[key]!) : null) };
  }
  if (schema instanceof z.ZodRecord) {
    const value = kindOf(schema.valueType as z.core.$ZodType);
    // Unknown record keys are the schema's to reject (it names the allowed ones).
    return { map: () => value };
  }
  return 'scalar';
}

/** Decodes one component; `+` is a space (application/x-www-form-urlencoded). */
function decode(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    throw badParam(name, `\`${name}\` is not valid percent-encoded UTF-8`);
  }
}

/** The raw query string of a request URL (without `?` and any fragment). */
export function rawQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  const hash = url.indexOf('#', q);
  return url.slice(q + 1, hash < 0 ? undefined : hash);
}

/** Decoded `[name, value]` pairs in order; throws 414 / 400 as described above. */
export function queryPairs(url: string): [string, string][] {
  const raw = rawQuery(url);
  if (raw.length > MAX_QUERY_STRING) {
    throw new HttpError(414, 'uri_too_long', `the query string is ${raw.length} characters; at most ${MAX_QUERY_STRING} are accepted`, 'query');
  }
  const out: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq), 'query');
    out.push([name, decode(eq < 0 ? '' : part.slice(eq + 1), name)]);
  }
  return out;
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const split = (v: string) => v.split(',').map((x) => x.trim()).filter((x) => x !== '');

/** Query string → the object `schema` validates (see the module comment). */
export function queryObject(url: string, schema: z.ZodObject): Record<string, unknown> {
  const root = kindOf(schema);
  if (typeof root === 'string') throw new Error('queryObject needs an object schema');
  const out: Record<string, unknown> = {};
  const put = (target: Record<string, unknown>, key: string, kind: Kind, value: string, field: string, member = false) => {
    if (kind === 'list') {
      const values = member && value.trim() === '' ? [''] : split(value);
      if (values.length) target[key] = [...((target[key] as string[] | undefined) ?? []), ...values];
    } else if (kind === 'scalar') {
      if (value === '') return;
      if (key in target) throw badParam(field, `\`${field}\` is given more than once`);
      target[key] = value;
    } else {
      throw badParam(field, `\`${field}\` takes keys: ${field}[key]=value`);
    }
  };
  for (const [name, value] of queryPairs(url)) {
    const m = /^([^[\]]+)\[([^[\]]*)\]$/.exec(name);
    if (m) {
      const [, base, key] = m as unknown as [string, string, string];
      // Keys become object properties: never let one reach an object's prototype.
      if (RESERVED_KEYS.has(key)) throw badParam(name, `\`${key}\` is not an allowed key`);
      const kind = root.map(base);
      if (kind === null || typeof kind === 'string') throw badParam(name, `unknown parameter \`${name}\``);
      const member = kind.map(key);
      if (member === null) throw badParam(name, `unknown parameter \`${name}\``);
      const target = (out[base] ??= {}) as Record<string, unknown>;
      put(target, key, member, value, name, true);
    } else {
      const kind = root.map(name);
      if (kind === null) throw badParam(name, `unknown parameter \`${name}\``);
      put(out, name, kind, value, name);
    }
  }
  return out;
}

/** The REST name of the input a zod issue points at: `limit`, `filter[tenant]`, `attr[key]`. */
export function fieldOf(issue: z.core.$ZodIssue): string {
  const path = issue.path.filter((p): p is string => typeof p === 'string');
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const [head, member] = path;
  if (head === undefined) return 'query';
  return member === undefined ? head : `${head}[${member}]`;
}

/** Validates `input` against `schema`; the first problem becomes a 400 naming its field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = fieldOf(issue);
  // Unknown keys: top-level ones are unknown parameters; inside a map the schema says what is known.
  const message =
    issue.code === 'unrecognized_keys' ? (issue.path.length === 0 ? `unknown parameter \`${field}\`` : `\`${field}\`: ${issue.message}`) : `\`${field}\` ${issue.message}`;
  throw badParam(field, message);
}
