import { describe, expect, it } from 'vitest';
import { fromColumns, pack, toColumns, unpack } from './packed.ts';

describe('packed columns', () => {
  const rows = [
    { id: 'a', trace: 't1', n: 1, links: [] as string[], ttft: null as number | null },
    { id: 'b', trace: 't1', n: 2, links: [], ttft: null },
    { id: 'c', trace: 't1', n: 2, links: ['x'], ttft: 3 },
  ];

  it('round-trips records, keys and order, through JSON', () => {
    expect(fromColumns(unpack(pack(toColumns(rows))))).toEqual(rows);
    expect(fromColumns(toColumns([]))).toEqual([]);
  });

  it('writes a value shared by every record once, never an object (they are distinct values)', () => {
    const c = toColumns(rows).columns;
    expect(c.trace).toEqual({ same: 't1' });
    expect(c.id).toEqual(['a', 'b', 'c']);
    expect(Array.isArray(c.links)).toBe(true);
    const decoded = fromColumns(toColumns([{ links: [] as string[] }, { links: [] as string[] }]));
    expect(decoded[0]!.links).not.toBe(decoded[1]!.links);
  });
});
