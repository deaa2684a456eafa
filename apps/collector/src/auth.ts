import { DEFAULT_PROJECT_ID } from '@plumb/store';
import type { Collector } from './collector.ts';
import { PermanentError } from './errors.ts';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * The project an export request writes to, the same for OTLP/HTTP and OTLP/gRPC: a Bearer ingest
 * key's project; without a key, `default` only while no ingest key exists and only from loopback
 * (`onOpen` is called then, for the one-time log line); otherwise 401 (403 for a key without the
 * ingest scope).
 */
export async function resolveProject(
  collector: Collector,
  authorization: string,
  remoteAddress: string | undefined,
  onOpen: () => void,
): Promise<string> {
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  if (bearer) return collector.authenticate(bearer);
  if (authorization) throw new PermanentError(401, 'Authorization must be "Bearer <key>"');
  if ((await collector.openIngest()) && isLoopback(remoteAddress)) {
    onOpen();
    return DEFAULT_PROJECT_ID;
  }
  throw new PermanentError(401, 'missing API key: send Authorization: Bearer <key> (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<key>)');
}
