import type { SpanRow } from '@plumb/store';

/**
 * Recently seen (project, trace id, span id) keys, so a batch an exporter re-sends after a
 * timeout is dropped before it costs an insert. Two generations of Sets give an LRU-like
 * window of `capacity`–`2×capacity` keys in bounded memory. This is the first line only: the
 * table (ReplacingMergeTree + FINAL) collapses what gets past it (restarts, other collectors).
 */
export class RecentSpans {
  private current = new Set<string>();
  private previous = new Set<string>();
  constructor(private readonly capacity = 500_000) {}

  private static key(r: SpanRow): string {
    return `${r.projectId}/${r.traceId}${r.spanId}`;
  }

  has(r: SpanRow): boolean {
    const k = RecentSpans.key(r);
    return this.current.has(k) || this.previous.has(k);
  }

  /** Splits rows into those not seen before (also unique within the batch) and a duplicate count. */
  filter(rows: SpanRow[]): { fresh: SpanRow[]; duplicates: number } {
    const fresh: SpanRow[] = [];
    const inBatch = new Set<string>();
    for (const r of rows) {
      const k = RecentSpans.key(r);
      if (this.current.has(k) || this.previous.has(k) || inBatch.has(k)) continue;
      inBatch.add(k);
      fresh.push(r);
    }
    return { fresh, duplicates: rows.length - fresh.length };
  }

  /** Marks rows as seen — only after they are durable, so a failed request can be retried. */
  mark(rows: SpanRow[]): void {
    for (const r of rows) {
      if (this.current.size >= this.capacity) {
        this.previous = this.current;
        this.current = new Set();
      }
      this.current.add(RecentSpans.key(r));
    }
  }
}
