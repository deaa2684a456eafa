import { SPAN_COLUMNS, correctTraceContext, serializeSpanRow, type Store } from '@plumb/store';
import type { CollectorMetrics } from '../metrics.ts';
import type { Wal } from '../wal.ts';
import type { ContextCorrection, QueuedRow } from './types.ts';

export interface WriterOptions {
  maxRows: number;
  maxDelayMs: number;
}

interface Batch {
  parts: string[];
  /** WAL segment of each part (row). */
  segs: number[];
  bytes: number;
  rows: number;
}

const emptyBatch = (): Batch => ({ parts: [], segs: [], bytes: 0, rows: 0 });

/**
 * ClickHouse errors that retrying cannot fix: the data itself is unacceptable (parse, type,
 * range, enum). Anything else (store down, timeouts, memory) is retried.
 */
const PERMANENT_CODES = new Set(['6', '26', '27', '32', '36', '38', '41', '53', '69', '70', '72', '117', '321', '349', '691']);
export function isPermanentInsertError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code !== undefined && PERMANENT_CODES.has(String(code));
}

/**
 * Batches rows into large inserts (≥ maxRows, or after maxDelayMs), one insert at a time.
 * A failed insert is retried with back-off and its rows stay in memory and in the WAL; the
 * receiver sees `backlogBytes` grow and answers 503 past its limit. A batch the store rejects
 * for its data is split in halves until the rows it cannot take are isolated; those are
 * dropped, logged and counted, so one bad row never blocks the pipeline. After each insert the WAL
 * references of its rows are released, and queued context corrections run (they must see the
 * rows they correct, so they always follow the insert that carried them).
 */
export class Writer {
  private batch = emptyBatch();
  private timer: NodeJS.Timeout | null = null;
  private corrections: ContextCorrection[] = [];
  private running: Promise<void> | null = null;
  private failures = 0;
  private closed = false;
  backlogBytes = 0;
  backlogRows = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: WriterOptions,
    private readonly wal: Wal | null,
    private readonly metrics: CollectorMetrics,
    private readonly log: (msg: string) => void = console.error,
  ) {}

  /** True while inserts are failing: the receiver should shed load. */
  get unhealthy(): boolean {
    return this.failures > 0;
  }

  enqueue(rows: QueuedRow[]): void {
    const b = this.batch;
    for (const q of rows) {
      const line = serializeSpanRow(q.row);
      b.parts.push(line);
      b.bytes += line.length;
      b.rows++;
      b.segs.push(q.segment);
      this.backlogBytes += line.length;
    }
    this.backlogRows += rows.length;
    this.metrics.queueRows.set(this.backlogRows);
    this.metrics.inflightBytes.set(this.backlogBytes);
    if (b.rows >= this.opts.maxRows) this.kick();
    else if (!this.timer && b.rows > 0) this.timer = setTimeout(() => this.kick(), this.opts.maxDelayMs);
  }

  correct(c: ContextCorrection): void {
    this.corrections.push(c);
    if (!this.timer) this.timer = setTimeout(() => this.kick(), this.opts.maxDelayMs);
  }

  private kick(force = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.running) this.running = this.loop(force).finally(() => (this.running = null));
  }

  private pending(): boolean {
    return this.batch.rows > 0 || this.corrections.length > 0;
  }

  /** Inserts batches back to back while full ones wait (or everything, when forced). */
  private async loop(force: boolean): Promise<void> {
    do {
      const batch = this.batch;
      this.batch = emptyBatch();
      const corrections = this.corrections.splice(0);
      if (batch.rows > 0) await this.insertWithRetry(batch);
      for (const c of corrections) await this.correctWithRetry(c);
    } while (this.batch.rows >= this.opts.maxRows || ((force || this.closed) && this.pending()));
    if (this.pending() && !this.timer) this.timer = setTimeout(() => this.kick(), this.opts.maxDelayMs);
  }

  private async insertWithRetry(batch: Batch): Promise<void> {
    const dropped = await this.insertOrIsolate(batch.parts);
    this.failures = 0;
    this.backlogBytes -= batch.bytes;
    this.backlogRows -= batch.rows;
    this.metrics.spansWritten.inc({}, batch.rows - dropped);
    if (dropped) this.metrics.spansRejected.inc({ reason: 'store_rejected' }, dropped);
    this.metrics.queueRows.set(this.backlogRows);
    this.metrics.inflightBytes.set(this.backlogBytes);
    if (this.wal) {
      const counts = new Map<number, number>();
      for (const s of batch.segs) counts.set(s, (counts.get(s) ?? 0) + 1);
      for (const [segment, n] of counts) this.wal.release(segment, n);
    }
  }

  /** Inserts `parts`; returns how many rows were dropped as unacceptable to the store. */
  private async insertOrIsolate(parts: string[]): Promise<number> {
    const body = Buffer.from(parts.join(''), 'utf8');
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      try {
        await this.store.insertRaw('spans', SPAN_COLUMNS, body);
        this.metrics.insertSeconds.observe((performance.now() - t0) / 1000);
        return 0;
      } catch (err) {
        this.metrics.insertErrors.inc();
        if (isPermanentInsertError(err)) {
          if (parts.length === 1) {
            this.log(`plumb collector: dropping a span the store rejects: ${(err as Error).message.split('\n')[0]} — row: ${parts[0]!.slice(0, 300)}`);
            return 1;
          }
          const mid = Math.ceil(parts.length / 2);
          return (await this.insertOrIsolate(parts.slice(0, mid))) + (await this.insertOrIsolate(parts.slice(mid)));
        }
        this.failures++;
        const wait = Math.min(30_000, 200 * 2 ** Math.min(attempt, 8));
        this.log(`plumb collector: insert of ${parts.length} spans failed (attempt ${attempt + 1}, retrying in ${wait} ms): ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private async correctWithRetry(c: ContextCorrection): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await correctTraceContext(this.store, c.projectId, c.traceId, c.context, c.fromNs, c.toNs);
        this.metrics.contextCorrections.inc();
        return;
      } catch (err) {
        this.log(`plumb collector: context correction for trace ${c.traceId} failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }

  /** Writes everything queued (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.kick(true);
    // kick() sets `running`; tsc keeps the loop's narrowing to null across the call.
    // eslint-disable-next-line @typescript-eslint/await-thenable
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
  }
}
