import { Agent, request } from 'node:http';

/**
 * One OTLP/HTTP protobuf export of the bench load generators (ingest-load.ts, alerts-load.ts):
 * the response status and its Retry-After in seconds (1 when absent), so a sender can back off
 * on 429/503 like an OTLP exporter would.
 */
export function postProtobuf(agent: Agent, url: URL, body: Buffer): Promise<{ status: number; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
