import { Metadata, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { encodeExportMetricsResponse, encodeExportTraceResponse } from '@plumb/otlp';
import { resolveProject } from '../auth.ts';
import type { Collector } from '../collector.ts';
import { PermanentError, RetryableError } from '../errors.ts';
import { ByteBudget } from '../http/body.ts';
import type { WalSignal } from '../wal.ts';

/**
 * OTLP/gRPC receiver (TraceService/Export, MetricsService/Export). Messages stay bytes: grpc-js
 * hands over the (decompressed) protobuf request, which takes exactly the HTTP protobuf path —
 * admission, the same decoders, the WAL (the record is the request message, format protobuf) —
 * so an acknowledged gRPC export is as durable as an HTTP one, and replays the same way.
 *
 * Status codes (OTLP spec, "Failures" for gRPC): a body that does not decode → INVALID_ARGUMENT;
 * no or bad key → UNAUTHENTICATED / PERMISSION_DENIED; overload (HTTP 429) → RESOURCE_EXHAUSTED
 * with a google.rpc.RetryInfo detail (an exporter retries RESOURCE_EXHAUSTED only when RetryInfo
 * is present); store or WAL trouble (503) → UNAVAILABLE with RetryInfo; a request over the
 * per-request limit → RESOURCE_EXHAUSTED without RetryInfo (retrying it cannot succeed).
 */
const bytes = (b: Buffer): Buffer => b;

function exportMethod(service: string): ServiceDefinition {
  return {
    Export: {
      path: `/opentelemetry.proto.collector.${service}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: bytes,
      requestDeserialize: bytes,
      responseSerialize: bytes,
      responseDeserialize: bytes,
    },
  };
}

export const TRACE_SERVICE = exportMethod('trace.v1.TraceService');
export const METRICS_SERVICE = exportMethod('metrics.v1.MetricsService');

/** `ipv4:127.0.0.1:5000`, `127.0.0.1:5000`, `[::1]:5000` → the address alone. */
export function peerAddress(peer: string): string {
  const p = peer.replace(/^ipv[46]:/, '');
  const bracket = /^\[([^\]]+)\]/.exec(p);
  if (bracket) return bracket[1]!;
  const i = p.lastIndexOf(':');
  return i > 0 && p.indexOf(':') === i ? p.slice(0, i) : p;
}

/** google.rpc.Status { code, message, details: [Any(google.rpc.RetryInfo { retry_delay })] }. */
export function retryStatusDetails(code: number, message: string, retryAfterSeconds: number): Buffer {
  const duration = Buffer.concat([Buffer.from([0x08]), varint(Math.max(0, Math.floor(retryAfterSeconds)))]);
  const retryInfo = lenField(1, duration);
  const any = Buffer.concat([lenField(1, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')), lenField(2, retryInfo)]);
  return Buffer.concat([Buffer.from([0x08]), varint(code), lenField(2, Buffer.from(message, 'utf8')), lenField(3, any)]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}
const lenField = (field: number, payload: Buffer) => Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);

interface GrpcError {
  code: status;
  details: string;
  metadata?: Metadata;
}

export function toGrpcError(err: PermanentError | RetryableError): GrpcError {
  if (err instanceof RetryableError) {
    const code = err.status === 429 ? status.RESOURCE_EXHAUSTED : status.UNAVAILABLE;
    const metadata = new Metadata();
    metadata.set('grpc-status-details-bin', retryStatusDetails(code, err.message, err.retryAfterSeconds));
    return { code, details: err.message, metadata };
  }
  const code =
    err.status === 401 ? status.UNAUTHENTICATED
    : err.status === 403 ? status.PERMISSION_DENIED
    : err.status === 413 ? status.RESOURCE_EXHAUSTED
    : status.INVALID_ARGUMENT;
  return { code, details: err.message };
}

export interface GrpcServerOptions {
  log: (msg: string) => void;
}

/** Creates the gRPC server (not yet bound; see `listenGrpc`). */
export function createGrpcServer(collector: Collector, opts: GrpcServerOptions): Server {
  const server = new Server({
    'grpc.max_receive_message_length': collector.config.maxDecompressedBytes,
    'grpc.max_send_message_length': 1024 * 1024,
  });
  const inFlight = new ByteBudget(collector.config.maxBodyBytesInFlight);
  let warnedOpen = false;

  const handler = (signal: WalSignal) => (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
    const lease = inFlight.lease();
    const run = async (): Promise<Buffer> => {
      const body = call.request;
      const auth = String(call.metadata.get('authorization')[0] ?? '');
      const projectId = await resolveProject(collector, auth, peerAddress(call.getPeer()), () => {
        if (!warnedOpen) {
          warnedOpen = true;
          opts.log('plumb collector: no API key is configured; accepting unauthenticated OTLP/gRPC from loopback into the default project');
        }
      });
      if (!lease.take(body.length)) throw new RetryableError(429, 'too many request bytes in flight; retry later', 1);
      const result = signal === 'traces' ? await collector.exportTraces(body, 'protobuf', projectId) : await collector.exportMetrics(body, 'protobuf', projectId);
      collector.metrics.requests.inc({ outcome: result.rejectedSpans > 0 ? 'partial' : 'ok' });
      const encode = signal === 'traces' ? encodeExportTraceResponse : encodeExportMetricsResponse;
      return Buffer.from(encode(result.rejectedSpans, result.errorMessage, 'protobuf') as Uint8Array);
    };
    run()
      .then((response) => callback(null, response))
      .catch((err: unknown) => {
        if (err instanceof PermanentError || err instanceof RetryableError) {
          collector.metrics.requests.inc({ outcome: String(err.status) });
          callback(toGrpcError(err));
        } else {
          opts.log(`plumb collector: internal error (gRPC): ${(err as Error).stack ?? err}`);
          collector.metrics.requests.inc({ outcome: '503' });
          callback(toGrpcError(new RetryableError(503, 'internal error; retry later', 1)));
        }
      })
      .finally(() => lease.release());
  };

  server.addService(TRACE_SERVICE, { Export: handler('traces') });
  server.addService(METRICS_SERVICE, { Export: handler('metrics') });
  return server;
}

/** Binds the gRPC server; resolves with the bound port (0 asks for a free one). */
export function listenGrpc(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}

/** Stops accepting; calls still running get `graceMs` to answer before they are cut. */
export function closeGrpc(server: Server, graceMs = 1_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
