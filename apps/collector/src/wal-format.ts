import { crc32 } from 'node:zlib';

/**
 * The WAL's on-disk format (pure: no I/O).
 *
 * A segment (version 2) starts with an 8-byte header `PLWAL` + u8 version + 2 zero bytes, then
 * holds records:
 *
 *   [u8 0xA7 magic][u8 version=2][u8 signal][u8 format][u32 LE payload length][u32 LE crc32]
 *   payload = [u8 projectIdLength][projectId utf8][body]
 *
 * The CRC covers the first 8 header bytes and the payload, so a corrupt length, signal or format is
 * caught too. `signal` says which OTLP signal the body is (1 traces, 2 metrics), so metrics can
 * share the WAL. A reader meets a bad record (torn tail, bit rot, a failed write that could not
 * be truncated away) by scanning forward for the next offset where a header with a valid CRC
 * starts, and reports the bytes and regions it skipped.
 *
 * Version 1 segments (no segment header; records `[u32 length][u32 crc32][u8 format]
 * [u8 projectIdLength][projectId][body]`, traces only) still replay: they stop at the first bad
 * record, as they always did. A segment header with an unknown version is refused with
 * `WalFormatError` (the file is left in place for the version that wrote it).
 */
export type WalFormat = 'protobuf' | 'json';
export type WalSignal = 'traces' | 'metrics';

export interface WalRecord {
  /** Defaults to 'traces' when appending. */
  signal?: WalSignal;
  format: WalFormat;
  projectId: string;
  body: Buffer;
}

export interface DecodedRecord extends WalRecord {
  signal: WalSignal;
}

export interface DecodedSegment {
  version: number;
  records: DecodedRecord[];
  /** Bytes skipped as corrupt or torn (0 for a clean segment). */
  corruptBytes: number;
  /** Separate corrupt stretches skipped (a torn tail counts as one). */
  corruptRegions: number;
}

export class WalFormatError extends Error {}

export const WAL_VERSION = 2;
const SEGMENT_MAGIC = Buffer.from('PLWAL', 'latin1');
export const SEGMENT_HEADER_BYTES = 8;
const RECORD_MAGIC = 0xa7;
export const RECORD_HEADER_BYTES = 12;
/** Longest payload a record may claim; a header claiming more is corrupt (a body is ≤ 64 MiB). */
const MAX_PAYLOAD = 256 * 1024 * 1024;

const SIGNALS: Record<WalSignal, number> = { traces: 1, metrics: 2 };
const FORMATS: Record<WalFormat, number> = { protobuf: 0, json: 1 };
const signalOf = (b: number): WalSignal | null => (b === 1 ? 'traces' : b === 2 ? 'metrics' : null);
const formatOf = (b: number): WalFormat | null => (b === 0 ? 'protobuf' : b === 1 ? 'json' : null);

export function segmentHeader(): Buffer {
  const h = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(h, 0);
  h[5] = WAL_VERSION;
  return h;
}

export function encodeRecord(r: WalRecord): Buffer {
  const project = Buffer.from(r.projectId, 'utf8');
  if (project.length > 255) throw new Error('project id too long for the WAL');
  const payloadLength = 1 + project.length + r.body.length;
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payloadLength);
  out[0] = RECORD_MAGIC;
  out[1] = WAL_VERSION;
  out[2] = SIGNALS[r.signal ?? 'traces'];
  out[3] = FORMATS[r.format];
  out.writeUInt32LE(payloadLength, 4);
  out[RECORD_HEADER_BYTES] = project.length;
  project.copy(out, RECORD_HEADER_BYTES + 1);
  r.body.copy(out, RECORD_HEADER_BYTES + 1 + project.length);
  out.writeUInt32LE(crc32(out.subarray(RECORD_HEADER_BYTES), crc32(out.subarray(0, 8))), 8);
  return out;
}

/** The record at `off`, or null when no valid record starts there. */
function recordAt(data: Buffer, off: number): { record: DecodedRecord; end: number } | null {
  if (off + RECORD_HEADER_BYTES > data.length) return null;
  if (data[off] !== RECORD_MAGIC || data[off + 1] !== WAL_VERSION) return null;
  const signal = signalOf(data[off + 2]!);
  const format = formatOf(data[off + 3]!);
  const len = data.readUInt32LE(off + 4);
  if (!signal || !format || len < 1 || len > MAX_PAYLOAD) return null;
  const end = off + RECORD_HEADER_BYTES + len;
  if (end > data.length) return null;
  const payload = data.subarray(off + RECORD_HEADER_BYTES, end);
  if (crc32(payload, crc32(data.subarray(off, off + 8))) !== data.readUInt32LE(off + 8)) return null;
  const plen = payload[0]!;
  if (1 + plen > len) return null;
  return {
    record: {
      signal,
      format,
      projectId: payload.subarray(1, 1 + plen).toString('utf8'),
      body: Buffer.from(payload.subarray(1 + plen)),
    },
    end,
  };
}

/** Decodes a whole segment file (any supported version). */
export function decodeSegment(data: Buffer): DecodedSegment {
  if (data.length === 0) return { version: WAL_VERSION, records: [], corruptBytes: 0, corruptRegions: 0 };
  const magicLen = Math.min(data.length, SEGMENT_MAGIC.length);
  if (data.subarray(0, magicLen).equals(SEGMENT_MAGIC.subarray(0, magicLen))) {
    // A crash between creating the file and writing its header leaves a prefix of the header.
    if (data.length < SEGMENT_HEADER_BYTES) return { version: WAL_VERSION, records: [], corruptBytes: 0, corruptRegions: 0 };
    const version = data[5]!;
    if (version !== WAL_VERSION) throw new WalFormatError(`unsupported WAL segment version ${version} (this build reads 1 and ${WAL_VERSION})`);
    return decodeV2(data);
  }
  return decodeV1(data);
}

function decodeV2(data: Buffer): DecodedSegment {
  const records: DecodedRecord[] = [];
  let corruptBytes = 0;
  let corruptRegions = 0;
  let off = SEGMENT_HEADER_BYTES;
  while (off < data.length) {
    const hit = recordAt(data, off);
    if (hit) {
      records.push(hit.record);
      off = hit.end;
      continue;
    }
    // Resynchronize: the next offset where a valid record starts (or the end of the segment).
    let next = off + 1;
    for (; next < data.length; next++) {
      next = data.indexOf(RECORD_MAGIC, next);
      if (next < 0) {
        next = data.length;
        break;
      }
      if (recordAt(data, next)) break;
    }
    corruptBytes += next - off;
    corruptRegions++;
    off = next;
  }
  return { version: WAL_VERSION, records, corruptBytes, corruptRegions };
}

/** Version 1: `[u32 length][u32 crc32][payload]`, stops at the first bad record. */
function decodeV1(data: Buffer): DecodedSegment {
  const records: DecodedRecord[] = [];
  let off = 0;
  while (off + 8 <= data.length) {
    const len = data.readUInt32LE(off);
    if (len < 2 || off + 8 + len > data.length) break;
    const payload = data.subarray(off + 8, off + 8 + len);
    if (crc32(payload) !== data.readUInt32LE(off + 4)) break;
    const plen = payload[1]!;
    if (2 + plen > len) break;
    records.push({
      signal: 'traces',
      format: payload[0] === 0 ? 'protobuf' : 'json',
      projectId: payload.subarray(2, 2 + plen).toString('utf8'),
      body: Buffer.from(payload.subarray(2 + plen)),
    });
    off += 8 + len;
  }
  const corruptBytes = data.length - off;
  return { version: 1, records, corruptBytes, corruptRegions: corruptBytes > 0 ? 1 : 0 };
}
