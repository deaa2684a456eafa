import { credentials, Metadata, status, type Client, makeGenericClientConstructor } from '@grpc/grpc-js';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, sql } from '@plumb/store';
import { startTestCollector, type TestCollector } from '../testing.ts';
import { closeGrpc, createGrpcServer, listenGrpc, peerAddress, TRACE_SERVICE } from './server.ts';

let t: TestCollector;
let grpcUrl: string;
let close: () => Promise<void>;
beforeAll(async () => {
  t = await startTestCollector();
  const server = createGrpcServer(t.collector, { log: () => {} });
  const port = await listenGrpc(server, 0, '127.0.0.1');
  grpcUrl = `http://127.0.0.1:${port}`;
  close = () => closeGrpc(server);
});
afterAll(async () => {
  await close?.();
  await t?.stop();
});

describe('OTLP/gRPC', () => {
  it('stores spans sent by the stock @opentelemetry/exporter-trace-otlp-grpc', async () => {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'grpc-svc' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: grpcUrl }), { scheduledDelayMillis: 20 })],
    });
    const tracer = provider.getTracer('grpc-test');
    const root = tracer.startSpan('grpc_request', { attributes: { 'tenant.id': 'acme' } });
    const child = tracer.startActiveSpan('child', (s) => s);
    child.setStatus({ code: SpanStatusCode.ERROR });
    child.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    await t.collector.flush();
    const rows = await t.store.query<{ name: string; tenant: string }>(sql`SELECT name, tenant FROM spans FINAL WHERE service = 'grpc-svc' ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(['child', 'grpc_request']);
    expect(rows.find((r) => r.name === 'grpc_request')?.tenant).toBe('acme');
  });

  it('stores metrics sent by the stock @opentelemetry/exporter-metrics-otlp-grpc', async () => {
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: grpcUrl }), exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'grpc-metrics', 'host.name': 'h1' }), readers: [reader] });
    provider.getMeter('m').createObservableGauge('DCGM_FI_DEV_GPU_UTIL').addCallback((o) => o.observe(50, { gpu: '0', UUID: 'GPU-g' }));
    await reader.forceFlush();
    await provider.shutdown();
    await t.collector.flush();
    const rows = await t.store.query<{ canonical_value: number; gpu_uuid: string }>(sql`SELECT canonical_value, gpu_uuid FROM metric_points FINAL WHERE service = 'grpc-metrics'`);
    // forceFlush and shutdown each collect the observable gauge once (two times, two points).
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const r of rows) expect(r).toEqual({ canonical_value: 0.5, gpu_uuid: 'GPU-g' });
  });

  /** A raw unary call with bytes in and out, to see status codes and metadata as an exporter does. */
  function rawCall(body: Buffer, metadata = new Metadata()): Promise<{ code: number; details: string; trailers: Metadata | undefined }> {
    const Ctor = makeGenericClientConstructor(TRACE_SERVICE, 'TraceService');
    const client = new Ctor(grpcUrl.replace('http://', ''), credentials.createInsecure()) as unknown as Client & {
      Export(req: Buffer, md: Metadata, cb: (err: { code: number; details: string; metadata?: Metadata } | null) => void): void;
    };
    return new Promise((resolve) => {
      client.Export(body, metadata, (err) => {
        client.close();
        resolve({ code: err ? err.code : status.OK, details: err?.details ?? '', trailers: err?.metadata });
      });
    });
  }

  it('maps a malformed body to INVALID_ARGUMENT and a bad key to UNAUTHENTICATED', async () => {
    const bad = await rawCall(Buffer.from([0x0a, 0x05, 0x12]));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/invalid protobuf/);
    const md = new Metadata();
    md.set('authorization', 'Bearer not-a-real-key-000000000');
    expect((await rawCall(Buffer.alloc(0), md)).code).toBe(status.UNAUTHENTICATED);
  });

  it('maps overload to RESOURCE_EXHAUSTED with RetryInfo and store trouble to UNAVAILABLE', async () => {
    const writer = t.collector.writer as unknown as { backlogBytes: number; failures: number };
    writer.backlogBytes = t.collector.config.maxInflightBytes + 1; // a full queue, as admission sees it
    try {
      const r = await rawCall(Buffer.alloc(0));
      expect(r.code).toBe(status.RESOURCE_EXHAUSTED);
      const details = r.trailers?.get('grpc-status-details-bin')[0] as Buffer | undefined;
      expect(details?.toString('latin1')).toContain('type.googleapis.com/google.rpc.RetryInfo');
    } finally {
      writer.backlogBytes = 0;
    }
    writer.failures = 1; // inserts failing, and the outage buffer is full
    writer.backlogBytes = t.collector.config.maxInflightBytes + 1;
    try {
      const r = await rawCall(Buffer.alloc(0));
      expect(r.code).toBe(status.UNAVAILABLE);
      expect(r.trailers?.get('grpc-status-details-bin')).toHaveLength(1);
    } finally {
      writer.failures = 0;
      writer.backlogBytes = 0;
    }
  });

  it('needs a key once an ingest key exists, and takes it from the authorization metadata', async () => {
    const { key: secret } = await createApiKey(t.store, { projectId: 'default', name: 'grpc', scopes: ['ingest'] });
    // openIngest is sticky per collector: a fresh one sees the key.
    const second = await startTestCollector({ walDir: `${t.dir}/wal-2` }, { store: t.store, dir: t.dir });
    const server = createGrpcServer(second.collector, { log: () => {} });
    const port = await listenGrpc(server, 0, '127.0.0.1');
    try {
      const saved = grpcUrl;
      grpcUrl = `http://127.0.0.1:${port}`;
      expect((await rawCall(Buffer.alloc(0))).code).toBe(status.UNAUTHENTICATED);
      const md = new Metadata();
      md.set('authorization', `Bearer ${secret}`);
      expect((await rawCall(Buffer.alloc(0), md)).code).toBe(status.OK);
      grpcUrl = saved;
    } finally {
      await closeGrpc(server);
      await second.stop();
    }
  });
});

describe('peerAddress', () => {
  it('strips the scheme, brackets and port', () => {
    expect(peerAddress('ipv4:127.0.0.1:5000')).toBe('127.0.0.1');
    expect(peerAddress('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(peerAddress('ipv6:[::1]:5000')).toBe('::1');
    expect(peerAddress('[::ffff:127.0.0.1]:1')).toBe('::ffff:127.0.0.1');
  });
});
