import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msToHrTime, runWorkload, type OtlpProtocol } from './otel.ts';
import { generateTraces } from './scenario.ts';

interface Received {
  path: string;
  contentType: string;
  auth: string;
  body: Buffer;
}

let server: Server;
let endpoint = '';
let received: Received[] = [];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const contentType = String(req.headers['content-type'] ?? '');
      received.push({ path: req.url ?? '', contentType, auth: String(req.headers.authorization ?? ''), body });
      if (contentType.includes('json')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface JsonSpan {
  traceId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}
interface JsonRequest {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: JsonSpan[] }[] }[];
}

async function run(protocol: OtlpProtocol) {
  received = [];
  const progress: number[] = [];
  const result = await runWorkload({
    endpoint, protocol, seed: 11, tracesPerSecond: 40, durationSec: 1,
    headers: { Authorization: 'Bearer test-key' },
    onProgress: (p) => progress.push(p.traces),
  });
  return { result, progress, requests: received };
}

describe('msToHrTime', () => {
  it('splits epoch ms into seconds and nanoseconds', () => {
    expect(msToHrTime(1_700_000_000_123.5)).toEqual([1_700_000_000, 123_500_000]);
    expect(msToHrTime(1_999.9999999999)).toEqual([2, 0]);
  });
});

describe('runWorkload', () => {
  it('delivers every span over OTLP/HTTP JSON, with the scenario ids and root-only tenant', async () => {
    const started = Date.now();
    const { result, progress, requests } = await run('http/json');
    expect(result.traces).toBe(40);
    expect(result.failed).toBe(false);
    expect(result.exportedSpans).toBe(result.spans);
    expect(progress.at(-1)).toBe(40);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.path === '/v1/traces' && r.contentType.includes('application/json') && r.auth === 'Bearer test-key')).toBe(true);

    const spans: JsonSpan[] = [];
    const services = new Set<string>();
    for (const r of requests) {
      const body = JSON.parse(r.body.toString('utf8')) as JsonRequest;
      for (const rs of body.resourceSpans) {
        services.add(rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '');
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
    }
    const planned = generateTraces(11, 40);
    expect(spans.length).toBe(planned.reduce((n, t) => n + t.spans.length, 0));
    expect(spans.length).toBe(result.spans);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(planned.map((t) => t.traceId)));
    expect(services.size).toBeGreaterThanOrEqual(2);
    for (const s of spans) {
      const isRoot = !s.parentSpanId;
      expect(s.attributes.some((a) => a.key === 'tenant.id')).toBe(isRoot);
    }
    // Traces are shifted into the recent past: every span ended before the run finished.
    const maxEndMs = Math.max(
      ...requests.flatMap((r) =>
        (JSON.parse(r.body.toString('utf8')) as { resourceSpans: { scopeSpans: { spans: { endTimeUnixNano: string | number }[] }[] }[] }).resourceSpans.flatMap(
          (rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => Number(BigInt(sp.endTimeUnixNano) / 1_000_000n))),
        ),
      ),
    );
    expect(maxEndMs).toBeLessThanOrEqual(Date.now());
    expect(maxEndMs).toBeGreaterThan(started - 5 * 60_000);
  });

  it('delivers over OTLP/HTTP protobuf', async () => {
    const { result, requests } = await run('http/protobuf');
    expect(result.failed).toBe(false);
    expect(result.spans).toBe(generateTraces(11, 40).reduce((n, t) => n + t.spans.length, 0));
    expect(result.exportedSpans).toBe(result.spans);
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(r.contentType).toBe('application/x-protobuf');
      expect(r.body.length).toBeGreaterThan(0);
    }
  });

  it('reports export failures when the endpoint rejects', async () => {
    const bad = createServer((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"nope"}'));
    await new Promise<void>((resolve) => bad.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runWorkload({
        endpoint: `http://127.0.0.1:${(bad.address() as AddressInfo).port}`,
        protocol: 'http/json', seed: 1, tracesPerSecond: 5, durationSec: 0.2,
      });
      expect(result.failed).toBe(true);
      expect(result.exportFailures).toBeGreaterThan(0);
      expect(result.exportedSpans).toBe(0);
    } finally {
      await new Promise<void>((resolve) => bad.close(() => resolve()));
    }
  });
});
