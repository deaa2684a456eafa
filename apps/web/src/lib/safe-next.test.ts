import { expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

it.each([
  ['/traces?range=1h', '/traces?range=1h'],
  ['/traces/abc#span=1', '/traces/abc#span=1'],
  ['/sessions/a%2Fb', '/sessions/a%2Fb'],
  ['/', '/'],
])('keeps the same-origin path %j', (input, out) => expect(safeNext(input)).toBe(out));

// Every one of these is a way a browser (or the URL parser) turns "a path" into another origin,
// or into something that is not a navigation at all.
it.each([
  null,
  undefined,
  '',
  'https://evil.example',
  'http://evil.example/x',
  'HTTPS://evil.example',
  '//evil.example/x',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r/evil.example',
  '/\r\n/evil.example',
  ' //evil.example',
  '\t//evil.example',
  '/%09/evil.example',
  '%2F%2Fevil.example',
  '/%2F/evil.example',
  '/%5Cevil.example',
  '%5C%5Cevil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/x\r\nSet-Cookie: a=b',
  '/\u0000/evil.example',
  '/\u2028/evil.example',
  'evil.example',
  './/evil.example',
])('refuses %j', (input) => expect(safeNext(input)).toBe('/'));
