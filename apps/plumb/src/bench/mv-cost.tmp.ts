// Throwaway (not committed): ingest cost of the 0011 score-extraction views, A/B interleaved.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backfill } from '@plumb/demo';
import { loadMigrations, sql, Store } from '@plumb/store';

const store = await Store.open({ target: { kind: 'embedded', path: join(mkdtempSync(join(tmpdir(), 'mvcost-')), 'ch') }, cluster: '', retentionDays: 3650 });
await store.migrate();
const mig = loadMigrations().find((m) => m.name.startsWith('0011'))!;
const views = mig.statements.filter((s) => s.includes('MATERIALIZED VIEW'));
void readFileSync;
const rates: Record<string, number[]> = { with: [], without: [] };
let end = Date.now() - 3_600_000;
for (let round = 0; round < 3; round++) {
  for (const mode of ['with', 'without'] as const) {
    if (mode === 'without') for (const v of ['scores_otel_mv', 'scores_openinference_mv']) await store.command(sql`DROP VIEW IF EXISTS ${sql([v] as unknown as TemplateStringsArray)}`);
    else for (const v of views) await store.client.command({ query: v });
    const r = await backfill(store, { days: 1, spans: 300_000, seed: round * 2 + (mode === 'with' ? 0 : 1), endMs: end });
    end -= 86_400_000;
    rates[mode]!.push(r.spansPerSec);
    console.log(mode, Math.round(r.spansPerSec));
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
console.log(`median spans/s with views ${Math.round(med(rates.with!))}, without ${Math.round(med(rates.without!))}, ratio ${(med(rates.with!) / med(rates.without!)).toFixed(3)}`);
await store.close();
