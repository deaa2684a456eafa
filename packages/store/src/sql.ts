/**
 * The `sql` tag: every interpolated value becomes a ClickHouse query parameter (`{p0:Type}`),
 * never text in the query. Fragments compose (`sql` inside `sql`), identifiers go through
 * `ident()` (validated), and a value whose ClickHouse type cannot be inferred is wrapped with
 * `param(value, 'Type')`.
 */
export interface SqlQuery {
  readonly query: string;
  readonly params: Record<string, unknown>;
}

// Next.js bundles a copy of this module per route bundle, so a fragment built by one copy may be
// rendered by another: kinds are tagged with a global symbol, never checked with instanceof.
const KIND = Symbol.for('plumb.sql.kind');
type Kind = 'fragment' | 'typed' | 'ident' | 'raw';
const kindOf = (v: unknown): Kind | undefined =>
  typeof v === 'object' && v !== null ? ((v as { [KIND]?: Kind })[KIND] ?? undefined) : undefined;

class Fragment {
  readonly [KIND] = 'fragment' as const;
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}
class Typed {
  readonly [KIND] = 'typed' as const;
  constructor(
    readonly value: unknown,
    readonly type: string,
  ) {}
}
class Identifier {
  readonly [KIND] = 'ident' as const;
  constructor(readonly name: string) {}
}
class Raw {
  readonly [KIND] = 'raw' as const;
  constructor(readonly text: string) {}
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const TYPE = /^[A-Za-z][A-Za-z0-9_]*(\([A-Za-z0-9_, ()']*\))?$/;

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Fragment {
  return new Fragment(strings, values);
}
export type SqlFragment = Fragment;

export function param(value: unknown, type: string): Typed {
  if (!TYPE.test(type)) throw new Error(`invalid ClickHouse type: ${type}`);
  return new Typed(value, type);
}

export function ident(name: string): Identifier {
  if (!IDENT.test(name)) throw new Error(`invalid identifier: ${JSON.stringify(name)}`);
  return new Identifier(name);
}

/** Trusted SQL text chosen by code from a closed set (e.g. a semantic-layer expression). */
export function unsafeRaw(text: string): Raw {
  return new Raw(text);
}

/** Joins fragments with a separator fragment (default ', '). */
export function join(parts: readonly Fragment[], separator = ', '): Fragment {
  if (parts.length === 0) return sql``;
  const strings: string[] = [''];
  const values: unknown[] = [];
  parts.forEach((part, i) => {
    if (i > 0) strings[strings.length - 1] += separator;
    values.push(part);
    strings.push('');
  });
  return new Fragment(strings, values);
}

export function inferType(value: unknown): string {
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Bool';
  if (typeof value === 'bigint') return 'Int64';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot bind non-finite number ${value}`);
    return Number.isInteger(value) ? 'Int64' : 'Float64';
  }
  if (value instanceof Date) return 'DateTime64(3)';
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null && v !== undefined);
    return `Array(${first === undefined ? 'String' : inferType(first)})`;
  }
  throw new Error(`cannot infer a ClickHouse type for ${typeof value}; wrap it with param(value, type)`);
}

function encodeValue(value: unknown): unknown {
  // Seconds with 10 integer digits: the engine reads a shorter number ("3600.000") as a
  // broken-down date and refuses it (times before 1973; schema/spans.ts does the same).
  if (value instanceof Date) return (value.getTime() / 1000).toFixed(3).padStart(14, '0');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(encodeValue);
  return value;
}

/** Renders a fragment into query text plus parameters for `@clickhouse/client`. */
export function render(fragment: Fragment): SqlQuery {
  const params: Record<string, unknown> = {};
  let counter = 0;
  const walk = (f: Fragment): string => {
    let out = f.strings[0] ?? '';
    f.values.forEach((v, i) => {
      const kind = kindOf(v);
      if (kind === 'fragment') out += walk(v as Fragment);
      else if (kind === 'ident') out += (v as Identifier).name;
      else if (kind === 'raw') out += (v as Raw).text;
      else {
        const name = `p${counter++}`;
        const typed = kind === 'typed' ? (v as Typed) : null;
        params[name] = encodeValue(typed ? typed.value : v);
        out += `{${name}:${typed ? typed.type : inferType(v)}}`;
      }
      out += f.strings[i + 1] ?? '';
    });
    return out;
  };
  return { query: walk(fragment), params };
}
