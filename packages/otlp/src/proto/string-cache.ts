import { decodeUtf8 } from '../utf8.ts';
import { bytesToHex } from '../hex.ts';

/*
 * Direct-mapped cache from a byte sequence to its decoded string. OTLP batches repeat the same
 * attribute keys, low-cardinality values ("openai", "POST") and trace ids over and over; a hit
 * returns the already-built string, so the hot path allocates nothing and equal values share
 * one string downstream. A slot is indexed by a hash of the bytes and verified against a copy
 * of them, so a collision only costs a miss. Memory is bounded: slots × maxBytes.
 */
export class ByteStringCache {
  private readonly strings: (string | undefined)[];
  private readonly lengths: Int32Array;
  private readonly pool: Uint8Array;
  private readonly poolView: DataView;
  private readonly mask: number;

  constructor(
    slots: number,
    readonly maxBytes: number,
    private readonly kind: 'utf8' | 'key' | 'hex',
  ) {
    if ((slots & (slots - 1)) !== 0) throw new Error('slots must be a power of two');
    this.strings = new Array<string | undefined>(slots).fill(undefined);
    this.lengths = new Int32Array(slots).fill(-1);
    this.pool = new Uint8Array(slots * maxBytes);
    this.poolView = new DataView(this.pool.buffer);
    this.mask = slots - 1;
  }

  /**
   * String for `buf[start, end)` (`view` is a DataView of `buf`); the caller ensures
   * `end - start <= maxBytes`. Hashing and verifying go 4 bytes at a time.
   */
  get(view: DataView, buf: Uint8Array, start: number, end: number): string {
    const n = end - start;
    const wordsEnd = start + (n & ~3);
    let h = n;
    let i = start;
    for (; i < wordsEnd; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 0x01000193);
    for (; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const slot = (h ^ (h >>> 16)) & this.mask;
    const base = slot * this.maxBytes;
    if (this.lengths[slot] === n) {
      const poolView = this.poolView;
      let j = base;
      i = start;
      while (i < wordsEnd && poolView.getInt32(j, true) === view.getInt32(i, true)) {
        i += 4;
        j += 4;
      }
      if (i === wordsEnd) {
        const pool = this.pool;
        while (i < end && pool[j] === buf[i]) {
          i++;
          j++;
        }
        if (i === end) return this.strings[slot]!;
      }
    }
    const s = this.decode(buf, start, end);
    this.strings[slot] = s;
    this.lengths[slot] = n;
    this.pool.set(buf.subarray(start, end), base);
    return s;
  }

  private decode(buf: Uint8Array, start: number, end: number): string {
    if (this.kind === 'hex') return bytesToHex(buf, start, end);
    const s = decodeUtf8(buf, start, end);
    return this.kind === 'key' ? internalize(s) : s;
  }
}

/**
 * V8 hands back the internalized copy of a string once it has been used as a property key;
 * caching that copy spares every later property store the hash-and-intern step.
 */
function internalize(s: string): string {
  const o: Record<string, number> = {};
  o[s] = 0;
  return Object.keys(o)[0] ?? s;
}
