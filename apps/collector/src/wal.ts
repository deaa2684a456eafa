import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * Write-ahead log: a request is acknowledged once its body is appended and fsynced here, so the
 * insert batch window never sits in the exporter's latency, and a crash loses nothing that was
 * acknowledged. Appends are group-committed (one fsync for everything queued meanwhile).
 *
 * Segments `NNNNNNNNNNNN.wal` hold records `[u32 length][u32 crc32][payload]`; payload is
 * `[u8 format][u8 projectIdLength][projectId][body]`. A torn tail (crash mid-write) fails its
 * CRC and ends replay of that segment. A sealed segment is deleted once every row it carried
 * has been inserted (reference counts by segment).
 */
export type WalFormat = 'protobuf' | 'json';

export interface WalRecord {
  format: WalFormat;
  projectId: string;
  body: Buffer;
}

interface Pending {
  buf: Buffer;
  rows: number;
  resolve: (segment: number) => void;
  reject: (err: Error) => void;
}

export interface WalOptions {
  fsync: boolean;
  segmentBytes?: number;
  segmentMaxAgeMs?: number;
}

const HEADER = 8;

export function encodeRecord(r: WalRecord): Buffer {
  const project = Buffer.from(r.projectId, 'utf8');
  if (project.length > 255) throw new Error('project id too long for the WAL');
  const payload = Buffer.allocUnsafe(2 + project.length + r.body.length);
  payload[0] = r.format === 'protobuf' ? 0 : 1;
  payload[1] = project.length;
  project.copy(payload, 2);
  r.body.copy(payload, 2 + project.length);
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** Decodes the valid prefix of a segment; stops at the first torn or corrupt record. */
export function decodeSegment(data: Buffer): { records: WalRecord[]; validBytes: number } {
  const records: WalRecord[] = [];
  let off = 0;
  while (off + HEADER <= data.length) {
    const len = data.readUInt32LE(off);
    const sum = data.readUInt32LE(off + 4);
    if (len < 2 || off + HEADER + len > data.length) break;
    const payload = data.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload) !== sum) break;
    const plen = payload[1]!;
    if (2 + plen > len) break;
    records.push({
      format: payload[0] === 0 ? 'protobuf' : 'json',
      projectId: payload.subarray(2, 2 + plen).toString('utf8'),
      body: Buffer.from(payload.subarray(2 + plen)),
    });
    off += HEADER + len;
  }
  return { records, validBytes: off };
}

const segmentName = (id: number) => `${String(id).padStart(12, '0')}.wal`;

export class Wal {
  private queue: Pending[] = [];
  private flushing = false;
  private handle!: FileHandle;
  private active = 0;
  private activeBytes = 0;
  private activeSince = Date.now();
  private refs = new Map<number, number>();
  private sealed = new Set<number>();
  private closed = false;
  readonly replaySegments: number[];

  private constructor(
    readonly dir: string,
    private readonly opts: WalOptions,
    existing: number[],
  ) {
    this.replaySegments = existing;
    for (const id of existing) {
      this.sealed.add(id);
      this.refs.set(id, 1); // guard until replay of this segment ends
    }
    this.active = (existing.at(-1) ?? 0) + 1;
  }

  static async open(dir: string, opts: WalOptions): Promise<Wal> {
    mkdirSync(dir, { recursive: true });
    const existing = readdirSync(dir)
      .filter((f) => /^\d{12}\.wal$/.test(f))
      .map((f) => Number(f.slice(0, 12)))
      .sort((a, b) => a - b);
    const wal = new Wal(dir, opts, existing);
    wal.handle = await open(join(dir, segmentName(wal.active)), 'a');
    return wal;
  }

  /** Records of a segment left by a previous run (call `endReplay` once its rows are queued). */
  readSegment(id: number): WalRecord[] {
    return decodeSegment(readFileSync(join(this.dir, segmentName(id)))).records;
  }

  endReplay(id: number): void {
    this.release(id, 1);
  }

  /** Appends durably; resolves with the segment id, which holds `rows` references until released. */
  append(record: WalRecord, rows: number): Promise<number> {
    if (this.closed) return Promise.reject(new Error('WAL is closed'));
    const buf = encodeRecord(record);
    return new Promise((resolve, reject) => {
      this.queue.push({ buf, rows, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  retain(segment: number, rows: number): void {
    this.refs.set(segment, (this.refs.get(segment) ?? 0) + rows);
  }

  /** Rows of `segment` are now stored; a sealed segment with no references left is deleted. */
  release(segment: number, rows: number): void {
    const left = (this.refs.get(segment) ?? 0) - rows;
    if (left > 0) {
      this.refs.set(segment, left);
      return;
    }
    this.refs.delete(segment);
    if (this.sealed.has(segment)) {
      this.sealed.delete(segment);
      try {
        unlinkSync(join(this.dir, segmentName(segment)));
      } catch {
        /* already gone */
      }
    }
  }

  /** Bytes in segments not yet deletable (for metrics and back-pressure). */
  get segmentsOutstanding(): number {
    return this.refs.size;
  }

  private async rotateIfDue(): Promise<void> {
    const maxBytes = this.opts.segmentBytes ?? 64 * 1024 * 1024;
    const maxAge = this.opts.segmentMaxAgeMs ?? 10_000;
    if (this.activeBytes === 0) return;
    if (this.activeBytes < maxBytes && Date.now() - this.activeSince < maxAge) return;
    await this.handle.close();
    const old = this.active;
    this.active++;
    this.activeBytes = 0;
    this.activeSince = Date.now();
    this.handle = await open(join(this.dir, segmentName(this.active)), 'a');
    this.sealed.add(old);
    if (!this.refs.has(old)) this.release(old, 0);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        await this.rotateIfDue();
        const batch = this.queue.splice(0);
        try {
          await this.handle.writev(batch.map((p) => p.buf));
          if (this.opts.fsync) await this.handle.datasync();
        } catch (err) {
          for (const p of batch) p.reject(err as Error);
          continue;
        }
        for (const p of batch) {
          this.activeBytes += p.buf.length;
          this.retain(this.active, p.rows);
          p.resolve(this.active);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Seals the active segment so it can be deleted once drained (used at shutdown and by timers). */
  async tick(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    try {
      await this.rotateIfDue();
    } finally {
      this.flushing = false;
    }
    if (this.queue.length > 0) void this.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    await this.handle.close();
    // An empty active segment carries nothing; remove it so restarts do not pile up files.
    if (this.activeBytes === 0) {
      try {
        unlinkSync(join(this.dir, segmentName(this.active)));
      } catch {
        /* ignore */
      }
    }
  }
}
