import { describe, expect, it } from 'vitest';
import { Lines } from './lines.ts';

describe('Lines', () => {
  it('holds UTF-8 lines back to back, any run of rows as one view, growing as needed', () => {
    const texts = ['["a",1]\n', '["é — ü",2]\n', '["😀 \\" x",3]\n', `["${'z'.repeat(5000)}",4]\n`, '["last",5]\n'];
    const lines = new Lines(16); // forces several regrowths
    const sizes = texts.map((t) => lines.push(t));
    expect(sizes).toEqual(texts.map((t) => Buffer.byteLength(t)));
    expect(lines.count).toBe(5);
    expect(lines.length).toBe(Buffer.byteLength(texts.join('')));
    expect(lines.bytes().equals(Buffer.from(texts.join('')))).toBe(true);
    for (let from = 0; from <= 5; from++) {
      for (let to = from; to <= 5; to++) expect(lines.bytes(from, to).toString()).toBe(texts.slice(from, to).join(''));
    }
    expect(texts.map((_, i) => lines.line(i))).toEqual(texts);
  });
});
