import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SERVED_MODEL, GpuDemo } from './gpu.ts';

// The demo's GPU metrics over real HTTP: what reaches /v1/metrics agrees with the recorded calls.
type Body = { resourceMetrics: { resource: { attributes: { key: string; value: { stringValue: string } }[] }; scopeMetrics: { metrics: Record<string, unknown>[] }[] }[] };
const bodies: Body[] = [];
let server: Server;
let endpoint = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/metrics') bodies.push(JSON.parse(s) as Body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const metric = (name: string) => bodies.flatMap((b) => b.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics))).filter((m) => m.name === name);
const lastPoint = (name: string) => {
  const m = metric(name).at(-1) as { sum?: { dataPoints: { asDouble: number }[] }; histogram?: { dataPoints: { count: string; bucketCounts: string[] }[] } };
  return m.sum?.dataPoints.at(-1) ?? m.histogram?.dataPoints.at(-1);
};

describe('demo GPU metrics', () => {
  it('a run shorter than a sample step still ends with a sample that counts its calls', async () => {
    const now = Date.now();
    const gpu = new GpuDemo({ endpoint, historyMs: 60_000, stepMs: 10_000, startMs: now });
    await gpu.flush(now); // the quiet history
    gpu.record({ startMs: now + 100, endMs: now + 1_600, inputTokens: 500, outputTokens: 40, ttftMs: 120 });
    gpu.record({ startMs: now + 200, endMs: now + 2_200, inputTokens: 300, outputTokens: 60, ttftMs: 300 });
    await gpu.flush(now + 2_500, true);
    expect(gpu.failures).toBe(0);
    expect(lastPoint('vllm:prompt_tokens_total')).toMatchObject({ asDouble: 800 });
    expect(lastPoint('vllm:generation_tokens_total')).toMatchObject({ asDouble: 100 });
    expect(lastPoint('vllm:request_success_total')).toMatchObject({ asDouble: 2 });
    const ttft = lastPoint('vllm:time_to_first_token_seconds') as { count: string; bucketCounts: string[] };
    expect(ttft.count).toBe('2');
    expect(ttft.bucketCounts.reduce((s, c) => s + Number(c), 0)).toBe(2);
    // Served model label, both GPU nodes, dcgm names and labels.
    expect(JSON.stringify(metric('vllm:num_requests_running'))).toContain(DEMO_SERVED_MODEL);
    const hosts = new Set(bodies.flatMap((b) => b.resourceMetrics.map((rm) => rm.resource.attributes.find((a) => a.key === 'host.name')?.value.stringValue)));
    expect([...hosts].sort()).toEqual(['gpu-node-1', 'gpu-node-2']);
    expect(JSON.stringify(metric('DCGM_FI_DEV_GPU_UTIL')[0])).toContain('"UUID"');
  });
});
