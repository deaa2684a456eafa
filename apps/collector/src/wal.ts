import { join } from 'node:path';
import { decodeSegment, encodeRecord, segmentHeader, type DecodedSegment, type WalRecord } from './wal-format.ts';
import { nodeWalFs, type WalFile, type WalFs } from './wal-fs.ts';

export { decodeSegment, encodeRecord, WalFormatError, type DecodedSegment, type WalFormat, type WalRecord, type WalSignal } from './wal-format.ts';
export { nodeWalFs, type WalFile, type WalFs } from './wal-fs.ts';

/**
 * Write-ahead log: a request is acknowledged once its body is appended and fsynced here, so the
 * insert batch window never sits in the exporter's latency, and a crash loses nothing that was
 * acknowledged. Appends are group-committed (one write + one fsync for everything queued
 * meanwhile). Format: wal-format.ts.
 *
 * Contract of `append`: it resolves only when every byte of the record was written (short writes
 * are continued) and fsynced. On any write or fsync error the segment is truncated back to the
 * last good offset and the append rejects (the receiver answers 503 + Retry-After, never 200); an
 * fsync error, or a truncate that failed, also moves the next append to a fresh segment (after a
 * failed fsync the kernel may have dropped the dirty pages, so the old file is not trusted
 * further). Segment files are opened lazily; the next segment is created (header written, file and
 * directory fsynced) BEFORE the current one is closed, so a failed open (EMFILE, ENOSPC) only
 * rejects the queued appends and the next append tries again. Nothing here throws into a floating
 * promise.
 *
 * A sealed segment is deleted once every row it carried has been inserted (reference counts by
 * segment); a segment whose rows were not all stored stays and is replayed at the next start.
 */
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
  /** The file layer (tests inject faults here); node:fs by default. */
  fs?: WalFs;
  log?: (msg: string) => void;
  /** Called for each failed write/fsync/open (metrics). */
  onError?: (op: 'write' | 'fsync' | 'open', err: Error) => void;
}

const segmentName = (id: number) => `${String(id).padStart(12, '0')}.wal`;

export class Wal {
  private queue: Pending[] = [];
  private flushing = false;
  private handle: WalFile | null = null;
  /** Id of the open segment (meaningful while `handle` is set). */
  private active = 0;
  /** Next id to create; only grows, so a half-created file is never reused. */
  private nextId: number;
  /** Bytes of the active segment known good (header + complete, fsynced records). */
  private offset = 0;
  private recordBytes = 0;
  private activeSince = Date.now();
  /** The active segment must not be written further (fsync failed, or a torn tail stayed). */
  private mustRotate = false;
  private refs = new Map<number, number>();
  /** Bytes of each segment still on disk (acknowledged data not yet all inserted, or active). */
  private sizes = new Map<number, number>();
  private bytesOnDisk = 0;
  private sealed = new Set<number>();
  private closed = false;
  private readonly fs: WalFs;
  private readonly log: (msg: string) => void;
  readonly replaySegments: number[];

  private constructor(
    readonly dir: string,
    private readonly opts: WalOptions,
    existing: number[],
  ) {
    this.fs = opts.fs ?? nodeWalFs;
    this.log = opts.log ?? console.error;
    this.replaySegments = existing;
    for (const id of existing) {
      this.sealed.add(id);
      this.refs.set(id, 1); // guard until replay of this segment ends
    }
    this.nextId = (existing.at(-1) ?? 0) + 1;
  }

  static async open(dir: string, opts: WalOptions): Promise<Wal> {
    const fs = opts.fs ?? nodeWalFs;
    await fs.mkdir(dir);
    const existing = (await fs.readdir(dir))
      .filter((f) => /^\d{12}\.wal$/.test(f))
      .map((f) => Number(f.slice(0, 12)))
      .sort((a, b) => a - b);
    return new Wal(dir, opts, existing);
  }

  /**
   * Records of a segment left by a previous run, with what was skipped as corrupt (call
   * `endReplay` once its rows are queued). Throws WalFormatError for a version this build cannot read.
   */
  async readSegment(id: number): Promise<DecodedSegment> {
    const buf = await this.fs.readFile(join(this.dir, segmentName(id)));
    this.grow(id, buf.length - (this.sizes.get(id) ?? 0));
    return decodeSegment(buf);
  }

  private grow(id: number, bytes: number): void {
    this.sizes.set(id, (this.sizes.get(id) ?? 0) + bytes);
    this.bytesOnDisk += bytes;
  }

  /** Bytes of the segments not yet deleted: the backlog a store outage lets grow (admission bound). */
  get backlogBytes(): number {
    return this.bytesOnDisk;
  }

  endReplay(id: number): void {
    this.release(id, 1);
  }

  /** Appends durably; resolves with the segment id, which holds `rows` references until released. */
  append(record: WalRecord, rows: number): Promise<number> {
    if (this.closed) return Promise.reject(new Error('WAL is closed'));
    let buf: Buffer;
    try {
      buf = encodeRecord(record);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ buf, rows, resolve, reject });
      if (!this.flushing) this.startFlush();
    });
  }

  retain(segment: number, rows: number): void {
    this.refs.set(segment, (this.refs.get(segment) ?? 0) + rows);
  }

  /** Rows of `segment` are now stored; a sealed segment with no references left is deleted. */
  release(segment: number, rows: number): void {
    void this.releaseAndDelete(segment, rows);
  }

  /** `release`, resolving once a segment it made deletable is gone (never rejects). */
  private async releaseAndDelete(segment: number, rows: number): Promise<void> {
    const left = (this.refs.get(segment) ?? 0) - rows;
    if (left > 0) {
      this.refs.set(segment, left);
      return;
    }
    this.refs.delete(segment);
    if (!this.sealed.has(segment)) return;
    this.sealed.delete(segment);
    this.bytesOnDisk -= this.sizes.get(segment) ?? 0;
    this.sizes.delete(segment);
    try {
      await this.fs.unlink(join(this.dir, segmentName(segment)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log(`plumb collector: could not delete WAL segment ${segment}: ${(err as Error).message}`);
      }
    }
  }

  /** Segments not yet deletable (for metrics). */
  get segmentsOutstanding(): number {
    return this.refs.size;
  }

  private startFlush(): void {
    this.flushing = true;
    this.flush()
      .catch((err: unknown) => this.log(`plumb collector: WAL flush failed: ${(err as Error).stack ?? err}`))
      .finally(() => {
        this.flushing = false;
        // Appends queued after the loop's last check (or before an unexpected failure) still run.
        if (this.queue.length > 0 && !this.closed) this.startFlush();
      });
  }

  /** Creates segment `id` (header written and fsynced, directory fsynced); removes it on failure. */
  private async createSegment(id: number): Promise<WalFile> {
    const path = join(this.dir, segmentName(id));
    let file: WalFile;
    try {
      file = await this.fs.create(path);
    } catch (err) {
      this.opts.onError?.('open', err as Error);
      throw err;
    }
    try {
      await this.writeAll(file, segmentHeader(), 0);
      if (this.opts.fsync) {
        await file.datasync();
        await this.fs.syncDir(this.dir);
      }
      return file;
    } catch (err) {
      this.opts.onError?.('open', err as Error);
      await file.close().catch(() => {});
      await this.fs.unlink(path).catch(() => {});
      throw err;
    }
  }

  /** Makes sure a writable segment is open, rotating when due; the old one is closed only after. */
  private async ensureSegment(): Promise<WalFile> {
    const maxBytes = this.opts.segmentBytes ?? 64 * 1024 * 1024;
    const maxAge = this.opts.segmentMaxAgeMs ?? 10_000;
    const due =
      this.mustRotate || (this.recordBytes > 0 && (this.offset >= maxBytes || Date.now() - this.activeSince >= maxAge));
    if (this.handle && !due) return this.handle;
    const id = this.nextId++;
    const file = await this.createSegment(id); // throws: the current segment stays as it is
    if (this.handle) await this.seal(this.handle, this.active);
    this.handle = file;
    this.active = id;
    this.offset = segmentHeader().length;
    this.recordBytes = 0;
    this.activeSince = Date.now();
    this.mustRotate = false;
    return file;
  }

  private async seal(file: WalFile, id: number): Promise<void> {
    await file.close().catch((err: Error) => this.log(`plumb collector: closing WAL segment ${id}: ${err.message}`));
    this.sealed.add(id);
    if (!this.refs.has(id)) await this.releaseAndDelete(id, 0);
  }

  /** Writes all of `buf` at `position`, continuing short writes. */
  private async writeAll(file: WalFile, buf: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < buf.length) {
      const n = await file.write(done === 0 ? buf : buf.subarray(done), position + done);
      if (!(n > 0)) throw Object.assign(new Error(`short write: ${done} of ${buf.length} bytes written`), { code: 'EIO' });
      done += n;
    }
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      // Segment first, batch second: the await lets appends made by the continuations of the
      // previous batch join this one (group commit; taking the batch first halves it).
      let file: WalFile;
      try {
        file = await this.ensureSegment();
      } catch (err) {
        for (const p of this.queue.splice(0)) p.reject(err as Error);
        continue;
      }
      const batch = this.queue.splice(0);
      try {
        await this.commit(file, batch.length === 1 ? batch[0]!.buf : Buffer.concat(batch.map((p) => p.buf)));
      } catch (err) {
        for (const p of batch) p.reject(err as Error);
        continue;
      }
      for (const p of batch) {
        this.retain(this.active, p.rows);
        p.resolve(this.active);
      }
    }
  }

  /** Writes and fsyncs `buf` at the end of the good bytes; on failure cuts the file back to them. */
  private async commit(file: WalFile, buf: Buffer): Promise<void> {
    const start = this.offset;
    let op: 'write' | 'fsync' = 'write';
    try {
      await this.writeAll(file, buf, start);
      op = 'fsync';
      if (this.opts.fsync) await file.datasync();
    } catch (err) {
      this.opts.onError?.(op, err as Error);
      if (op === 'fsync') this.mustRotate = true;
      try {
        await file.truncate(start);
      } catch (terr) {
        // Positional writes overwrite the torn bytes anyway; a fresh segment keeps replay simple.
        this.mustRotate = true;
        this.log(`plumb collector: could not truncate WAL segment ${this.active} after a failed ${op}: ${(terr as Error).message}`);
      }
      throw err;
    }
    this.offset = start + buf.length;
    this.recordBytes += buf.length;
    this.grow(this.active, buf.length);
  }

  /** Seals the active segment when it is due, so it can be deleted once drained (timer). */
  async tick(): Promise<void> {
    if (this.flushing || this.closed || !this.handle || this.recordBytes === 0) return;
    const maxAge = this.opts.segmentMaxAgeMs ?? 10_000;
    if (Date.now() - this.activeSince < maxAge && this.offset < (this.opts.segmentBytes ?? 64 * 1024 * 1024)) return;
    // Close the due segment without opening the next: the next append opens one lazily.
    this.flushing = true;
    try {
      const file = this.handle;
      this.handle = null;
      await this.seal(file, this.active);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.startFlush();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    for (const p of this.queue.splice(0)) p.reject(new Error('WAL is closed'));
    const file = this.handle;
    this.handle = null;
    if (!file) return;
    // Sealed like any other: deleted now when every row it carried is stored (a graceful stop
    // that drained the writer leaves nothing to replay), kept for the next start otherwise.
    await this.seal(file, this.active);
  }
}
