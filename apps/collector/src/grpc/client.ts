import { credentials, makeGenericClientConstructor, Metadata, status, type Client } from '@grpc/grpc-js';
import { METRICS_SERVICE, TRACE_SERVICE } from './server.ts';

type Unary = (req: Buffer, md: Metadata, cb: (err: { code: number; details: string } | null) => void) => void;

/**
 * A bytes-in OTLP/gRPC client (benchmarks, tests): sends an already-encoded export request the
 * way an SDK exporter does, and reports the status code.
 */
export interface OtlpGrpcClient {
  exportTraces(body: Buffer, key?: string): Promise<{ code: number; details: string }>;
  exportMetrics(body: Buffer, key?: string): Promise<{ code: number; details: string }>;
  close(): void;
}

export function createOtlpGrpcClient(address: string): OtlpGrpcClient {
  const make = (def: typeof TRACE_SERVICE, name: string) => {
    const Ctor = makeGenericClientConstructor(def, name);
    return new Ctor(address, credentials.createInsecure()) as unknown as Client & { Export: Unary };
  };
  const traces = make(TRACE_SERVICE, 'TraceService');
  const metrics = make(METRICS_SERVICE, 'MetricsService');
  const call = (c: Client & { Export: Unary }, body: Buffer, key?: string) =>
    new Promise<{ code: number; details: string }>((resolve) => {
      const md = new Metadata();
      if (key) md.set('authorization', `Bearer ${key}`);
      c.Export(body, md, (err) => resolve(err ? { code: err.code, details: err.details } : { code: status.OK, details: '' }));
    });
  return {
    exportTraces: (body, key) => call(traces, body, key),
    exportMetrics: (body, key) => call(metrics, body, key),
    close() {
      traces.close();
      metrics.close();
    },
  };
}
