/*
 * Seeded generators of hostile OTLP bodies for the fuzz suite (ingest.fuzz.test.ts): random
 * but structurally plausible requests (so the fuzzer gets past the outer messages and reaches
 * spans, attributes and values), then byte- or text-level mutations of them. Everything derives
 * from one 32-bit seed, so a failure is reproduced with PLUMB_FUZZ_SEED=<seed>.
 */

/** sfc32: small, fast, good enough for fuzzing, fully determined by the seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 2 ** 32) * n);
  }

  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/* ---------- protobuf ---------- */

/**
 * Append-only protobuf writer (no validation: that is the point). Bytes go to `cur`; a nested
 * message is appended by reference to its chunks, so building costs one copy in `finish`.
 */
class Pb {
  private readonly chunks: ArrayLike<number>[] = [];
  private cur: number[] = [];
  size = 0;

  private push(b: number): void {
    this.cur.push(b);
    this.size++;
  }

  private seal(): void {
    if (this.cur.length) {
      this.chunks.push(this.cur);
      this.cur = [];
    }
  }

  varint(v: number | bigint): this {
    if (typeof v === 'number' && v >= 0 && v < 2 ** 31) {
      while (v > 0x7f) {
        this.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.push(v);
      return this;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      this.push(x > 0n ? b | 0x80 : b);
    } while (x > 0n);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  raw(bytes: ArrayLike<number>): this {
    if (bytes.length < 32) {
      for (let i = 0; i < bytes.length; i++) this.push(bytes[i]!);
    } else {
      this.seal();
      this.chunks.push(bytes);
      this.size += bytes.length;
    }
    return this;
  }

  len(field: number, bytes: ArrayLike<number>): this {
    return this.tag(field, 2).varint(bytes.length).raw(bytes);
  }

  msg(field: number, build: (w: Pb) => void): this {
    const inner = new Pb();
    build(inner);
    inner.seal();
    this.tag(field, 2).varint(inner.size);
    this.seal();
    for (const c of inner.chunks) this.chunks.push(c);
    this.size += inner.size;
    return this;
  }

  finish(): Uint8Array {
    this.seal();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  fixed64(field: number, v: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    return this.tag(field, 1).raw(b);
  }

  double(field: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return this.tag(field, 1).raw(b);
  }
}

const enc = new TextEncoder();

/** String bytes that stress UTF-8 handling and truncation at `limit` UTF-16 units. */
function stringBytes(r: Rng, limit: number): Uint8Array {
  switch (r.int(14)) {
    case 0:
      return Uint8Array.from([0x61, 0xed, 0xa0, 0xbd, 0x62]); // a surrogate encoded as UTF-8
    case 1:
      return Uint8Array.from([0xf0, 0x9f, 0x98]); // 4-byte sequence cut short
    case 2:
      return r.bytes(r.int(40)); // anything
    case 3:
      return enc.encode('x'.repeat(Math.max(0, limit - 1)) + '\u{1F600}' + 'tail'); // emoji across the limit
    case 4:
      return enc.encode('\u{1F600}'.repeat(r.int(limit)));
    case 5:
      return Uint8Array.from([0xc0, 0xaf, 0xff, 0xfe, 0x80]);
    case 6:
      return enc.encode(String.fromCharCode(...Array.from({ length: r.int(12) }, () => r.int(0x10000)))); // lone surrogates → EF BF BD
    default:
      return enc.encode(r.pick(['chat', 'gpt-4o', 'openai', 'POST', '', 'agent', 'tool', 'ü', '日本語', 'acme']));
  }
}

const KEYS = [
  'gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.system', 'gen_ai.request.model', 'gen_ai.response.model',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.reasoning.output_tokens', 'llm.token_count.prompt', 'llm.token_count.total', 'gen_ai.prompt',
  'gen_ai.completion', 'gen_ai.input.messages', 'gen_ai.agent.name', 'gen_ai.tool.name', 'tenant.id', 'session.id',
  'user.id', 'service.name', 'host.name', 'http.route', 'metadata', 'langfuse.observation.usage_details',
  'ai.usage.promptTokens', 'gen_ai.response.finish_reasons', 'plumb.request_type', 'k', '',
];

/** An array value nested `depth` levels deep (around the decoders' limit of 64). */
function chain(w: Pb, depth: number): void {
  if (depth === 0) {
    w.len(1, enc.encode('leaf'));
    return;
  }
  w.msg(5, (a) => a.msg(1, (v) => chain(v, depth - 1)));
}

function anyValue(w: Pb, r: Rng, depth: number, limit: number): void {
  if (depth === 0 && r.chance(0.01)) return chain(w, r.pick([63, 64, 65, 300]));
  const deep = depth < 2 && r.chance(0.5);
  switch (r.int(deep ? 10 : 7)) {
    case 0:
      w.len(1, stringBytes(r, limit));
      break;
    case 1:
      w.tag(2, 0).varint(r.int(3));
      break;
    case 2:
      w.tag(3, 0).varint(r.pick([0n, 1n, -1n, 999_999_999n, 1_000_000_001n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), BigInt(r.int(5000))]));
      break;
    case 3:
      w.double(4, r.pick([NaN, Infinity, -Infinity, -0, 1e308, 5e-324, 1.5, 1e12]));
      break;
    case 4:
      w.len(7, r.bytes(r.int(20)));
      break;
    case 5:
      break; // empty AnyValue
    case 6:
      w.tag(3, 2).varint(1).raw([0]); // known field number, wrong wire type
      break;
    case 7:
    case 8:
      w.msg(5, (a) => {
        for (let i = r.int(3); i >= 0; i--) a.msg(1, (v) => anyValue(v, r, depth + 1, limit));
      });
      break;
    default:
      w.msg(6, (kv) => {
        for (let i = r.int(3); i >= 0; i--) kv.msg(1, (e) => keyValue(e, r, depth + 1, limit));
      });
  }
}

function keyValue(w: Pb, r: Rng, depth: number, limit: number): void {
  w.len(1, r.chance(0.8) ? enc.encode(r.pick(KEYS)) : stringBytes(r, limit));
  if (r.chance(0.95)) w.msg(2, (v) => anyValue(v, r, depth, limit));
}

/** Deeply nested start-group tags (closed or not), or another unknown field. */
function junk(w: Pb, r: Rng): void {
  switch (r.int(6)) {
    case 0: {
      const n = r.pick([1, 5, 63, 64, 65, 1000]);
      for (let i = 0; i < n; i++) w.tag(20, 3);
      if (r.chance(0.7)) for (let i = 0; i < n; i++) w.tag(20, 4);
      break;
    }
    case 1:
      w.tag(21, 0).raw(new Array<number>(r.pick([10, 11, 20])).fill(0xff)).raw([0x01]); // huge varint
      break;
    case 2:
      w.tag(22, 2).varint(r.pick([2 ** 31, 2 ** 32 + 5, 1e15])); // length past the end
      break;
    case 3:
      w.tag(r.int(30), r.int(8)); // any field, any wire type
      break;
    case 4:
      w.tag(23, 5).raw(r.bytes(4));
      break;
    default:
      w.tag(24, 1).raw(r.bytes(8));
  }
}

const TIMES = [0n, 1n, 1_700_000_000_000_000_000n, 9_223_372_036_000_000_000n, 2n ** 64n - 1n, 10_413_792_000_000_000_000n];

function span(w: Pb, r: Rng, limit: number, now: bigint): void {
  w.len(1, r.chance(0.9) ? r.bytes(16) : r.bytes(r.int(20)));
  w.len(2, r.chance(0.9) ? r.bytes(8) : r.bytes(r.int(12)));
  if (r.chance(0.5)) w.len(4, r.chance(0.9) ? r.bytes(8) : r.bytes(r.int(12)));
  if (r.chance(0.2)) w.len(3, stringBytes(r, limit));
  w.len(5, stringBytes(r, limit));
  if (r.chance(0.8)) w.tag(6, 0).varint(r.pick([0, 1, 2, 3, 5, 6, 255, 256, 2 ** 32 - 1, -1]));
  const start = r.chance(0.85) ? now - BigInt(r.int(1e9)) * 1000n : r.pick(TIMES);
  w.fixed64(7, start);
  w.fixed64(8, r.chance(0.85) ? start + BigInt(r.int(1e9)) : r.pick(TIMES));
  for (let i = r.int(6); i > 0; i--) w.msg(9, (kv) => keyValue(kv, r, 0, limit));
  for (let i = r.int(3); i > 0; i--) {
    w.msg(11, (e) => {
      e.fixed64(1, r.chance(0.5) ? start + 5n : r.pick(TIMES));
      e.len(2, stringBytes(r, limit));
      if (r.chance(0.5)) e.msg(3, (kv) => keyValue(kv, r, 0, limit));
    });
  }
  if (r.chance(0.2)) w.msg(13, (l) => l.len(1, r.bytes(16)).len(2, r.bytes(8)).msg(4, (kv) => keyValue(kv, r, 0, limit)));
  if (r.chance(0.3)) w.msg(15, (s) => s.len(2, stringBytes(r, limit)).tag(3, 0).varint(r.pick([0, 1, 2, 3, 2 ** 32 - 1])));
  if (r.chance(0.03)) junk(w, r);
}

/** A random ExportTraceServiceRequest, mostly well-formed, with hostile values inside. */
export function protobufBody(r: Rng, limit: number, nowNs: bigint): Uint8Array {
  const w = new Pb();
  for (let i = 1 + r.int(2); i > 0; i--) {
    w.msg(1, (rs) => {
      rs.msg(1, (res) => {
        for (let j = r.int(4); j > 0; j--) res.msg(1, (kv) => keyValue(kv, r, 0, limit));
      });
      for (let j = 1 + r.int(2); j > 0; j--) {
        rs.msg(2, (ss) => {
          if (r.chance(0.5)) ss.msg(1, (sc) => sc.len(1, stringBytes(r, limit)));
          for (let k = 1 + r.int(4); k > 0; k--) ss.msg(2, (s) => span(s, r, limit, nowNs));
        });
      }
      if (r.chance(0.05)) junk(rs, r);
    });
  }
  if (r.chance(0.05)) junk(w, r);
  return w.finish();
}

/** Byte-level damage: flips, truncation, insertion, deletion, duplication, group tags. */
export function mutateBytes(r: Rng, body: Uint8Array): Uint8Array {
  const b = Array.from(body);
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = r.int(b.length + 1);
    switch (r.int(7)) {
      case 0:
        if (b.length) b[Math.min(at, b.length - 1)] = r.int(256);
        break;
      case 1:
        b.length = at;
        break;
      case 2:
        b.splice(at, 0, ...r.bytes(1 + r.int(8)));
        break;
      case 3:
        b.splice(at, 1 + r.int(16));
        break;
      case 4:
        b.splice(at, 0, ...b.slice(at, at + 1 + r.int(64)));
        break;
      case 5:
        b.splice(at, 0, ...new Array<number>(r.pick([1, 2, 64, 65, 1000])).fill(0x0b));
        break;
      default:
        b.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0x0f); // a huge length prefix
    }
  }
  return Uint8Array.from(b);
}

/* ---------- JSON ---------- */

function jsonString(r: Rng, limit: number): string {
  switch (r.int(8)) {
    case 0:
      return 'lone \ud83d here';
    case 1:
      return '\ude00' + r.pick(['', 'x', '\ud800']);
    case 2:
      return 'x'.repeat(Math.max(0, limit - 1)) + '\u{1F600}tail';
    case 3:
      return String.fromCharCode(...Array.from({ length: r.int(20) }, () => r.int(0x10000)));
    default:
      return r.pick(['chat', 'gpt-4o', 'openai', '', 'acme', '日本語', '\u0000', '{"input":1e400}']);
  }
}

/** An array value nested `depth` levels deep, as JSON. */
function jsonChain(depth: number): unknown {
  let v: unknown = { stringValue: 'leaf' };
  for (let i = 0; i < depth; i++) v = { arrayValue: { values: [v] } };
  return v;
}

/** Shapes the JSON mapping does not allow: each fails its request with a 400. */
const INVALID_VALUES: unknown[] = [
  'str', 5, [], { stringValue: 1 }, { stringValue: ['a'] }, { intValue: 'x' }, { intValue: 1.5 }, { intValue: '9223372036854775808' },
  { intValue: '1e3' }, { doubleValue: 'nope' }, { boolValue: 'true' }, { bytesValue: '!!' }, { arrayValue: { values: 'x' } }, { arrayValue: 5 },
];

function jsonAnyValue(r: Rng, depth: number, limit: number): unknown {
  if (r.chance(0.02)) return r.pick(INVALID_VALUES);
  if (depth === 0 && r.chance(0.01)) return jsonChain(r.pick([63, 64, 65, 300]));
  const deep = depth < 2 && r.chance(0.5);
  switch (r.int(deep ? 11 : 8)) {
    case 0:
    case 1:
      return { stringValue: jsonString(r, limit) };
    case 2:
      return { intValue: r.pick(['1', '-1', '0', '1000000000', '1000000001', '9223372036854775807', '-9223372036854775808', 1e15, 7]) };
    case 3:
      return { doubleValue: r.pick(['NaN', 'Infinity', '-Infinity', 1e308, -0, '1.5', 5e-324, null]) };
    case 4:
      return { boolValue: r.pick([true, false, null]) };
    case 5:
      return { bytesValue: r.pick(['AAEC', '', 'aGVsbG8=', '_-8']) };
    case 6:
      return r.pick([{}, null, { unknownValue: 1 }, { arrayValue: null }, { kvlistValue: {} }]);
    case 7:
      return { intValue: String(r.int(2_000_000)) };
    case 8:
    case 9:
      return { arrayValue: { values: Array.from({ length: 1 + r.int(3) }, () => jsonAnyValue(r, depth + 1, limit)) } };
    default:
      return { kvlistValue: { values: Array.from({ length: 1 + r.int(3) }, () => jsonKeyValue(r, depth + 1, limit)) } };
  }
}

function jsonKeyValue(r: Rng, depth: number, limit: number): unknown {
  return { key: r.chance(0.8) ? r.pick(KEYS) : r.chance(0.98) ? jsonString(r, limit) : r.pick([1, null]), value: jsonAnyValue(r, depth, limit) };
}

function hex(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += r.int(256).toString(16).padStart(2, '0');
  return s;
}

/** Times a uint64 can hold but the store cannot (or should not) take as they are. */
const ODD_TIMES = ['0', '1', '18446744073709551615', 9_223_372_036_000_000_000, '10413792000000000000'];
/** Not a uint64 at all: the request is refused. */
const BAD_TIMES = ['18446744073709551616', '-1', '1.5', 'abc', 1e300];
const jsonTime = (r: Rng, normal: bigint): unknown =>
  r.chance(0.9) ? normal.toString() : r.chance(0.9) ? r.pick(ODD_TIMES) : r.pick(BAD_TIMES);

function jsonSpan(r: Rng, limit: number, nowMs: number): unknown {
  const start = BigInt(nowMs - r.int(1e6)) * 1_000_000n;
  return {
    traceId: r.chance(0.9) ? hex(r, 16) : r.pick(['', 'zz', hex(r, 8), 'AAAAAAAAAAAAAAAAAAAAAA==', '00000000000000000000000000000000', 'é\ud83d']),
    spanId: r.chance(0.9) ? hex(r, 8) : r.pick(['', 'XYZ', hex(r, 16), null]),
    parentSpanId: r.chance(0.5) ? hex(r, 8) : r.pick(['', undefined, 'nothex!!']),
    name: r.chance(0.98) ? jsonString(r, limit) : r.pick([1, {}, null]),
    kind: r.chance(0.98) ? r.pick([1, 2, 'SPAN_KIND_SERVER', 'CLIENT', 6, 300, -1, 1e20, '7', undefined]) : r.pick(['BOGUS', 1.5]),
    startTimeUnixNano: jsonTime(r, start),
    endTimeUnixNano: jsonTime(r, start + 1_000_000n),
    attributes: r.chance(0.99) ? Array.from({ length: r.int(6) }, () => jsonKeyValue(r, 0, limit)) : r.pick([{}, 'x', [null, 1]]),
    events: Array.from({ length: r.int(3) }, () => ({
      name: jsonString(r, limit),
      timeUnixNano: jsonTime(r, start + 5n),
      attributes: [jsonKeyValue(r, 0, limit)],
    })),
    links: r.chance(0.2) ? [{ traceId: hex(r, 16), spanId: r.pick([hex(r, 8), '\ud83d']), attributes: [jsonKeyValue(r, 0, limit)] }] : undefined,
    status: r.chance(0.3) ? { code: r.pick([0, 1, 2, 3, 'STATUS_CODE_ERROR', -5, 1e20]), message: jsonString(r, limit) } : undefined,
  };
}

/** A random OTLP/JSON request as text (lone surrogates appear as `\ud83d` escapes). */
export function jsonBody(r: Rng, limit: number, nowMs: number): string {
  const doc = {
    resourceSpans: Array.from({ length: 1 + r.int(2) }, () => ({
      resource: { attributes: Array.from({ length: r.int(4) }, () => jsonKeyValue(r, 0, limit)) },
      scopeSpans: Array.from({ length: 1 + r.int(2) }, () => ({
        scope: r.chance(0.5) ? { name: jsonString(r, limit) } : undefined,
        spans: Array.from({ length: 1 + r.int(4) }, () => jsonSpan(r, limit, nowMs)),
      })),
    })),
  };
  return JSON.stringify(doc);
}

/** Text-level damage: truncation, stray characters, escapes, deep nesting, number overflow. */
export function mutateText(r: Rng, text: string): string {
  let s = text;
  for (let n = 1 + r.int(2); n > 0; n--) {
    const at = r.int(s.length + 1);
    switch (r.int(8)) {
      case 0:
        s = s.slice(0, at);
        break;
      case 1:
        s = s.slice(0, at) + r.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\\ud800', '\u0000', 'NaN', '1e999']) + s.slice(at);
        break;
      case 2:
        s = s.replace(/"stringValue":"/g, (m) => (r.chance(0.3) ? `${m}\\udbff` : m));
        break;
      case 3: {
        const depth = r.pick([65, 1000, 5000]);
        s = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"deep","value":${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}}]}]}]}]}`;
        break;
      }
      case 4:
        s = '['.repeat(r.pick([10, 10_000])) + s;
        break;
      case 5:
        s = s.replace(/"intValue":"\d+"/, '"intValue":1e400');
        break;
      case 6:
        s = s.replace(/"kind":\d+/, `"kind":${r.pick(['1e400', '-0', '"SPAN_KIND_CONSUMER"', '1.0e2'])}`);
        break;
      default:
        s = s.slice(0, at) + s.slice(at + 1 + r.int(20));
    }
  }
  return s;
}

/** UTF-8 bytes of `text`, sometimes with raw invalid bytes or a byte-order mark spliced in. */
export function textBytes(r: Rng, text: string): Uint8Array {
  let b = Buffer.from(text, 'utf8');
  if (r.chance(0.15)) {
    const at = r.int(b.length + 1);
    const bad = Buffer.from(r.pick([[0xff], [0xed, 0xa0, 0xbd], [0xf0, 0x9f], [0xc0, 0x80]]));
    b = Buffer.concat([b.subarray(0, at), bad, b.subarray(at)]);
  }
  if (r.chance(0.05)) b = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
  return b;
}
