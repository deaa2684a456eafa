import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { newRequestId, withRequestId } from '@plumb/ops';
import { encodeExportMetricsResponse, encodeExportTraceResponse } from '@plumb/otlp';
import { resolveProject } from '../auth.ts';
import type { Collector } from '../collector.ts';
import { PermanentError, RetryableError } from '../errors.ts';
import type { WalFormat, WalSignal } from '../wal.ts';
import { ByteBudget, readBody } from './body.ts';

function contentFormat(req: IncomingMessage): WalFormat | null {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

export { isLoopback } from '../auth.ts';

/** google.rpc.Status, the OTLP/HTTP error body, in the request's encoding. */
function encodeStatus(code: number, message: string, format: WalFormat): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const msg = Buffer.from(message, 'utf8');
  const parts: number[] = [0x08, code];
  const len: number[] = [];
  let n = msg.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from(parts), Buffer.from([0x12, ...len]), msg]);
}

const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 503: 14 };

function sendError(res: ServerResponse, err: PermanentError | RetryableError, format: WalFormat): void {
  const headers: Record<string, string> = {
    'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf',
  };
  if (err instanceof RetryableError) headers['retry-after'] = String(err.retryAfterSeconds);
  res.writeHead(err.status, headers);
  res.end(encodeStatus(GRPC_CODE[err.status] ?? 2, err.message, format));
}

export interface ServerOptions {
  log: (msg: string) => void;
}

/** The OTLP/HTTP receiver plus health and metrics endpoints. */
export function createCollectorServer(collector: Collector, opts: ServerOptions): Server {
  let warnedOpen = false;
  const inFlight = new ByteBudget(collector.config.maxBodyBytesInFlight);
  const handleExport = async (req: IncomingMessage, res: ServerResponse, format: WalFormat, signal: WalSignal): Promise<void> => {
    const projectId = await resolveProject(collector, String(req.headers.authorization ?? ''), req.socket.remoteAddress, () => {
      if (!warnedOpen) {
        warnedOpen = true;
        opts.log('plumb collector: no API key is configured; accepting unauthenticated ingest from loopback into the default project');
      }
    });

    // Admission before work: refuse while unhealthy or overloaded before reading the body, and
    // hold the body's bytes against the shared in-flight budget until the request is answered.
    // A Content-Length past the body limit skips admission: readBody answers 413, which the
    // sender must see (a 429 would have it retry a body that can never be taken).
    const declared = Number(req.headers['content-length']);
    const size = Number.isFinite(declared) && declared > 0 ? declared : 0;
    if (size <= collector.config.maxBodyBytes) collector.admit(size);
    const lease = inFlight.lease();
    try {
      const limits = { maxBodyBytes: collector.config.maxBodyBytes, maxDecompressedBytes: collector.config.maxDecompressedBytes };
      const body = await readBody(req, limits, lease);
      const result = signal === 'traces' ? await collector.exportTraces(body, format, projectId) : await collector.exportMetrics(body, format, projectId);
      const encode = signal === 'traces' ? encodeExportTraceResponse : encodeExportMetricsResponse;
      const payload = encode(result.rejectedSpans, result.errorMessage, format);
      res.writeHead(200, { 'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf' });
      res.end(payload);
      collector.metrics.requests.inc({ outcome: result.rejectedSpans > 0 ? 'partial' : 'ok' });
    } finally {
      lease.release();
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/v1/traces' || path === '/v1/metrics') {
      const format = contentFormat(req) ?? 'json';
      const signal: WalSignal = path === '/v1/traces' ? 'traces' : 'metrics';
      try {
        if (req.method !== 'POST') throw new PermanentError(405, `use POST for ${path}`);
        if (!contentFormat(req)) {
          throw new PermanentError(415, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`);
        }
        await handleExport(req, res, format, signal);
      } catch (err) {
        if (err instanceof PermanentError || err instanceof RetryableError) {
          collector.metrics.requests.inc({ outcome: String(err.status) });
          if (req.readable) req.resume();
          sendError(res, err, format);
        } else {
          opts.log(`plumb collector: internal error: ${(err as Error).stack ?? err}`);
          collector.metrics.requests.inc({ outcome: '503' });
          sendError(res, new RetryableError(503, 'internal error; retry later', 1), format);
        }
      }
      return;
    }
    if (path === '/healthz') {
      const live = collector.live();
      res.writeHead(live.ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(live.ok ? 'ok\n' : `unhealthy: ${live.reason}\n`);
      return;
    }
    if (path === '/readyz') {
      const r = await collector.ready();
      res.writeHead(r.ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(r.ok ? 'ready\n' : `not ready: ${r.reason}\n`);
      return;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(collector.metrics.render());
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 5, message: `no route for ${req.method} ${path}; OTLP traces go to POST /v1/traces` }));
  };

  const server = createServer((req, res) => {
    // Every response names its request; log lines written while handling it carry the id.
    const reqId = newRequestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', reqId);
    withRequestId(reqId, () => handle(req, res)).catch((err) => {
      opts.log(`plumb collector: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 60_000;
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
