import { OtlpDecodeError } from '../types.ts';
import { bytesToHex } from '../hex.ts';
import { decodeKey, decodeTraceId, decodeValue } from './keys.ts';

/**
 * Minimal protobuf wire-format cursor over one request buffer.
 *
 * Every length-delimited read is bounded by the `end` of the enclosing message, so a nested
 * length can never reach past its parent; scalar reads are bounded by the buffer. Message
 * decoders call `expectEnd` after their field loop, which catches a scalar that ran past the
 * message end. All failures throw `OtlpDecodeError` with the byte offset.
 */
export class ProtoReader {
  readonly buf: Uint8Array;
  readonly len: number;
  readonly view: DataView;
  pos = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.len = buf.length;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(what: string, offset: number = this.pos): never {
    throw new OtlpDecodeError(`invalid protobuf: ${what} at offset ${offset}`);
  }

  /** Varint truncated to its low 32 bits, unsigned (tags, lengths, enums, uint32). */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos + 5 > this.len) return this.uint32Slow();
    let b = buf[pos++]!;
    let v = b & 0x7f;
    if (b < 0x80) {
      this.pos = pos;
      return v;
    }
    b = buf[pos++]!;
    v |= (b & 0x7f) << 7;
    if (b < 0x80) {
      this.pos = pos;
      return v;
    }
    b = buf[pos++]!;
    v |= (b & 0x7f) << 14;
    if (b < 0x80) {
      this.pos = pos;
      return v;
    }
    b = buf[pos++]!;
    v |= (b & 0x7f) << 21;
    if (b < 0x80) {
      this.pos = pos;
      return v;
    }
    b = buf[pos++]!;
    v = (v | ((b & 0x0f) << 28)) >>> 0;
    if (b >= 0x80) this.skipVarintTail(pos, this.pos);
    else this.pos = pos;
    return v;
  }

  private uint32Slow(): number {
    const start = this.pos;
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.len) this.fail('truncated varint', start);
      const b = this.buf[this.pos++]!;
      v = (v | ((b & 0x7f) << shift)) >>> 0;
      if (b < 0x80) return v;
    }
    this.skipVarintTail(this.pos, start);
    return v;
  }

  /** Consumes the remaining (up to 5) bytes, from `pos`, of a varint that began at `start`. */
  private skipVarintTail(pos: number, start: number): void {
    this.pos = pos;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.len) this.fail('truncated varint', start);
      if (this.buf[this.pos++]! < 0x80) return;
    }
    this.fail('varint longer than 10 bytes', start);
  }

  /**
   * Signed int64 varint: a `number` when it is a safe integer, a `bigint` otherwise
   * (the `int values are number when safe, bigint otherwise` contract of types.ts).
   */
  int64(): number | bigint {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    let i = 0;
    // Bytes 0-3 fill bits 0-27 of lo.
    for (; i < 4; i++) {
      if (this.pos >= this.len) this.fail('truncated varint', start);
      b = this.buf[this.pos++]!;
      lo |= (b & 0x7f) << (i * 7);
      if (b < 0x80) return lo;
    }
    // Byte 4 holds bits 28-31 of lo and bits 0-2 of hi.
    if (this.pos >= this.len) this.fail('truncated varint', start);
    b = this.buf[this.pos++]!;
    lo = (lo | ((b & 0x0f) << 28)) >>> 0;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (i = 0; i < 5; i++) {
        if (this.pos >= this.len) this.fail('truncated varint', start);
        b = this.buf[this.pos++]!;
        hi |= (b & 0x7f) << (i * 7 + 3);
        if (b < 0x80) break;
      }
      if (b >= 0x80) this.fail('varint longer than 10 bytes', start);
    }
    return int64FromParts(lo, hi | 0);
  }

  /** fixed64 as an unsigned bigint (timestamps). */
  fixed64(): bigint {
    const pos = this.pos;
    if (pos + 8 > this.len) this.fail('truncated fixed64', pos);
    this.pos = pos + 8;
    return this.view.getBigUint64(pos, true);
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.len) this.fail('truncated fixed64', pos);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads a length prefix and returns the end offset of the payload, bounded by `limit`. */
  lenEnd(limit: number): number {
    const at = this.pos;
    const n = this.uint32();
    const end = this.pos + n;
    if (end > limit) this.fail('truncated length-delimited field', at);
    return end;
  }

  /** UTF-8 string of a length-delimited field. */
  string(limit: number): string {
    const end = this.lenEnd(limit);
    const start = this.pos;
    this.pos = end;
    return decodeValue(this.view, this.buf, start, end);
  }

  /** Attribute key (cached, see keys.ts). */
  key(limit: number): string {
    const end = this.lenEnd(limit);
    const start = this.pos;
    this.pos = end;
    return decodeKey(this.view, this.buf, start, end);
  }

  /** Lowercase hex of a trace id field (cached, see keys.ts). */
  traceId(limit: number): string {
    const end = this.lenEnd(limit);
    const start = this.pos;
    this.pos = end;
    return decodeTraceId(this.view, this.buf, start, end);
  }

  /** Lowercase hex of a span id field. */
  hex(limit: number): string {
    const end = this.lenEnd(limit);
    const start = this.pos;
    this.pos = end;
    return bytesToHex(this.buf, start, end);
  }

  /** Copy of a length-delimited bytes field (never a view into the request buffer). */
  bytes(limit: number): Uint8Array {
    const end = this.lenEnd(limit);
    const start = this.pos;
    this.pos = end;
    return this.buf.slice(start, end);
  }

  /** Unsigned little-endian fixed32 (wire type 5). */
  fixed32(): number {
    if (this.pos + 4 > this.len) this.fail('truncated fixed32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Skips the payload of an unknown field whose tag was just read. */
  skip(tag: number, limit: number): void {
    const at = this.pos;
    if (tag >>> 3 === 0) this.fail('invalid field number 0', at);
    switch (tag & 7) {
      case 0:
        this.uint32();
        return;
      case 1:
        if (this.pos + 8 > this.len) this.fail('truncated fixed64', at);
        this.pos += 8;
        return;
      case 2:
        this.pos = this.lenEnd(limit);
        return;
      case 3:
        this.skipGroup(tag >>> 3, limit);
        return;
      case 5:
        if (this.pos + 4 > this.len) this.fail('truncated fixed32', at);
        this.pos += 4;
        return;
      default:
        this.fail(`invalid wire type ${tag & 7} (field ${tag >>> 3})`, at);
    }
  }

  /**
   * Skips a deprecated group up to its matching END_GROUP tag. Nested groups are tracked on an
   * explicit stack (never by recursion, which hostile input could drive into a stack overflow)
   * and refused past MAX_GROUP_DEPTH; OTLP itself has no groups at all.
   */
  private skipGroup(field: number, limit: number): void {
    const start = this.pos;
    const open = [field];
    while (this.pos < limit) {
      const at = this.pos;
      const tag = this.uint32();
      const wire = tag & 7;
      if (wire === 4) {
        if (tag >>> 3 !== open[open.length - 1]) this.fail('mismatched end-group tag', start);
        open.pop();
        if (open.length === 0) return;
      } else if (wire === 3) {
        if (tag >>> 3 === 0) this.fail('invalid field number 0', at);
        if (open.length >= MAX_GROUP_DEPTH) this.fail(`groups nested deeper than ${MAX_GROUP_DEPTH}`, at);
        open.push(tag >>> 3);
      } else {
        this.skip(tag, limit);
      }
    }
    this.fail('unterminated group', start);
  }

  /** Asserts the field loop of a message stopped exactly at its end. */
  expectEnd(end: number): void {
    if (this.pos !== end) this.fail('field overruns the end of its message', end);
  }
}

/** Nesting limit for (skipped) protobuf groups. */
export const MAX_GROUP_DEPTH = 64;

const TWO_32 = 4294967296;

/** Combines a two's-complement int64 split as (unsigned lo, signed hi). */
export function int64FromParts(lo: number, hi: number): number | bigint {
  // |hi| < 2^21 keeps hi * 2^32 + lo within ±2^53, where doubles are exact.
  if (hi >= -0x200000 && hi < 0x200000) {
    const v = hi * TWO_32 + (lo >>> 0);
    if (Number.isSafeInteger(v)) return v;
  }
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}
