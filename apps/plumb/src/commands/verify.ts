import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyBundle, type TraceBundle } from '@plumb/store';

/**
 * `plumb verify <bundle.json> [--public-key key.pem]`: checks a trace bundle offline (no store,
 * no network): every entry's hash and place in the chain, the signed counts and head, and the
 * Ed25519 signature. With --public-key (the project's key, from GET /api/v1/signing-keys), also
 * that the bundle was signed by that project. Exit 0 when intact, 1 with one line per problem.
 */
export function verify(args: string[]): void {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'public-key': { type: 'string' } } });
  const file = positionals[0];
  if (!file) throw new Error('usage: plumb verify <bundle.json> [--public-key key.pem]');
  let bundle: TraceBundle;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8')) as TraceBundle;
  } catch (err) {
    throw new Error(`cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  const key = values['public-key'] ? readFileSync(values['public-key'], 'utf8') : undefined;
  const v = verifyBundle(bundle, key);
  const what = `${v.counts.span} spans, ${v.counts.price} prices, ${v.counts.correction} corrections; project ${JSON.stringify(bundle.projectId)}; key ${v.keyFingerprint.slice(0, 16)}…`;
  if (v.ok) {
    console.log(`plumb verify: OK — ${what}${key ? ' (signed with the given public key)' : ' (integrity only: pass --public-key to check who signed it)'}`);
    return;
  }
  console.error(`plumb verify: FAILED — ${what}`);
  for (const p of v.problems) console.error(`  - ${p}`);
  process.exitCode = 1;
}
