import { describe, expect, it } from 'vitest';
import { ByteStringCache } from './string-cache.ts';

const enc = new TextEncoder();

function lookup(cache: ByteStringCache, s: string, pad = 3): string {
  // Place the bytes at an offset inside a larger buffer, as in a real request.
  const bytes = enc.encode(s);
  const buf = new Uint8Array(bytes.length + 2 * pad).fill(0x41);
  buf.set(bytes, pad);
  return cache.get(new DataView(buf.buffer), buf, pad, pad + bytes.length);
}

describe('ByteStringCache', () => {
  it('returns the right string under constant slot collisions', () => {
    const cache = new ByteStringCache(2, 32, 'utf8');
    const words = ['a', 'b', 'ab', 'ba', 'abcd', 'abce', 'abcde', 'äöü', '日本', '', 'x'.repeat(32)];
    for (let round = 0; round < 3; round++) {
      for (const w of words) expect(lookup(cache, w)).toBe(w);
    }
  });

  it('finds the same bytes at any offset and tells near-misses apart', () => {
    const cache = new ByteStringCache(64, 32, 'key');
    const first = lookup(cache, 'gen_ai.request.model', 1);
    const second = lookup(cache, 'gen_ai.request.model', 9);
    expect(second).toBe(first);
    expect(lookup(cache, 'gen_ai.request.modem')).toBe('gen_ai.request.modem');
  });

  it('hex-encodes in hex mode', () => {
    const cache = new ByteStringCache(16, 16, 'hex');
    const buf = Uint8Array.from([0, 0xab, 0x10, 0xff]);
    expect(cache.get(new DataView(buf.buffer), buf, 0, 4)).toBe('00ab10ff');
  });

  it('requires a power-of-two slot count', () => {
    expect(() => new ByteStringCache(3, 8, 'utf8')).toThrow(/power of two/);
  });
});
