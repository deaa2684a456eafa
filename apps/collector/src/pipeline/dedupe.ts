import type { SpanRow } from '@plumb/store';

/**
 * Recently seen (project, trace id, span id) keys, so a batch an exporter re-sends after a
 * timeout is dropped before it costs an insert. Two generations give an LRU-like window of
 * `capacity`–`2×capacity` keys in bounded memory. This is the first line only: the table
 * (ReplacingMergeTree + FINAL) collapses what gets past it (restarts, other collectors).
 *
 * Keys are exact, packed into 7 int32 words (a project number, the trace id's 16 bytes, the
 * span id's 8) in open-addressed typed-array tables: nothing for the garbage collector to trace.
 * The Sets of key strings this replaces held up to a million strings in the old generation
 * (~180 MiB), and marking them was ~10 % of the collector's CPU in the ingest bench.
 *
 * `filter` returns the packed keys of the fresh rows and `mark` takes them back after the rows
 * are durable, so a key is built once per span.
 */
export class RecentSpans {
  private current: KeyTable;
  private previous: KeyTable;
  private readonly projects = new Map<string, number>();
  private readonly scratch = new Int32Array(WORDS);

  constructor(private readonly capacity = 500_000) {
    this.current = new KeyTable(capacity);
    this.previous = new KeyTable(capacity);
  }

  has(r: SpanRow): boolean {
    const k = this.scratch;
    return this.pack(r, k, 0) && (this.current.has(k, 0) || this.previous.has(k, 0));
  }

  /**
   * Splits rows into those not seen before (also unique within the batch) and a duplicate count;
   * `keys` holds the packed keys of the fresh rows that have one, for `mark`.
   */
  filter(rows: SpanRow[]): { fresh: SpanRow[]; keys: Int32Array; duplicates: number } {
    const fresh: SpanRow[] = [];
    const keys = new Int32Array(rows.length * WORDS);
    const inBatch = new KeyTable(rows.length);
    let n = 0;
    for (const r of rows) {
      const at = n * WORDS;
      if (!this.pack(r, keys, at)) {
        fresh.push(r); // not a well-formed id: never dropped here (the table collapses repeats)
        continue;
      }
      if (this.current.has(keys, at) || this.previous.has(keys, at) || !inBatch.add(keys, at)) continue;
      fresh.push(r);
      n++;
    }
    return { fresh, keys: keys.subarray(0, n * WORDS), duplicates: rows.length - fresh.length };
  }

  /** Marks keys (from `filter`) as seen — only after their rows are durable, so a failed request can be retried. */
  mark(keys: Int32Array): void {
    for (let at = 0; at < keys.length; at += WORDS) {
      if (this.current.size >= this.capacity) {
        const emptied = this.previous;
        emptied.clear();
        this.previous = this.current;
        this.current = emptied;
      }
      this.current.add(keys, at);
    }
  }

  /** Marks rows as seen (WAL replay). */
  markRows(rows: readonly SpanRow[]): void {
    const keys = new Int32Array(rows.length * WORDS);
    let n = 0;
    for (const r of rows) if (this.pack(r, keys, n * WORDS)) n++;
    this.mark(keys.subarray(0, n * WORDS));
  }

  /** Writes the row's key at `out[at..at+7)`; false when an id is not lowercase hex of the W3C length. */
  private pack(r: SpanRow, out: Int32Array, at: number): boolean {
    let p = this.projects.get(r.projectId);
    if (p === undefined) {
      p = this.projects.size + 1;
      this.projects.set(r.projectId, p);
    }
    out[at] = p;
    return hexWords(r.traceId, 32, out, at + 1) && hexWords(r.spanId, 16, out, at + 5);
  }
}

const WORDS = 7;

/** `hex` (exactly `chars` lowercase hex digits) as chars / 8 int32 words at out[at…]. */
function hexWords(hex: string, chars: number, out: Int32Array, at: number): boolean {
  if (hex.length !== chars) return false;
  for (let w = 0; w < chars / 8; w++) {
    let v = 0;
    for (let i = w * 8; i < w * 8 + 8; i++) {
      const c = hex.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return false;
      v = (v << 4) | d;
    }
    out[at + w] = v;
  }
  return true;
}

/**
 * A set of 7-word keys: open addressing with linear probing over at least twice as many slots
 * as keys it is meant to hold (kept at most half full by RecentSpans' generations). Word 0 of a
 * key is a project number ≥ 1, so 0 marks an empty slot.
 */
class KeyTable {
  private readonly slots: Int32Array;
  private readonly mask: number;
  size = 0;

  constructor(capacity: number) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.slots = new Int32Array(n * WORDS);
    this.mask = n - 1;
  }

  has(k: Int32Array, at: number): boolean {
    return this.find(k, at) >= 0;
  }

  /** Adds the key; false when it was already there. */
  add(k: Int32Array, at: number): boolean {
    const i = this.find(k, at);
    if (i >= 0) return false;
    const base = ~i * WORDS;
    for (let w = 0; w < WORDS; w++) this.slots[base + w] = k[at + w]!;
    this.size++;
    return true;
  }

  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  /** The slot holding the key, or ~(the empty slot where it would go). */
  private find(k: Int32Array, at: number): number {
    let h = 0x811c9dc5;
    for (let w = 0; w < WORDS; w++) h = Math.imul(h ^ k[at + w]!, 0x01000193);
    h ^= h >>> 15;
    const s = this.slots;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const base = i * WORDS;
      if (s[base] === 0) return ~i;
      if (
        s[base] === k[at] && s[base + 1] === k[at + 1] && s[base + 2] === k[at + 2] && s[base + 3] === k[at + 3] &&
        s[base + 4] === k[at + 4] && s[base + 5] === k[at + 5] && s[base + 6] === k[at + 6]
      ) {
        return i;
      }
    }
  }
}
