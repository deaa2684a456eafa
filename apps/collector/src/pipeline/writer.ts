import { insertSpanBatch, serializeResourceRow, serializeSpanRow, type SpanRow, type Store } from '@plumb/store';
import type { CollectorMetrics } from '../metrics.ts';
import type { Wal } from '../wal.ts';
import { Lines } from './lines.ts';

/**
 * What a writer writes: spans (the default) or metric points. Both carry a resource written
 * once per hash to `span_resources` before the rows that reference it.
 */
export interface RowSink<R> {
  /** For logs: "span", "metric point". */
  what: string;
  /** Appends the row's line to the batch; returns its byte length. */
  write(row: R, lines: Lines): number;
  /** `project hash` of the row's resource, and its `span_resources` line. */
  resourceKey(row: R): string;
  serializeResource(row: R): string;
  insert(store: Store, rows: Buffer, resources: Buffer | null): Promise<void>;
  /** Counts rows stored and rows dropped as refused by the store. */
  counted(metrics: CollectorMetrics, written: number, dropped: number): void;
  /** An id of a serialized row, for the log line of a dropped row. */
  idOf(line: string): string;
}

export const SPAN_SINK: RowSink<SpanRow> = {
  what: 'span',
  write: (r, lines) => lines.push(serializeSpanRow(r)),
  resourceKey: (r) => `${r.projectId} ${r.resourceHash}`,
  serializeResource: (r) => serializeResourceRow(r.projectId, r.resourceHash, r.resourceAttributes),
  insert: insertSpanBatch,
  counted(metrics, written, dropped) {
    metrics.spansWritten.inc({}, written);
    if (dropped) metrics.spansRejected.inc({ reason: 'store_rejected' }, dropped);
  },
  idOf: (line) => `span ${spanIdOf(line)}`,
};

export interface WriterOptions {
  maxRows: number;
  maxDelayMs: number;
  /**
   * Attempts an isolated one-row insert gets while the store is shown to be up (the probe
   * succeeds) before the row is dropped as one the store will never take. Default 3.
   */
  rowAttempts?: number;
  /** No insert progress for this long with rows queued: `stuck` (health endpoints). Default 30 s. */
  stuckAfterMs?: number;
  /** First retry delay; doubles per attempt up to MAX_RETRY_MS. Default 200 ms. */
  retryBaseMs?: number;
}

/** Longest wait between insert attempts: a store that comes back is used again within this. */
const MAX_RETRY_MS = 5_000;

/** Thrown inside the writer when `close` gave up waiting: the batch stays in the WAL. */
class WriterAborted extends Error {}

interface Batch {
  /** One `spans` line per row, serialized into one buffer. */
  lines: Lines;
  /** `span_resources` lines of resources first seen in this batch (written before the spans). */
  resources: string[];
  /** WAL segment of each row. */
  segs: number[];
  bytes: number;
  rows: number;
}

/** Largest starting buffer of a batch (a replayed or backed-up batch may be larger; it grows). */
const MAX_START_CAPACITY = 32 * 1024 * 1024;
/** A new batch whose buffer starts at `capacity` bytes (from the previous batch's size: no regrowth). */
const emptyBatch = (capacity?: number): Batch => ({
  lines: new Lines(Math.min(capacity ?? 0, MAX_START_CAPACITY)), resources: [], segs: [], bytes: 0, rows: 0,
});

/** Resource hashes this process has queued for writing; past this many, it starts over. */
const MAX_KNOWN_RESOURCES = 100_000;

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
 * ClickHouse errors that say the store (not the data) is in trouble: memory, too many parts,
 * timeouts, read-only replicas, disk space, Keeper. A batch hitting these is retried as a whole
 * for as long as it takes (the writer reports itself stuck meanwhile) and never dropped, even when
 * a probe succeeds: dropping acknowledged spans because the store was overloaded would lose data.
 * File I/O failures of the engine (74, 75, 76: EMFILE, EIO on its part files) count as store-side,
 * and so does a schema the rows do not fit (16 no such column, 60 unknown table, 81 unknown
 * database): a table renamed away or a migration not yet applied is the store's problem, and
 * dropping the rows would lose acknowledged spans.
 */
const STORE_SIDE_CODES = new Set(['16', '60', '81', '74', '75', '76', '159', '164', '173', '202', '209', '210', '236', '241', '242', '243', '252', '319', '394', '425', '999']);
function isStoreSideError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code !== undefined && STORE_SIDE_CODES.has(String(code));
}

const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0]!;
/** The span id of a serialized row (third column of JSONCompactEachRow) for logs. */
function spanIdOf(line: string): string {
  try {
    const v = (JSON.parse(line) as unknown[])[2];
    return typeof v === 'string' ? v : '?';
  } catch {
    return '?';
  }
}

/**
 * Batches rows into large inserts (≥ maxRows, or after maxDelayMs), one insert at a time.
 *
 * Failure handling (the writer never spins on a row):
 * - a permanent code (the data is unacceptable) → the batch is split in halves until the rows the
 *   store refuses are isolated; those are dropped, logged with their span id, counted
 *   (`store_rejected`);
 * - any other error → a probe decides whether the store is down: ping, then re-inserting the last
 *   row stored by this writer (a known-good row; the re-insert is idempotent: same sorting key and
 *   `_version`, and trace_index counts uniqExact span ids). Probe fails, or a store-side code →
 *   the store is down: `unhealthy` (the receiver answers 503), back-off, retry the same rows,
 *   never drop. Probe succeeds → the data is suspect: bisect; a single row that fails
 *   `rowAttempts` times with the store up is dropped like a permanent one.
 * - No insert progress for `stuckAfterMs` with rows queued → `stuck` (/healthz, /readyz).
 * - `close(timeoutMs)` returns within its bound whatever the store does; rows not stored keep their
 *   WAL references, so their segments are replayed at the next start.
 *
 * After each insert the WAL references of its rows are released. (Late trace context is not
 * corrected here: every insert feeds `trace_context`, and the worker's corrections job rewrites
 * rows from the store.)
 */
export class Writer<R = SpanRow> {
  private batch = emptyBatch();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private closed = false;
  private readonly abort = new AbortController();
  /** Last time rows left the backlog (stored or dropped), or the backlog went from empty to not. */
  private progressAt = Date.now();
  /** The last row this writer stored (a copy of its bytes): the known-good probe. */
  private lastGood: Buffer | null = null;
  backlogBytes = 0;
  backlogRows = 0;
  /** `project hash` of resources already queued: each resource is written once per process
   *  (another collector or a restart writes it again; span_resources collapses the copies). */
  private readonly knownResources = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly opts: WriterOptions,
    private readonly wal: Wal | null,
    private readonly metrics: CollectorMetrics,
    private readonly log: (msg: string) => void = console.error,
    private readonly sink: RowSink<R> = SPAN_SINK as unknown as RowSink<R>,
  ) {}

  /** True while inserts are failing: the receiver should shed load. */
  get unhealthy(): boolean {
    return this.failures > 0;
  }

  /** Rows are queued and none has been stored or dropped for `stuckAfterMs`. */
  get stuck(): boolean {
    return this.backlogRows > 0 && this.stalledMs > (this.opts.stuckAfterMs ?? 30_000);
  }

  /** How long the queued rows have waited without progress (0 when nothing is queued). */
  get stalledMs(): number {
    return this.backlogRows > 0 ? Date.now() - this.progressAt : 0;
  }

  enqueue(rows: { row: R; segment: number }[]): void {
    if (this.backlogRows === 0) this.progressAt = Date.now();
    const b = this.batch;
    const sink = this.sink;
    for (const q of rows) {
      const r = q.row;
      const resourceKey = sink.resourceKey(r);
      if (!this.knownResources.has(resourceKey)) {
        if (this.knownResources.size >= MAX_KNOWN_RESOURCES) this.knownResources.clear();
        this.knownResources.add(resourceKey);
        const res = sink.serializeResource(r);
        b.resources.push(res);
        b.bytes += res.length;
        this.backlogBytes += res.length;
      }
      const n = sink.write(r, b.lines);
      b.bytes += n;
      b.rows++;
      b.segs.push(q.segment);
      this.backlogBytes += n;
    }
    this.backlogRows += rows.length;
    this.metrics.queueRows.set(this.backlogRows);
    this.metrics.inflightBytes.set(this.backlogBytes);
    if (b.rows >= this.opts.maxRows) this.kick();
    else if (!this.timer && b.rows > 0) this.timer = setTimeout(() => this.kick(), this.opts.maxDelayMs);
  }

  private kick(force = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.running) {
      this.running = this.loop(force)
        .catch((err: unknown) => {
          if (!(err instanceof WriterAborted)) this.log(`plumb collector: writer loop failed: ${(err as Error).stack ?? err}`);
        })
        .finally(() => (this.running = null));
    }
  }

  /** Waits `ms`, or less when `close` gives up; throws WriterAborted then. */
  private async sleep(ms: number): Promise<void> {
    const signal = this.abort.signal;
    if (!signal.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, ms);
        function done() {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done);
      });
    }
    if (signal.aborted) throw new WriterAborted('writer closed');
  }

  private pending(): boolean {
    return this.batch.rows > 0;
  }

  /** Inserts batches back to back while full ones wait (or everything, when forced). */
  private async loop(force: boolean): Promise<void> {
    do {
      const batch = this.batch;
      this.batch = emptyBatch(batch.lines.length + (batch.lines.length >> 3));
      if (batch.rows > 0) await this.insertWithRetry(batch);
    } while (this.batch.rows >= this.opts.maxRows || ((force || this.closed) && this.pending()));
    if (this.pending() && !this.timer) this.timer = setTimeout(() => this.kick(), this.opts.maxDelayMs);
  }

  private async insertWithRetry(batch: Batch): Promise<void> {
    const dropped = await this.insertOrIsolate(batch.lines, 0, batch.rows, batch.resources);
    this.failures = 0;
    this.progressAt = Date.now();
    this.backlogBytes -= batch.bytes;
    this.backlogRows -= batch.rows;
    this.sink.counted(this.metrics, batch.rows - dropped, dropped);
    this.metrics.queueRows.set(this.backlogRows);
    this.metrics.inflightBytes.set(this.backlogBytes);
    if (this.wal) {
      const counts = new Map<number, number>();
      for (const s of batch.segs) counts.set(s, (counts.get(s) ?? 0) + 1);
      for (const [segment, n] of counts) this.wal.release(segment, n);
    }
  }

  /** The one insert call of the writer: the batch's new resources (if any), then its rows. */
  private async insertLines(body: Buffer, resources: string[] = []): Promise<void> {
    const resourceBody = resources.length > 0 ? Buffer.from(resources.join(''), 'utf8') : null;
    await this.sink.insert(this.store, body, resourceBody);
  }

  /** Whether the store is up: a ping, then the known-good row re-inserted (idempotent). */
  private async probe(): Promise<boolean> {
    try {
      const ping = await this.store.client.ping();
      if (!ping.success) return false;
      if (this.lastGood !== null) await this.insertLines(this.lastGood);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Inserts rows [from, to) of `lines` (and the batch's new resources, at the top level only:
   * halves retried after a bisection carry none, so a resource row the store refuses costs its
   * resource, never the spans); returns how many rows were dropped as unacceptable to the store.
   */
  private async insertOrIsolate(lines: Lines, from: number, to: number, resources: string[] = []): Promise<number> {
    const rows = to - from;
    const rowAttempts = this.opts.rowAttempts ?? 3;
    const base = this.opts.retryBaseMs ?? 200;
    let rowFailures = 0;
    for (let attempt = 0; ; attempt++) {
      if (this.abort.signal.aborted) throw new WriterAborted('writer closed');
      const t0 = performance.now();
      let err: unknown;
      try {
        await this.insertLines(lines.bytes(from, to), resources);
        this.metrics.insertSeconds.observe((performance.now() - t0) / 1000);
        // A copy: the batch's buffer is dropped after its insert.
        this.lastGood = Buffer.from(lines.bytes(to - 1, to));
        this.progressAt = Date.now();
        return 0;
      } catch (e) {
        err = e;
      }
      this.metrics.insertErrors.inc();
      const permanent = isPermanentInsertError(err);
      // Without a known-good row yet, an error that is no engine answer (no numeric code: a
      // socket error, a closed client) is taken as the store's, never as the row's.
      const engineAnswer = /^\d+$/.test(String((err as { code?: unknown }).code ?? ''));
      const storeDown =
        !permanent && (isStoreSideError(err) || (this.lastGood === null && !engineAnswer) || !(await this.probe()));
      if (storeDown) {
        this.failures++;
        const wait = Math.min(MAX_RETRY_MS, base * 2 ** Math.min(attempt, 8));
        this.log(`plumb collector: insert of ${rows} ${this.sink.what}s failed, store unavailable (attempt ${attempt + 1}, retrying in ${wait} ms): ${firstLine(err)}`);
        await this.sleep(wait);
        continue;
      }
      this.failures = 0; // the store answers: this is about the rows, not the store
      if (rows > 1) {
        const mid = from + Math.ceil(rows / 2);
        return (await this.insertOrIsolate(lines, from, mid)) + (await this.insertOrIsolate(lines, mid, to));
      }
      rowFailures++;
      if (permanent || rowFailures >= rowAttempts) {
        const line = lines.line(from);
        this.log(
          `plumb collector: dropping a ${this.sink.what} the store rejects (${this.sink.idOf(line)}, ${rowFailures} attempt(s)): ${firstLine(err)} — row: ${line.slice(0, 300)}`,
        );
        this.progressAt = Date.now();
        return 1;
      }
      await this.sleep(Math.min(MAX_RETRY_MS, base * 2 ** (rowFailures - 1)));
    }
  }

  /** Writes everything queued (shutdown, tests, replay). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.kick(true);
    // kick() sets `running`; tsc keeps the loop's narrowing to null across the call.
    // eslint-disable-next-line @typescript-eslint/await-thenable
    while (this.running) await this.running;
  }

  /**
   * Writes what it can within `timeoutMs`, then stops retrying. `complete: false` means rows are
   * still queued; their WAL segments were not released, so the next start replays them.
   */
  async close(timeoutMs = 10_000): Promise<{ complete: boolean }> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const outcome = await Promise.race([this.flush().then(() => 'flushed' as const), deadline]);
    clearTimeout(timer);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (outcome === 'timeout') this.abort.abort();
    return { complete: outcome === 'flushed' && !this.pending() && this.backlogRows === 0 };
  }
}
