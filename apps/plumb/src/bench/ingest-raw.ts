import { convertRequest } from '@plumb/collector';
import { decodeTraceRequestProtobuf } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { restoreAttributes, serializeResourceRow, serializeSpanRow, SPAN_COLUMNS, SPAN_INSERT_SETTINGS, sql, unsafeRaw, type SpanRow, type Store } from '@plumb/store';
import { buildTemplate, stamp } from './template.ts';

/**
 * Raw engine insert rates for `plumb bench ingest`: the bench's own rows (the template's 512-span
 * requests through the collector's convert step), pre-serialized as JSONCompactEachRow and
 * inserted in collector-sized batches, one arm per row layout. Arms are interleaved batch by
 * batch so background merges and machine noise fall on all of them alike; compare them as
 * ratios within one run.
 */
export interface RawArm {
  name: string;
  label: string;
  rows: number;
  seconds: number;
  bytesPerRow: number;
  /** Process CPU (engine threads + this thread) spent in the arm's inserts, µs. */
  cpuUs: number;
}

interface ArmSpec {
  name: string;
  label: string;
  /** DDL creating the arm's table (named `table`). */
  create: (table: string) => string[];
  columns: readonly string[];
  /** Span lines and side-table lines (resources once per hash, texts), per row. */
  serialize: (r: SpanRow, seenResources: Set<string>) => { span: string; resource: string | null; text?: string | null };
  /** Rows per insert as a multiple of the collector's batch (default 1). */
  batchFactor?: number;
  /** 'exec': the body through @clickhouse/client's exec (chDB appends it to the statement text). */
  via?: 'exec';
  /** Insert into this existing table instead of the arm's own (`spans`: with its materialized views). */
  table?: string;
  /** Settings of the span insert (default: the engine's). */
  settings?: Readonly<Record<string, number>>;
}

const MAP = 'Map(LowCardinality(String), String) CODEC(ZSTD(1))';
const allAttributes = (r: SpanRow) => restoreAttributes(r.attributes, r.attributesPromoted, r);

/** The row before migration 0005: resource map on every span, every attribute in the map. */
function wideLine(r: SpanRow): string {
  const line = serializeSpanRow({ ...r, attributes: allAttributes(r), attributesPromoted: 0 });
  return `${line.slice(0, -2)},${JSON.stringify(r.resourceAttributes)}]\n`;
}

function resourceOnce(r: SpanRow, seen: Set<string>): string | null {
  const key = `${r.projectId} ${r.resourceHash}`;
  if (seen.has(key)) return null;
  seen.add(key);
  return serializeResourceRow(r.projectId, r.resourceHash, r.resourceAttributes);
}

/** ids, times, names, normalized fields, one attribute map, one resource map: 27 columns. */
const LEAN_COLUMNS = [
  'project_id', 'trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'service', 'start_time', 'end_time', 'duration_ns',
  'status_code', 'operation', 'category', 'provider', 'request_model', 'response_model', 'agent_name', 'tool_name', 'tenant',
  'request_type', 'session_id', 'user_id', 'input_tokens', 'output_tokens', 'cost_usd', 'attributes', 'resource_attributes',
] as const;

function leanLine(r: SpanRow): string {
  const full = JSON.parse(serializeSpanRow(r)) as unknown[];
  const byColumn = new Map(SPAN_COLUMNS.map((c, i) => [c, full[i]]));
  byColumn.set('attributes', allAttributes(r));
  byColumn.set('resource_attributes', r.resourceAttributes);
  return JSON.stringify(LEAN_COLUMNS.map((c) => byColumn.get(c))) + '\n';
}

/** A realistic prompt / completion pair (~2.5 KB) for the text arms. */
const PROMPT = JSON.stringify([{ role: 'system', parts: [{ type: 'text', content: 'You are a research assistant. '.repeat(20) }] },
  { role: 'user', parts: [{ type: 'text', content: 'Summarize the sources about the topic and cite them. '.repeat(15) }] }]);
const COMPLETION = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'The sources agree that the effect is real. '.repeat(12) }], finish_reason: 'stop' }]);
const withText = (r: SpanRow): SpanRow => (r.category === 'llm' ? { ...r, inputText: PROMPT, outputText: COMPLETION } : r);
const TEXT_TABLE = `(project_id LowCardinality(String), start_time DateTime64(9), trace_id String, span_id String,
  input_text String CODEC(ZSTD(3)), output_text String CODEC(ZSTD(3)), _version UInt64)
  ENGINE = ReplacingMergeTree(_version) PARTITION BY toDate(start_time) ORDER BY (project_id, toStartOfHour(start_time), trace_id, span_id)`;
function textLine(r: SpanRow): string | null {
  if (r.inputText === '' && r.outputText === '') return null;
  return JSON.stringify([r.projectId, serializedStart(r), r.traceId, r.spanId, r.inputText, r.outputText, r.version]) + '\n';
}
const START_COLUMN = SPAN_COLUMNS.indexOf('start_time');
const serializedStart = (r: SpanRow) => (JSON.parse(serializeSpanRow(r)) as unknown[])[START_COLUMN];

const ARMS: ArmSpec[] = [
  {
    name: 'wide',
    label: '0004 row: resource map on every span, all attributes',
    create: (t) => [`CREATE TABLE ${t} AS spans`, `ALTER TABLE ${t} ADD COLUMN resource_attributes ${MAP}`],
    columns: [...SPAN_COLUMNS, 'resource_attributes'],
    serialize: (r) => ({ span: wideLine(r), resource: null }),
  },
  {
    name: 'hashed',
    label: '+ resource once per hash (lever 1 alone)',
    create: (t) => [`CREATE TABLE ${t} AS spans`],
    columns: SPAN_COLUMNS,
    serialize: (r, seen) => ({ span: serializeSpanRow({ ...r, attributes: allAttributes(r), attributesPromoted: 0 }), resource: resourceOnce(r, seen) }),
  },
  {
    name: 'current',
    label: '+ promoted attributes out of the map (the collector row)',
    create: (t) => [`CREATE TABLE ${t} AS spans`],
    columns: SPAN_COLUMNS,
    serialize: (r, seen) => ({ span: serializeSpanRow(r), resource: resourceOnce(r, seen) }),
  },
  {
    name: 'lean',
    label: 'lean 27-column row (one attribute map, one resource map)',
    create: (t) => [
      `CREATE TABLE ${t} (project_id LowCardinality(String), trace_id String, span_id String, parent_span_id String,
        name LowCardinality(String), kind UInt8, service LowCardinality(String), start_time DateTime64(9) CODEC(Delta, ZSTD(1)),
        end_time DateTime64(9) CODEC(Delta, ZSTD(1)), duration_ns UInt64 CODEC(T64, ZSTD(1)),
        status_code Enum8('unset' = 0, 'ok' = 1, 'error' = 2), operation LowCardinality(String), category LowCardinality(String),
        provider LowCardinality(String), request_model LowCardinality(String), response_model LowCardinality(String),
        agent_name LowCardinality(String), tool_name LowCardinality(String), tenant LowCardinality(String),
        request_type LowCardinality(String), session_id String, user_id String, input_tokens UInt64, output_tokens UInt64,
        cost_usd Decimal(18, 12), attributes ${MAP}, resource_attributes ${MAP})
      ENGINE = MergeTree PARTITION BY toDate(start_time) ORDER BY (project_id, toStartOfHour(start_time), trace_id, span_id)`,
    ],
    columns: LEAN_COLUMNS,
    serialize: (r) => ({ span: leanLine(r), resource: null }),
  },
  {
    name: 'spans+mv',
    label: 'the collector row into `spans` itself: with the materialized views every insert feeds',
    create: () => [],
    columns: SPAN_COLUMNS,
    serialize: (r, seen) => ({ span: serializeSpanRow(r), resource: resourceOnce(r, seen) }),
    table: 'spans',
  },
  {
    name: 'spans+set',
    label: 'same, with the collector\'s insert settings (optimize_on_insert=0, one parsing thread): what the collector does',
    create: () => [],
    columns: SPAN_COLUMNS,
    serialize: (r, seen) => ({ span: serializeSpanRow(r), resource: resourceOnce(r, seen) }),
    table: 'spans',
    settings: SPAN_INSERT_SETTINGS,
  },
  {
    name: 'exec',
    label: 'the collector row through client.exec instead of chDB raw insert (insert path lever)',
    create: (t) => [`CREATE TABLE ${t} AS spans`],
    columns: SPAN_COLUMNS,
    serialize: (r, seen) => ({ span: serializeSpanRow(r), resource: resourceOnce(r, seen) }),
    via: 'exec',
  },
  {
    name: 'current3x',
    label: 'the collector row in 3× larger inserts (batch size lever)',
    create: (t) => [`CREATE TABLE ${t} AS spans`],
    columns: SPAN_COLUMNS,
    serialize: (r, seen) => ({ span: serializeSpanRow(r), resource: resourceOnce(r, seen) }),
    batchFactor: 3,
  },
  {
    name: 'texts-in',
    label: 'the collector row + prompt/completion on model calls, in the span row',
    create: (t) => [`CREATE TABLE ${t} AS spans`],
    columns: SPAN_COLUMNS,
    serialize: (r, seen) => ({ span: serializeSpanRow(withText(r)), resource: resourceOnce(r, seen) }),
  },
  {
    name: 'texts-out',
    label: 'same texts in their own table (texts lever)',
    create: (t) => [`CREATE TABLE ${t} AS spans`, `CREATE TABLE ${t}_texts ${TEXT_TABLE}`],
    columns: SPAN_COLUMNS,
    serialize: (r, seen) => ({ span: serializeSpanRow(r), resource: resourceOnce(r, seen), text: textLine(withText(r)) }),
  },
];

/** Runs every arm on `totalRows` rows in `batchRows`-row inserts; returns rates in arm order. */
export async function rawInsertArms(store: Store, totalRows: number, batchRows: number): Promise<RawArm[]> {
  const template = buildTemplate(512);
  const catalog = new PriceCatalog();
  const opts = { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: 16384, maxTextLength: 32768 };
  // A multiple of 3, so the 3×-batch arm inserts the same rows as the others.
  const batches = Math.max(3, Math.round(totalRows / batchRows / 3) * 3);
  // Per arm, per batch: the spans body and the resources body.
  const bodies = ARMS.map(() => [] as { spans: Buffer; resources: Buffer | null; texts: Buffer | null; rows: number }[]);
  // Lines of the batches not yet cut into an insert (arms with a batchFactor > 1).
  const pending = ARMS.map(() => ({ spans: [] as string[], resources: [] as string[], texts: [] as string[], rows: 0 }));
  const bytes = ARMS.map(() => 0);
  const seen = ARMS.map(() => new Set<string>());
  let seq = 2_000_000_000;
  for (let b = 0; b < batches; b++) {
    const rows: SpanRow[] = [];
    while (rows.length < batchRows) {
      rows.push(...convertRequest(decodeTraceRequestProtobuf(stamp(template, seq++)), 'default', catalog, opts, Date.now()).rows);
    }
    rows.length = batchRows;
    ARMS.forEach((arm, a) => {
      const p = pending[a]!;
      for (const r of rows) {
        const s = arm.serialize(r, seen[a]!);
        p.spans.push(s.span);
        if (s.resource) p.resources.push(s.resource);
        if (s.text) p.texts.push(s.text);
      }
      p.rows += rows.length;
      if ((b + 1) % (arm.batchFactor ?? 1) !== 0) return;
      const buf = (lines: string[]) => (lines.length ? Buffer.from(lines.join('')) : null);
      const body = { spans: Buffer.from(p.spans.join('')), resources: buf(p.resources), texts: buf(p.texts), rows: p.rows };
      bytes[a]! += body.spans.length + (body.resources?.length ?? 0) + (body.texts?.length ?? 0);
      bodies[a]!.push(body);
      pending[a] = { spans: [], resources: [], texts: [], rows: 0 };
    });
  }
  for (const [a, arm] of ARMS.entries()) // Fixed DDL text from this file (no values): trusted SQL.
    for (const ddl of arm.create(`bench_raw_${a}`)) await store.command(sql`${unsafeRaw(ddl)}`);
  await store.command(sql`CREATE TABLE IF NOT EXISTS bench_raw_resources AS span_resources`);
  const seconds = ARMS.map(() => 0);
  const cpu = ARMS.map(() => 0);
  const inserted = ARMS.map(() => 0);
  for (let b = 0; b < batches; b++) {
    // Rotate the starting arm so none always follows the same neighbour.
    for (let k = 0; k < ARMS.length; k++) {
      const a = (b + k) % ARMS.length;
      const factor = ARMS[a]!.batchFactor ?? 1;
      if ((b + 1) % factor !== 0) continue;
      const body = bodies[a]![(b + 1) / factor - 1];
      if (!body) continue;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const via = ARMS[a]!.via ?? 'auto';
      const f = 'JSONCompactEachRow';
      if (body.resources) await store.insertRaw('bench_raw_resources', ['project_id', 'resource_hash', 'attributes'], body.resources, f, { via });
      if (body.texts) await store.insertRaw(`bench_raw_${a}_texts`, ['project_id', 'start_time', 'trace_id', 'span_id', 'input_text', 'output_text', '_version'], body.texts, f, { via });
      const settings = ARMS[a]!.settings;
      await store.insertRaw(ARMS[a]!.table ?? `bench_raw_${a}`, ARMS[a]!.columns, body.spans, f, { via, ...(settings ? { settings } : {}) });
      seconds[a]! += (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      cpu[a]! += c.user + c.system;
      inserted[a]! += body.rows;
    }
  }
  return ARMS.map((arm, a) => ({ name: arm.name, label: arm.label, rows: inserted[a]!, seconds: seconds[a]!, bytesPerRow: bytes[a]! / Math.max(1, inserted[a]!), cpuUs: cpu[a]! }));
}
