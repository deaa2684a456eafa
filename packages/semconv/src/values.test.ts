import { describe, expect, it } from 'vitest';
import { unflatten } from './flattened.ts';
import { norm } from './test-span.ts';
import { inclusiveUsage } from './usage.ts';
import { asCount, asText, truncate } from './values.ts';

describe('token coercion', () => {
  it.each([
    [12, 12],
    [12n, 12],
    ['12', 12],
    [12.9, 12],
    [-5, 0],
    [-5n, 0],
    ['-3', 0],
  ])('asCount(%s) = %s', (v, expected) => {
    expect(asCount(v)).toBe(expected);
  });

  it.each([[NaN], ['abc'], [''], [true], [null], [undefined], [Infinity], [[1]]])('asCount(%s) is "not reported"', (v) => {
    expect(asCount(v as never)).toBeNaN();
  });

  it('turns unusable token attributes into 0 and falls through to the next key', () => {
    const n = norm({
      attributes: {
        'gen_ai.usage.input_tokens': 'n/a',
        'gen_ai.usage.prompt_tokens': '64',
        'gen_ai.usage.output_tokens': -4,
      },
    });
    expect(n).toMatchObject({ inputTokens: 64, outputTokens: 0 });
  });

  it('leaves consistent inclusive buckets unchanged', () => {
    expect(inclusiveUsage({ input: 100, output: 10, cacheRead: 60, cacheWrite: 40, reasoning: 10, total: NaN })).toEqual({
      input: 100,
      output: 10,
      cacheRead: 60,
      cacheWrite: 40,
      reasoning: 10,
    });
  });

  it('adds reasoning to output when output is visibly exclusive', () => {
    expect(inclusiveUsage({ input: 5, output: 3, cacheRead: NaN, cacheWrite: NaN, reasoning: 8, total: NaN }).output).toBe(11);
  });
});

describe('content text', () => {
  it('truncates to maxTextLength without splitting surrogate pairs', () => {
    expect(truncate('abcdef', 3)).toBe('abc');
    expect(truncate('a😀b', 2)).toBe('a');
    expect(norm({ maxTextLength: 5, attributes: { 'input.value': 'hello world' } }).inputText).toBe('hello');
  });

  it('serializes bigint and bytes inside structured content', () => {
    expect(asText({ n: 1n, b: new Uint8Array([1, 2]) }, 100)).toBe('{"n":"1","b":"AQI="}');
    expect(asText([], 100)).toBe('');
  });

  it('unflattens nested indexed keys with prototype-less objects', () => {
    const attrs = {
      'p.1.role': 'b',
      'p.0.role': 'a',
      'p.0.tool_calls.0.name': 'f',
      'p.0.__proto__.polluted': 'x',
    };
    const out = unflatten('p.', Object.keys(attrs), attrs);
    expect(JSON.stringify(out)).toBe(
      '[{"role":"a","tool_calls":{"0":{"name":"f"}},"__proto__":{"polluted":"x"}},{"role":"b"}]',
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
