import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The dashboard's client components import `@plumb/alerts` (formatting, links): everything
 * reachable from index.ts must bundle for the browser, so no `node:` built-in may be imported
 * there. Server-only helpers (egress.ts: node:net) are the `@plumb/alerts/egress` subpath.
 * `next build` would fail on it, but only the e2e step runs that.
 */
const here = dirname(fileURLToPath(import.meta.url));

function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) reachable(resolve(dirname(file), m[1]!), seen);
  return seen;
}

describe('@plumb/alerts index is browser-safe', () => {
  it('imports no node: built-in, directly or through its own modules', () => {
    const files = [...reachable(join(here, 'index.ts'))];
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((f) => /from\s+['"]node:/.test(readFileSync(f, 'utf8'))).map((f) => f.slice(here.length + 1));
    expect(offenders).toEqual([]);
  });
});
