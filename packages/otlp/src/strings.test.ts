import { describe, expect, it } from 'vitest';
import { truncateUtf16, wellFormed } from './strings.ts';

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

describe('wellFormed', () => {
  it('replaces lone surrogates with U+FFFD and keeps pairs', () => {
    expect(wellFormed('a\ud83db')).toBe('a\ufffdb');
    expect(wellFormed('\ude00x')).toBe('\ufffdx');
    expect(wellFormed('x\ud83d')).toBe('x\ufffd');
    expect(wellFormed('ok \ud83d\ude00')).toBe('ok \ud83d\ude00');
    expect(wellFormed('plain')).toBe('plain');
  });
});

describe('truncateUtf16', () => {
  it('never cuts inside a surrogate pair', () => {
    const s = 'abc\ud83d\ude00def';
    expect(truncateUtf16(s, 4)).toBe('abc');
    expect(truncateUtf16(s, 5)).toBe('abc\ud83d\ude00');
    expect(truncateUtf16(s, 100)).toBe(s);
    expect(truncateUtf16(s, 0)).toBe('');
    for (let max = 0; max <= s.length; max++) expect(isWellFormed(truncateUtf16(s, max))).toBe(true);
  });
});
