import { describe, expect, it } from 'vitest';
import { attrToString } from './attr-string.ts';
import { base64Decode, base64Encode } from './base64.ts';
import type { AttrValue } from './types.ts';

describe('attrToString', () => {
  it.each<[AttrValue, string]>([
    ['plain', 'plain'],
    ['', ''],
    [42, '42'],
    [-1.5, '-1.5'],
    [NaN, 'NaN'],
    [true, 'true'],
    [false, 'false'],
    [2n ** 63n - 1n, '9223372036854775807'],
    [null, ''],
    [new Uint8Array([0xde, 0xad, 0xbe, 0xef]), '3q2+7w=='],
    [['a', 1, true, null], '["a",1,true,null]'],
    [[1n << 60n, new Uint8Array([1]), Infinity], '["1152921504606846976","AQ==","Infinity"]'],
    [{ a: 'b', n: { x: [1, 2] } }, '{"a":"b","n":{"x":[1,2]}}'],
    [[], '[]'],
    [{}, '{}'],
  ])('%s → %s', (value, expected) => {
    expect(attrToString(value)).toBe(expected);
  });
});

describe('base64', () => {
  it('round-trips every length and agrees with Buffer', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const enc = base64Encode(bytes);
      expect(enc).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64Decode(enc)).toEqual(bytes);
      expect(base64Decode(enc.replace(/=+$/, ''))).toEqual(bytes);
      expect(base64Decode(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
    }
  });

  it.each(['a', 'ab$c', 'abc===', 'é'])('rejects %j', (s) => {
    expect(base64Decode(s)).toBeNull();
  });
});
