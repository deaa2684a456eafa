import { expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

it.each([
  ['/traces?range=1h', '/traces?range=1h'],
  [null, '/'],
  ['', '/'],
  ['https://evil.example', '/'],
  ['//evil.example/x', '/'],
  ['/\\evil.example', '/'],
  ['javascript:alert(1)', '/'],
])('safeNext(%j) = %j', (input, out) => expect(safeNext(input)).toBe(out));
