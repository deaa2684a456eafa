import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@plumb/store';
import { listen } from '../http/server.ts';
import { startTestCollector, type TestCollector } from '../testing.ts';
import { parseScrapeTarget, Scraper } from './scraper.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
let t: TestCollector;
let exporter: Server;
let base: string;
let page = 'dcgm-exporter.prom';
const STAMP_MS = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
beforeAll(async () => {
  t = await startTestCollector();
  exporter = createServer((req, res) => {
    if (req.url === '/broken') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('foo{a="1" 3\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    // The fixture's explicit sample timestamp (2026-01-01) moved to an hour ago: inside the
    // retention window whenever the test runs (metric points expire like spans).
    res.end(readFileSync(join(FIXTURES, page), 'utf8').replaceAll(' 1767225600000', ` ${STAMP_MS}`));
  });
  base = `http://127.0.0.1:${await listen(exporter, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  await new Promise<void>((r) => exporter?.close(() => r()));
  await t?.stop();
});

describe('Prometheus scraper', () => {
  it('stores a dcgm-exporter page as normalized GPU points (two GPUs, host and pod from labels)', async () => {
    page = 'dcgm-exporter.prom';
    const scraper = new Scraper(t.collector, [parseScrapeTarget(`dcgm=${base}/metrics`)], { intervalMs: 60_000, projectId: 'default', log: () => {} });
    await scraper.scrape(parseScrapeTarget(`dcgm=${base}/metrics`));
    await t.collector.flush();
    expect(scraper.stats.get(`${base}/metrics`)).toMatchObject({ ok: 1, failed: 0 });
    const rows = await t.store.query<{ canonical: string; canonical_value: number; gpu_index: string; host: string; k8s_pod: string; gpu_model: string; type: string; monotonic: boolean }>(
      sql`SELECT canonical, canonical_value, gpu_index, host, k8s_pod, gpu_model, type, monotonic FROM metric_points FINAL
          WHERE service = 'dcgm' AND canonical != '' ORDER BY canonical, gpu_index`,
    );
    const util = rows.filter((r) => r.canonical === 'gpu.utilization');
    expect(util.map((r) => [r.gpu_index, r.canonical_value])).toEqual([['0', 0.87], ['1', 0.12]]);
    expect(util[0]).toMatchObject({ host: 'gpu-node-a', k8s_pod: 'vllm-llama-0', gpu_model: 'NVIDIA A100-SXM4-80GB', type: 'gauge' });
    expect(rows.find((r) => r.canonical === 'gpu.memory.used_bytes' && r.gpu_index === '0')?.canonical_value).toBe(72147 * 1024 * 1024);
    expect(rows.find((r) => r.canonical === 'gpu.tensor_active' && r.gpu_index === '0')?.canonical_value).toBe(0.4123);
    const [energy] = await t.store.query<{ type: string; monotonic: boolean; temporality: string }>(
      sql`SELECT type, monotonic, temporality FROM metric_points FINAL WHERE name = 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION' LIMIT 1`,
    );
    expect(energy).toEqual({ type: 'sum', monotonic: true, temporality: 'cumulative' });
  });

  it('stores vLLM histograms with their labels, de-accumulated buckets, sum and count; summaries with quantiles', async () => {
    page = 'vllm.prom';
    const target = parseScrapeTarget(`vllm=${base}/metrics`);
    const scraper = new Scraper(t.collector, [target], { intervalMs: 60_000, projectId: 'default', log: () => {} });
    await scraper.scrape(target);
    await t.collector.flush();
    const [ttft] = await t.store.query<{ bounds: number[]; bucket_counts: number[]; count: number; sum: number; model_name: string; canonical: string }>(
      sql`SELECT bounds, bucket_counts, count, sum, model_name, canonical FROM metric_points FINAL WHERE name = 'vllm:time_to_first_token_seconds'`,
    );
    expect(ttft).toEqual({ bounds: [0.04, 0.1, 0.5, 1, 5], bucket_counts: [10, 40, 120, 30, 5, 1], count: 206, sum: 71.25, model_name: 'meta-llama/Llama-3.1-8B-Instruct', canonical: 'inference.ttft_seconds' });
    const [waiting] = await t.store.query<{ canonical_value: number }>(sql`SELECT canonical_value FROM metric_points FINAL WHERE name = 'vllm:num_requests_waiting'`);
    expect(waiting?.canonical_value).toBe(23);
    const [summary] = await t.store.query<{ quantiles: number[]; quantile_values: number[]; count: number }>(
      sql`SELECT quantiles, quantile_values, count FROM metric_points FINAL WHERE name = 'rpc_duration_seconds'`,
    );
    expect(summary).toEqual({ quantiles: [0.5, 0.99], quantile_values: [0.0021, 0.019], count: 4096 });
    // The sample's own timestamp is kept.
    const [stamped] = await t.store.query<{ t: string }>(sql`SELECT toString(time) AS t FROM metric_points FINAL WHERE name = 'escaped_label_total'`);
    expect(stamped?.t).toBe(`${new Date(STAMP_MS).toISOString().slice(0, 19).replace('T', ' ')}.000000000`);
  });

  it('counts a failed scrape (unparseable page, unreachable target) and logs it once', async () => {
    const logs: string[] = [];
    const broken = parseScrapeTarget(`${base}/broken`);
    const down = parseScrapeTarget('http://127.0.0.1:9/metrics');
    const scraper = new Scraper(t.collector, [broken, down], { intervalMs: 1_000, projectId: 'default', log: (m) => logs.push(m) });
    await scraper.scrape(broken);
    await scraper.scrape(broken);
    await scraper.scrape(down);
    expect(scraper.stats.get(broken.url)).toMatchObject({ ok: 0, failed: 2 });
    expect(scraper.stats.get(down.url)?.failed).toBe(1);
    expect(logs.filter((l) => l.includes('/broken'))).toHaveLength(1);
    expect(logs[0]).toMatch(/line 1/);
    expect(scraper.render()).toContain(`plumb_collector_scrapes_total{target="${broken.url}",outcome="failed"} 2`);
  });

  it('parses target entries and refuses a bad one naming it', () => {
    expect(parseScrapeTarget('http://gpu-1:9400/metrics')).toEqual({ job: 'gpu-1:9400', url: 'http://gpu-1:9400/metrics' });
    expect(parseScrapeTarget('vllm=http://v:8000/metrics?x=1')).toEqual({ job: 'vllm', url: 'http://v:8000/metrics?x=1' });
    expect(() => parseScrapeTarget('gpu-1:9400')).toThrow(/PLUMB_SCRAPE_TARGETS entry "gpu-1:9400"/);
  });
});
