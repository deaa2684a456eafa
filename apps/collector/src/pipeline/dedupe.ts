import type { SpanRow } from '@plumb/store';

/**
 * Recently seen (project, trace id, span id) keys, so a batch an exporter re-sends after a
 * timeout is dropped before it costs an insert. Two generations of Sets give an LRU-like
 * window of `capacity`–`2×capacity` keys in bounded memory. This is the first line only: the
 * table (ReplacingMergeTree + FINAL) collapses what gets past it (restarts, other collectors).
 *
 * Each span's key is built once: `filter` returns the keys of the fresh rows, and `mark` takes
 * them back after the rows are durable (building the string twice was 6.6 % of the collector's
 * thread in a profile of the ingest bench).
 */
export class RecentSpans {
  private current = new Set<string>();
  private previous = new Set<string>();
  constructor(private readonly capacity = 500_000) {}

  static key(r: SpanRow): string {
    return `${r.projectId}/${r.traceId}${r.spanId}`;
  }

  has(r: SpanRow): boolean {
    const k = RecentSpans.key(r);
    return this.current.has(k) || this.previous.has(k);
  }

  /**
   * Splits rows into those not seen before (also unique within the batch) and a duplicate count;
   * `keys[i]` is the key of `fresh[i]`, for `mark`.
   */
  filter(rows: SpanRow[]): { fresh: SpanRow[]; keys: string[]; duplicates: number } {
    const fresh: SpanRow[] = [];
    const keys: string[] = [];
    const inBatch = new Set<string>();
    const { current, previous } = this;
    for (const r of rows) {
      const k = RecentSpans.key(r);
      if (current.has(k) || previous.has(k)) continue;
      if (inBatch.has(k)) continue;
      inBatch.add(k);
      keys.push(k);
      fresh.push(r);
    }
    return { fresh, keys, duplicates: rows.length - fresh.length };
  }

  /** Marks keys (from `filter` or `RecentSpans.key`) as seen — only after their rows are durable, so a failed request can be retried. */
  mark(keys: readonly string[]): void {
    for (const k of keys) {
      if (this.current.size >= this.capacity) {
        this.previous = this.current;
        this.current = new Set();
      }
      this.current.add(k);
    }
  }
}
