/**
 * A caller mistake in a query (unknown measure, bad time range…). `field` names the input that
 * was wrong so the REST API can answer 400 naming it and tRPC can answer BAD_REQUEST.
 */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type TimeInput = Date | number | string;

/** ISO 8601 or epoch milliseconds (number or digit string) → Date; QueryError naming `field` otherwise. */
export function parseTime(value: TimeInput, field: string): Date {
  let d: Date;
  if (value instanceof Date) d = value;
  else if (typeof value === 'number') d = new Date(value);
  else if (/^-?\d+$/.test(value.trim())) d = new Date(Number(value.trim()));
  else d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    throw new QueryError(field, `\`${field}\` must be an ISO 8601 time or epoch milliseconds (got ${JSON.stringify(String(value))})`);
  }
  return d;
}

/** Parses and checks a [from, to) window. */
export function parseRange(from: TimeInput, to: TimeInput): { from: Date; to: Date } {
  const f = parseTime(from, 'from');
  const t = parseTime(to, 'to');
  if (t.getTime() <= f.getTime()) throw new QueryError('to', '`to` must be after `from`');
  return { from: f, to: t };
}

/** Epoch microseconds → ISO 8601 with microseconds, e.g. 2025-01-02T03:04:05.123456Z. */
export function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const micro = String(Math.round(us - ms * 1000)).padStart(3, '0');
  return new Date(ms).toISOString().replace(/Z$/, `${micro}Z`);
}
