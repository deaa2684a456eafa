import type { AttrValue, Attributes } from '@plumb/otlp';
import { asCount, asString } from './values.ts';

/**
 * Every attribute key any table mentions gets a slot number at compile time. A span's attributes
 * are then scanned once (one Map lookup per key) into a slot array stamped with a generation
 * counter, and each canonical field resolves by walking its short list of slot numbers.
 */
export class KeyIndex {
  readonly slotOf = new Map<string, number>();
  /** Prefixes of flattened indexed families (`llm.input_messages.`), with the trailing dot. */
  readonly flatPrefixes: string[] = [];

  slot(key: string): number {
    let s = this.slotOf.get(key);
    if (s === undefined) {
      s = this.slotOf.size;
      this.slotOf.set(key, s);
    }
    return s;
  }

  slots(keys: readonly string[]): number[] {
    return keys.map((k) => this.slot(k));
  }

  table<T extends Record<string, readonly string[]>>(table: T): { [K in keyof T]: number[] } {
    const out = {} as { [K in keyof T]: number[] };
    for (const name of Object.keys(table) as (keyof T)[]) out[name] = this.slots(table[name]!);
    return out;
  }

  flatPrefix(family: string): string {
    const prefix = family.slice(0, -1); // 'a.b.*' → 'a.b.'
    if (!this.flatPrefixes.includes(prefix)) this.flatPrefixes.push(prefix);
    return prefix;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Reusable scratch state for one KeyIndex. normalizeSpan is synchronous, so one suffices. */
export class AttrScan {
  private readonly values: (AttrValue | undefined)[];
  private readonly stamps: Int32Array;
  private gen = 0;
  /** 1 at the (7-bit) first char code of each flattened-family prefix: a pre-filter. */
  private readonly flatFirst = new Uint8Array(128);
  /** Per flattened family: stamped with `gen` when the current span has a key of it. */
  private readonly flatSeen: Int32Array;
  attrs: Attributes = {};

  constructor(private readonly index: KeyIndex) {
    const n = index.slotOf.size;
    this.values = new Array<AttrValue | undefined>(n).fill(undefined);
    this.stamps = new Int32Array(n);
    this.flatSeen = new Int32Array(index.flatPrefixes.length);
    for (const p of index.flatPrefixes) this.flatFirst[p.charCodeAt(0) & 127] = 1;
  }

  load(attrs: Attributes): void {
    this.attrs = attrs;
    if (++this.gen === 0x7fffffff) {
      this.stamps.fill(0);
      this.flatSeen.fill(0);
      this.gen = 1;
    }
    const gen = this.gen;
    const values = this.values;
    const stamps = this.stamps;
    const slotOf = this.index.slotOf;
    const flatFirst = this.flatFirst;
    for (const key in attrs) {
      const s = slotOf.get(key);
      if (s !== undefined) {
        values[s] = attrs[key];
        stamps[s] = gen;
      } else if (flatFirst[key.charCodeAt(0) & 127] === 1) {
        this.markFlat(key, gen);
      }
    }
  }

  /** Unknown key: flag its flattened family (`<prefix><digit>…`), verifying once per family. */
  private markFlat(key: string, gen: number): void {
    const prefixes = this.index.flatPrefixes;
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      if (!isDigit(key.charCodeAt(p.length))) continue;
      if (this.flatSeen[i] === gen) return;
      if (key.startsWith(p)) {
        this.flatSeen[i] = gen;
        return;
      }
    }
  }

  /**
   * Keys of a flattened family on the current span (a second pass over the attributes, taken
   * only when the family is present and no better content source was).
   */
  flatKeys(prefix: string): string[] {
    const i = this.index.flatPrefixes.indexOf(prefix);
    if (i < 0 || this.flatSeen[i] !== this.gen) return [];
    const out: string[] = [];
    for (const key in this.attrs) {
      if (isDigit(key.charCodeAt(prefix.length)) && key.startsWith(prefix)) out.push(key);
    }
    return out;
  }

  get(slot: number): AttrValue | undefined {
    return this.stamps[slot] === this.gen ? this.values[slot] : undefined;
  }

  /** First non-empty scalar, as a string; '' if none. */
  str(slots: readonly number[]): string {
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (this.stamps[s] !== this.gen) continue;
      const v = asString(this.values[s]);
      if (v !== '') return v;
    }
    return '';
  }

  /** First present, non-null value (any type). */
  raw(slots: readonly number[]): AttrValue | undefined {
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (this.stamps[s] !== this.gen) continue;
      const v = this.values[s];
      if (v !== null && v !== undefined && v !== '') return v;
    }
    return undefined;
  }

  /** First numeric token count; NaN if none. */
  count(slots: readonly number[]): number {
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (this.stamps[s] !== this.gen) continue;
      const n = asCount(this.values[s]);
      if (n === n) return n;
    }
    return NaN;
  }

  /** True when any of the slots is present on the current span. */
  any(slots: readonly number[]): boolean {
    for (let i = 0; i < slots.length; i++) if (this.stamps[slots[i]!] === this.gen) return true;
    return false;
  }
}
