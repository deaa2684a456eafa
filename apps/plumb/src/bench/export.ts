import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportText, queryMetrics, sql, Store } from '@plumb/store';
import { rollupsJob } from '@plumb/worker';

export interface ExportBenchOptions {
  rows: number;
  days: number;
}

const HOUR = 3_600_000;

/**
 * `plumb bench export`: streams a cost export of `rows` rows (hourly × tenant × model over
 * `days` days: one model call per row, written straight into the engine) and reports rows/s and
 * the process RSS as the export advances (target ≥ 100k rows/s with flat memory). The data lives
 * in a temporary directory of its own.
 */
export async function benchExport(o: ExportBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-export-'));
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 3650 });
  await store.migrate();
  const hours = o.days * 24;
  const groups = Math.ceil(o.rows / hours);
  const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const start = end - hours * HOUR;
  console.log(`bench export: ${hours} hours × ${groups} tenant×model groups = ${(hours * groups).toLocaleString()} rows (one span each)…`);
  const t0 = performance.now();
  await store.command(sql`
    INSERT INTO spans (project_id, trace_id, span_id, is_root, name, start_time, end_time, duration_ns, tenant, request_type, provider, request_model,
      operation, category, usage_counted, input_tokens, output_tokens, cost_usd, pricing_status, price_id, _version)
    SELECT 'default', lower(hex(sipHash128(n))), lower(hex(sipHash64(n))), true, 'chat',
      toDateTime64(${start / 1000} + intDiv(n, ${groups}) * 3600 + (n % 3600), 9),
      toDateTime64(${start / 1000} + intDiv(n, ${groups}) * 3600 + (n % 3600) + 1, 9), 1000000000,
      concat('tenant-', toString(intDiv(n % ${groups}, 3))), 'chat', 'openai', ['gpt-4o', 'gpt-4o-mini', 'o3-mini'][((n % ${groups}) % 3) + 1],
      'chat', 'llm', true, 1000 + n % 997, 100 + n % 89, toDecimal64((1000 + n % 997) * 0.0000025 + (100 + n % 89) * 0.00001, 12), 'priced', 'genai-prices:openai/gpt-4o', 1
    FROM (SELECT number AS n FROM numbers(${hours * groups}))`);
  console.log(`  inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s; building rollups…`);
  await rollupsJob(() => {}).runOnce(store, new AbortController().signal, true);
  const total = await queryMetrics(store, { projectId: 'default', measures: ['cost_usd'], from: new Date(start), to: new Date(end), exactMoney: true });

  const rss: number[] = [];
  let rows = 0;
  let bytes = 0;
  const t1 = performance.now();
  const spec = { projectId: 'default', from: new Date(start), to: new Date(end), groupBy: ['tenant', 'model'], granularity: 'hour' as const };
  let nextReport = 100_000;
  for await (const chunk of exportText(store, spec, 'csv')) {
    bytes += chunk.length;
    // Count line ends without splitting the chunk (a split allocates a string per row and was a
    // measurable share of the timed loop).
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) rows++;
    if (rows >= nextReport) {
      rss.push(process.memoryUsage().rss);
      nextReport += 100_000;
    }
  }
  const secs = (performance.now() - t1) / 1000;
  rows -= 1; // header
  console.log(`  export: ${rows.toLocaleString()} rows, ${(bytes / 1e6).toFixed(0)} MB CSV in ${secs.toFixed(1)} s = ${Math.round(rows / secs).toLocaleString()} rows/s (target ≥ 100,000)`);
  console.log(`  RSS every 100k rows (MB): ${rss.map((r) => Math.round(r / 1e6)).join(' ')}`);
  console.log(`  semantic-layer total over the range: $${String(total.rows[0]?.cost_usd)}`);
  await store.close();
}
