/**
 * Building blocks of a field table: one `Field` per stored column, carrying everything the
 * code needs about it (column name and ClickHouse type, TypeScript row property, public name,
 * how it is written and read). Tables (spans.ts) are plain arrays of these; row types, insert
 * column lists, serializers, select lists, row mappers and JSON Schemas are derived from them.
 */

/** A JSON Schema fragment (draft 2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Where a public view of a field appears: the span in a trace, or only the span detail. */
export type PublicLevel = 'span' | 'detail';

/** One way a field is shown in the public (camelCase) shape. */
export interface PublicView<P = unknown, N extends string = string, L extends PublicLevel = PublicLevel> {
  /** camelCase name in JSON (ARCHITECTURE "Field names"). */
  readonly name: N;
  readonly level: L;
  /** SQL expression read from the row (trusted text from this table, never user input). */
  readonly select: string;
  /** Selected value (JSONEachRow) → public value. */
  read(raw: never): P;
  readonly schema: JsonSchema;
}

/**
 * One stored column. `K` is the row property (null for a column computed from others, such
 * as duration_ns), `T` its TypeScript type in the row, `V` the public views.
 */
export interface Field<K extends string | null = string | null, T = unknown, V extends readonly PublicView[] = readonly PublicView[]> {
  readonly column: string;
  /** The type exactly as `system.columns` reports it (codecs are not part of it). */
  readonly type: string;
  readonly key: K;
  /** False for columns the engine fills (DEFAULT): not in the insert column list. */
  readonly insert: boolean;
  /** Row property value → JSONCompactEachRow value (identity when absent). */
  write?(v: T): unknown;
  /** For key-less columns: the value computed from the whole row. */
  derive?(row: never): unknown;
  readonly views: V;
  /** Phantom: carries T for the derived row type. */
  readonly _t?: T;
}

const identity = <X>(x: X): X => x;

/** The identity writer: the row value is written as is (the compiled serializer inlines it). */
export const asIs = <T>(v: T): T => v;

/** A public view whose selected value is the public value. */
export function view<P, const N extends string, const L extends PublicLevel>(
  name: N,
  level: L,
  select: string,
  schema: JsonSchema,
  read: (raw: never) => P = identity as (raw: never) => P,
): PublicView<P, N, L> {
  return { name, level, select, read, schema };
}

export function field<const K extends string, T, const V extends readonly PublicView[] = readonly []>(
  column: string,
  type: string,
  key: K,
  opts: { write?: (v: T) => unknown; views?: V; insert?: boolean } = {},
): Field<K, T, V> {
  return { column, type, key, insert: opts.insert ?? true, write: opts.write, views: (opts.views ?? []) as V };
}

export const S = { type: 'string' } as const;
export const INT = { type: 'integer', minimum: 0 } as const;
export const NUM = { type: 'number' } as const;
export const BOOL = { type: 'boolean' } as const;
export const STR_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;
export const ISO_TIME = { type: 'string', format: 'date-time', description: 'ISO 8601 with microseconds' } as const;

interface Pub<N extends string, L extends PublicLevel> {
  name: N;
  level: L;
  description?: string;
}
const described = (schema: JsonSchema, description?: string): JsonSchema => (description ? { ...schema, description } : schema);

/** A string column shown under `pub.name` (the column itself is selected). */
export function strField<const K extends string, const N extends string = never, const L extends PublicLevel = never>(column: string, type: string, key: K, pub?: Pub<N, L>) {
  const views = pub ? ([view<string, N, L>(pub.name, pub.level, column, described(S, pub.description))] as const) : ([] as const);
  return field<K, string, readonly PublicView<string, N, L>[]>(column, type, key, { views });
}

/** A UInt64 count shown as a JSON integer (output_format_json_quote_64bit_integers = 0). */
export function countField<const K extends string, const N extends string>(column: string, key: K, name: N) {
  return field<K, number, readonly [PublicView<number, N, 'span'>]>(column, 'UInt64', key, { views: [view<number, N, 'span'>(name, 'span', column, INT)] as const });
}

/** A Bool column; the view normalizes true/false or 1/0 (engines differ) to a boolean. */
export function boolField<const K extends string, const N extends string = never, const L extends PublicLevel = never>(column: string, key: K, pub?: Pub<N, L>) {
  const views = pub ? ([view<boolean, N, L>(pub.name, pub.level, column, described(BOOL, pub.description), (v: boolean | number) => Boolean(v))] as const) : ([] as const);
  return field<K, boolean, readonly PublicView<boolean, N, L>[]>(column, 'Bool', key, { views });
}

/** Public views of a table at a level ('detail' includes the span views). */
export function publicViews(fields: readonly Field[], level: PublicLevel): PublicView[] {
  return fields.flatMap((f) => f.views.filter((v) => level === 'detail' || v.level === 'span'));
}

/** `expr AS name, …` for the views (names are camelCase, never a column name of the table). */
export function selectList(views: readonly PublicView[]): string {
  return views.map((v) => (v.select === v.name ? v.name : `${v.select} AS ${v.name}`)).join(', ');
}

/** Selected row → exactly the public fields (extra selected columns never leak into the API). */
export function mapRow(views: readonly PublicView[], raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of views) out[v.name] = (v.read as (x: unknown) => unknown)(raw[v.name]);
  return out;
}

/** JSON Schema of an object with these views as required properties. */
export function objectSchema(views: readonly PublicView[], description: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const v of views) properties[v.name] = v.schema;
  return { type: 'object', description, properties, required: views.map((v) => v.name), additionalProperties: false };
}

/** A column computed from other fields of the row (not a row property). */
export function derivedField<const V extends readonly PublicView[]>(column: string, type: string, derive: (row: never) => unknown, views: V): Field<null, never, V> {
  return { column, type, key: null, insert: true, derive, views };
}

/** The row type of a field table: one property per keyed field, typed by the field. */
export type RowOf<F extends Field> = { -readonly [X in F as X['key'] extends string ? X['key'] : never]: Exclude<X['_t'], undefined> };

type ViewAt<V extends PublicView, L extends PublicLevel> = L extends 'detail' ? V : V extends { level: 'span' } ? V : never;
type ValueOf<V> = V extends { read: (raw: never) => infer P } ? P : never;

/** The public (camelCase) record of a field table at a level. */
export type PublicOf<F extends Field, L extends PublicLevel> = {
  -readonly [V in ViewAt<F['views'][number], L> as V['name']]: ValueOf<V>;
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A JSONCompactEachRow serializer for `fields` (insert columns, in order), compiled once into a
 * function with one static property read per column: a loop over per-column closures reads
 * the row with megamorphic keyed loads and cost ~2x as much per row. Keys come from the field
 * table and are checked to be identifiers, so the generated source holds nothing else.
 */
export function compileSerializer<R>(fields: readonly Field[]): (row: R) => string {
  const writers: ((v: unknown) => unknown)[] = [];
  const parts = fields.map((f) => {
    if (f.key === null) {
      writers.push(f.derive!.bind(f) as (v: unknown) => unknown);
      return `w[${writers.length - 1}](r)`;
    }
    if (!IDENTIFIER.test(f.key)) throw new Error(`field key is not an identifier: ${f.key}`);
    if (!f.write || f.write === asIs) return `r.${f.key}`;
    writers.push(f.write.bind(f) as (v: unknown) => unknown);
    return `w[${writers.length - 1}](r.${f.key})`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the field table (see above)
  return new Function('w', `return (r) => JSON.stringify([${parts.join(', ')}]) + '\\n';`)(writers) as (row: R) => string;
}
