import { describe, expect, it } from 'vitest';
import { hasIsolatedPoint } from './series.ts';

describe('hasIsolatedPoint', () => {
  it('finds a value between empty buckets, or a lone value', () => {
    expect(hasIsolatedPoint([{ p: null }, { p: 5 }, { p: null }], 'p')).toBe(true);
    expect(hasIsolatedPoint([{ p: 5 }], 'p')).toBe(true);
    expect(hasIsolatedPoint([{ p: 5 }, { p: null }, { p: 1 }], 'p')).toBe(true);
  });
  it('is false for connected series and empty ones', () => {
    expect(hasIsolatedPoint([{ p: 1 }, { p: 2 }, { p: null }], 'p')).toBe(false);
    expect(hasIsolatedPoint([{ p: null }, {}], 'p')).toBe(false);
  });
});
