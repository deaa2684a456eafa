/**
 * Measures the backfill rate into a fresh embedded store:
 *   [ATTRIBUTES=full] [CHUNK=50000] [CONCURRENCY=2] npx tsx packages/demo/src/backfill-bench.ts [spans=10000000] [dir=<tmp>]
 * Prints generation-only throughput (rows serialized, nothing inserted), then the end-to-end rate.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog } from '@plumb/pricing';
import { Store, sql } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { backfill } from './backfill.ts';
import { SpanRowWriter } from './rows.ts';
import { Scenario } from './scenario.ts';

const target = Number(process.argv[2] ?? 10_000_000);
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'plumb-backfill-bench-'));

const genStart = performance.now();
const scenario = new Scenario(1);
const mode = process.env.ATTRIBUTES === 'full' ? 'full' : 'lean';
const writer = new SpanRowWriter('bench', new PriceCatalog(), Date.now(), mode);
let bytes = 0;
const now = Date.now();
for (let lines: string[] = []; writer.totals.spans < 500_000; lines = []) {
  for (let i = 0; i < 1000; i++) writer.write(scenario.next(), now, lines);
  bytes += Buffer.byteLength(lines.join(''));
}
const genSec = (performance.now() - genStart) / 1000;
console.log(`${mode} attributes; generate+serialize: ${Math.round(writer.totals.spans / genSec)} spans/s, ${Math.round(bytes / writer.totals.spans)} bytes/row`);

const store = await Store.open(testStoreConfig(dir));
await store.migrate();
let last = 0;
const result = await backfill(store, {
  chunkRows: Number(process.env.CHUNK ?? 50_000),
  attributes: mode,
  concurrency: Number(process.env.CONCURRENCY ?? 2),
  spans: target,
  seed: 1,
  onProgress: (p) => {
    if (p.spans - last >= 1_000_000) {
      last = p.spans;
      console.log(`  ${p.spans} spans, ${(p.elapsedMs / 1000).toFixed(1)} s, ${Math.round(p.spansPerSec)} spans/s`);
    }
  },
});
const [row] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM spans`);
console.log(
  `backfill: ${result.spans} spans (${result.traces} traces) in ${(result.elapsedMs / 1000).toFixed(1)} s = ${Math.round(result.spansPerSec)} spans/s; ` +
    `stored ${row!.n}; waited for inserts ${(result.insertWaitMs / 1000).toFixed(1)} s; cost $${result.costUsd}`,
);
await store.close();
