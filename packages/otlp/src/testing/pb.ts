/**
 * Tiny protobuf builder for hand-made test messages (unknown fields, odd wire types, edge
 * values the SDK serializer never produces). Built on protobufjs's Writer.
 */
import protobuf from 'protobufjs/minimal.js';

export type Field = (w: protobuf.Writer) => void;

const tag = (field: number, wire: number) => (field << 3) | wire;

export const pb = {
  varint: (field: number, v: number): Field => (w) => void w.uint32(tag(field, 0)).uint64(v),
  int64: (field: number, v: bigint): Field => (w) => void w.uint32(tag(field, 0)).int64(longBits(v)),
  fixed64: (field: number, v: bigint): Field => (w) => void w.uint32(tag(field, 1)).fixed64(longBits(v)),
  double: (field: number, v: number): Field => (w) => void w.uint32(tag(field, 1)).double(v),
  fixed32: (field: number, v: number): Field => (w) => void w.uint32(tag(field, 5)).fixed32(v),
  string: (field: number, v: string): Field => (w) => void w.uint32(tag(field, 2)).string(v),
  bytes: (field: number, v: Uint8Array | string): Field => (w) =>
    void w.uint32(tag(field, 2)).bytes(typeof v === 'string' ? hexBytes(v) : v),
  msg: (field: number, ...fields: Field[]): Field => (w) => {
    w.uint32(tag(field, 2)).fork();
    for (const f of fields) f(w);
    w.ldelim();
  },
  /** Deprecated group (wire types 3 / 4) around `fields`. */
  group: (field: number, ...fields: Field[]): Field => (w) => {
    w.uint32(tag(field, 3));
    for (const f of fields) f(w);
    w.uint32(tag(field, 4));
  },
};

/** protobufjs takes any {low, high} object as a 64-bit value (no long.js needed). */
function longBits(v: bigint): protobuf.Long {
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: false } as protobuf.Long;
}

export function encode(...fields: Field[]): Uint8Array {
  const w = new protobuf.Writer();
  for (const f of fields) f(w);
  return w.finish();
}

export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/* Message shorthands with OTLP field numbers. */
export const kv = (key: string, ...value: Field[]): Field => pb.msg(1, pb.string(1, key), pb.msg(2, ...value));
export const spanAttr = (key: string, ...value: Field[]): Field =>
  pb.msg(9, pb.string(1, key), pb.msg(2, ...value));
export const request = (...spanFields: Field[]): Uint8Array =>
  encode(pb.msg(1, pb.msg(2, pb.msg(2, ...spanFields))));
