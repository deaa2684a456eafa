import type { LineOut } from '@plumb/store';

/**
 * A batch's serialized rows, one line each, UTF-8 in one growing Buffer: the batch holds bytes
 * (outside the JS heap), not a string per row. Holding ~10k row strings until their insert made
 * them survive young-generation collections into the old one, and the insert then joined them
 * into one more string and copied that into a Buffer; here each row's string dies young and the
 * insert body is a view of this buffer (no join, no copy).
 *
 * Row i is bytes [starts[i], starts[i + 1]) (the last ends at `length`), so any run of rows is
 * one contiguous view: the writer's bisection of a refused batch slices without copying.
 */
export class Lines implements LineOut {
  private buf: Buffer;
  private readonly starts: number[] = [];
  /** Bytes written. */
  length = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, capacity));
  }

  /** Rows held. */
  get count(): number {
    return this.starts.length;
  }

  /** Appends one line (it carries its own trailing newline); returns its UTF-8 byte length. */
  push(line: string): number {
    // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair: 4 bytes for 2 units).
    this.reserve(line.length * 3);
    const n = this.buf.write(line, this.length);
    this.starts.push(this.length);
    this.length += n;
    return n;
  }

  /**
   * Appends one line given as UTF-8 bytes then ASCII text (a metric series' cached constant part
   * and the point's own values); returns its byte length.
   */
  pushHead(head: Uint8Array, asciiTail: string): number {
    this.reserve(head.length + asciiTail.length);
    const start = this.length;
    this.buf.set(head, start);
    const n = head.length + this.buf.write(asciiTail, start + head.length, 'latin1');
    this.starts.push(start);
    this.length += n;
    return n;
  }

  private reserve(bytes: number): void {
    const need = this.length + bytes;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
  }

  /** Rows [from, to) as one view of the buffer (valid until the next push that grows it). */
  bytes(from = 0, to = this.count): Buffer {
    if (from >= to) return this.buf.subarray(0, 0);
    const end = to < this.starts.length ? this.starts[to]! : this.length;
    return this.buf.subarray(this.starts[from]!, end);
  }

  /** Row i as text (logs). */
  line(i: number): string {
    return this.bytes(i, i + 1).toString('utf8');
  }
}
