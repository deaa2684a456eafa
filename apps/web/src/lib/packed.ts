/**
 * A wire format for big query results. superjson (the tRPC transformer) walks every value of an
 * output to record special types: on a 20,000-span trace that is ~1M values and seconds on each
 * side. A packed output is ONE string (superjson passes it through) holding plain JSON, with
 * arrays of records stored as columns (each key written once, not once per record: ~½ the
 * bytes). The phantom type keeps the output typed end to end: `unpack` gives back `T`.
 */
export type Packed<T> = string & { readonly __packed?: T };

export function pack<T>(value: T): Packed<T> {
  return JSON.stringify(value) as Packed<T>;
}

export function unpack<T>(packed: Packed<T>): T {
  return JSON.parse(packed) as T;
}

/**
 * An array of records as one array per key; a key with the same value in every record (the
 * trace id, a trace's tenant, a chain's span name) as that value once.
 */
export interface Columns<R> {
  length: number;
  columns: { [K in keyof R]: R[K][] | { same: R[K] } };
}

export function toColumns<R extends object>(rows: readonly R[]): Columns<R> {
  const keys = rows.length > 0 ? (Object.keys(rows[0]!) as (keyof R)[]) : [];
  const columns = {} as Columns<R>['columns'];
  for (const k of keys) {
    const first = rows[0]![k];
    // Only primitives collapse: equal-looking objects are distinct values.
    const same = (first === null || typeof first !== 'object') && rows.every((r) => r[k] === first);
    columns[k] = same ? { same: first } : rows.map((r) => r[k]);
  }
  return { length: rows.length, columns };
}

export function fromColumns<R extends object>(c: Columns<R>): R[] {
  const keys = Object.keys(c.columns) as (keyof R)[];
  const rows: R[] = new Array<R>(c.length);
  for (let i = 0; i < c.length; i++) rows[i] = {} as R;
  for (const k of keys) {
    const col = c.columns[k];
    if (Array.isArray(col)) for (let i = 0; i < c.length; i++) rows[i]![k] = col[i]!;
    else for (let i = 0; i < c.length; i++) rows[i]![k] = col.same;
  }
  return rows;
}
