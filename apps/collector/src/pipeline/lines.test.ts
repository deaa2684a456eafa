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

  it('appends a line given as UTF-8 head bytes and an ASCII tail, between whole lines', () => {
    const lines = new Lines(8);
    lines.push('["é",1]\n');
    expect(lines.pushHead(Buffer.from('N["ü 😀",'), '"2026-01-01 00:00:00.000000001",2]\n')).toBe(Buffer.byteLength('N["ü 😀","2026-01-01 00:00:00.000000001",2]\n'));
    lines.push('["z",3]\n');
    expect([0, 1, 2].map((i) => lines.line(i))).toEqual(['["é",1]\n', 'N["ü 😀","2026-01-01 00:00:00.000000001",2]\n', '["z",3]\n']);
    expect(lines.bytes().toString()).toBe('["é",1]\nN["ü 😀","2026-01-01 00:00:00.000000001",2]\n["z",3]\n');
  });
});
