import { badParam } from './http.ts';

/**
 * Query-string conventions of /api/v1: `from`/`to` ISO 8601 or epoch ms (default: the last
 * 24 hours), lists comma-separated or repeated (`groupBy=a,b`, `filter[tenant]=a&filter[tenant]=b`),
 * filters as `filter[dimension]=value`, attributes as `attr[key]=value`.
 */
export const DEFAULT_WINDOW_MS = 24 * 3_600_000;

export function listParam(url: URL, name: string): string[] {
  return url.searchParams
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** `prefix[key]=value` pairs, values comma-split and merged per key. */
export function bracketParams(url: URL, prefix: string, split = true): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    if (!name.startsWith(`${prefix}[`) || !name.endsWith(']')) continue;
    const key = name.slice(prefix.length + 1, -1);
    const values = split ? value.split(',').map((v) => v.trim()).filter(Boolean) : [value];
    out.set(key, [...(out.get(key) ?? []), ...values]);
  }
  return out;
}

export function timeWindow(url: URL): { from: string | number; to: string | number } {
  const to = url.searchParams.get('to') ?? Date.now();
  const from = url.searchParams.get('from') ?? (typeof to === 'number' ? to - DEFAULT_WINDOW_MS : undefined);
  if (from === undefined) throw badParam('from', '`from` is required when `to` is given');
  return { from, to };
}

export function numberParam(url: URL, name: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  const bad =
    !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = opts.min !== undefined || opts.max !== undefined ? ` in ${opts.min ?? '-∞'}..${opts.max ?? '∞'}` : '';
    throw badParam(name, `\`${name}\` must be ${opts.integer ? 'an integer' : 'a number'}${range} (got ${JSON.stringify(raw)})`);
  }
  return n;
}

export function enumParam<T extends string>(url: URL, name: string, allowed: readonly T[]): T | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) throw badParam(name, `\`${name}\` must be one of ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
  return raw as T;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5m`, `1h`, `30s`, `1d`, or plain milliseconds. */
export function intervalParam(url: URL, name = 'interval'): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!m) throw badParam(name, `\`${name}\` must look like 30s, 5m, 1h, 1d or milliseconds (got ${JSON.stringify(raw)})`);
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
}
