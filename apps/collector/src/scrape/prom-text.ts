/**
 * Parser of the Prometheus text exposition format, version 0.0.4 (pure, no I/O).
 *
 * Written here because the one npm parser (parse-prometheus-text-format 1.1.1) was measured
 * unsound on our fixtures: a labelled histogram came back with its labels, sum and count dropped,
 * `foo abc` was accepted with the value "abc", `foo 1 2 3` read as timestamp "23", and a line
 * without a metric name vanished silently. Acceptance follows promtool (Prometheus' own parser,
 * checked in prom-text.test.ts against Debian's promtool): the same lines are refused, with the
 * line number.
 *
 * Grammar per line: blank | `# HELP name text` | `# TYPE name type` | `# anything` (comment) |
 * `name[{label="value",…}] value [timestamp_ms]`. Label values escape `\\`, `\"`, `\n` only;
 * values are Go-style floats (`NaN`, `+Inf`, `-Inf` included); timestamps are integers (ms).
 */
export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
  /** The sample's own name (`x_bucket`, `x_sum`, …). */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, or null when the line has none. */
  timestampMs: number | null;
}

export interface PromFamily {
  name: string;
  type: PromType;
  help: string;
  samples: PromSample[];
}

export class PromParseError extends Error {
  override readonly name = 'PromParseError';
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT = /^-?\d+$/;
const TYPES = new Set<PromType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Go's ParseFloat on the values Prometheus writes: decimal floats, NaN and ±Inf (any case). */
export function parsePromFloat(s: string): number | null {
  if (FLOAT.test(s)) return Number(s);
  const l = s.toLowerCase();
  if (l === 'nan') return NaN;
  if (l === '+inf' || l === 'inf' || l === '+infinity' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return null;
}

/** The family a sample belongs to, given the declared types (`x_bucket` of histogram `x` → `x`). */
function familyOf(sample: string, types: Map<string, PromType>): string {
  for (const suffix of ['_bucket', '_sum', '_count', '_created']) {
    if (!sample.endsWith(suffix)) continue;
    const base = sample.slice(0, -suffix.length);
    const t = types.get(base);
    if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
  }
  return sample;
}

export function parsePromText(text: string): PromFamily[] {
  const families = new Map<string, PromFamily>();
  const types = new Map<string, PromType>();
  const family = (name: string): PromFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: types.get(name) ?? 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const fail = (msg: string): never => {
      throw new PromParseError(`line ${i + 1}: ${msg}`);
    };
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(trimmed);
      if (!m) continue; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!isName(name!)) fail(`invalid metric name ${JSON.stringify(name)} in ${kind}`);
      if (kind === 'TYPE') {
        const t = rest.trim() as PromType;
        if (!TYPES.has(t)) fail(`unknown metric type ${JSON.stringify(rest.trim())}`);
        if (types.has(name!)) fail(`second TYPE line for metric ${name}`);
        const existing = families.get(name!);
        if (existing && existing.samples.length > 0) fail(`TYPE line for ${name} after its samples`);
        types.set(name!, t);
        family(name!).type = t;
      } else {
        family(name!).help = unescapeHelp(rest);
      }
      continue;
    }
    const sample = parseSampleLine(line, fail);
    family(familyOf(sample.name, types)).samples.push(sample);
  }
  return [...families.values()].filter((f) => f.samples.length > 0);
}

function isName(s: string): boolean {
  if (s.length === 0 || !NAME_START.test(s[0]!)) return false;
  for (let i = 1; i < s.length; i++) if (!NAME_CHAR.test(s[i]!)) return false;
  return true;
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function parseSampleLine(line: string, fail: (msg: string) => never): PromSample {
  let p = 0;
  const n = line.length;
  const skipBlank = () => {
    while (p < n && (line[p] === ' ' || line[p] === '\t')) p++;
  };
  skipBlank();
  const nameStart = p;
  if (p >= n || !NAME_START.test(line[p]!)) fail('invalid metric name');
  while (p < n && NAME_CHAR.test(line[p]!)) p++;
  const name = line.slice(nameStart, p);
  const labels: Record<string, string> = {};
  skipBlank();
  if (line[p] === '{') {
    p++;
    for (;;) {
      skipBlank();
      if (line[p] === '}') {
        p++;
        break;
      }
      const ls = p;
      if (p >= n || !LABEL_START.test(line[p]!)) fail(`invalid label name for metric ${JSON.stringify(name)}`);
      while (p < n && LABEL_CHAR.test(line[p]!)) p++;
      const label = line.slice(ls, p);
      skipBlank();
      if (line[p] !== '=') fail(`expected '=' after label name ${JSON.stringify(label)}`);
      p++;
      skipBlank();
      if (line[p] !== '"') fail(`expected '"' at start of the value of label ${JSON.stringify(label)}`);
      p++;
      let value = '';
      for (;;) {
        if (p >= n) fail(`unexpected end of the value of label ${JSON.stringify(label)}`);
        const c = line[p++]!;
        if (c === '"') break;
        if (c === '\\') {
          const e = line[p++];
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else fail(`invalid escape sequence '\\${e ?? ''}'`);
        } else value += c;
      }
      if (Object.hasOwn(labels, label)) fail(`duplicate label name ${JSON.stringify(label)} for metric ${JSON.stringify(name)}`);
      Object.defineProperty(labels, label, { value, enumerable: true, writable: true, configurable: true });
      skipBlank();
      if (line[p] === ',') {
        p++;
        continue;
      }
      if (line[p] === '}') {
        p++;
        break;
      }
      fail(`expected ',' or '}' after the value of label ${JSON.stringify(label)}`);
    }
  }
  const rest = line.slice(p).trim().split(/[ \t]+/);
  if (rest.length === 0 || rest[0] === '') fail(`missing value for metric ${JSON.stringify(name)}`);
  if (rest.length > 2) fail(`spurious text after the timestamp: ${JSON.stringify(rest.slice(2).join(' '))}`);
  const value = parsePromFloat(rest[0]!);
  if (value === null) fail(`expected a float as value, got ${JSON.stringify(rest[0])}`);
  let timestampMs: number | null = null;
  if (rest.length === 2) {
    if (!INT.test(rest[1]!)) fail(`expected an integer timestamp, got ${JSON.stringify(rest[1])}`);
    timestampMs = Number(rest[1]);
  }
  return { name, labels, value: value!, timestampMs };
}
