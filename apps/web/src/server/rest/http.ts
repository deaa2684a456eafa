import { KeyVerifier, QueryError, QueryTimeoutError, withQueryTag, type Store } from '@plumb/store';
import { authenticateKey } from './auth.ts';
import { logger } from '@plumb/ops';

/** What the REST handlers need; injected so tests call them without Next. */
export interface RestDeps {
  getStore: () => Promise<Store>;
  /** Defaults to one KeyVerifier per store (30 s cache). */
  verifier?: KeyVerifier;
}

export type Handler = (request: Request) => Promise<Response>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** The public error shape: `{ "error": { "code", "message" } }` (+ `field` for bad input). */
export function apiError(status: number, code: string, message: string, field?: string, headers: Record<string, string> = {}): Response {
  return json(status, { error: field === undefined ? { code, message } : { code, message, field } }, headers);
}

/** A 4xx the handler decided on; thrown from deep inside parsing, turned into a response by `wrap`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badParam = (field: string, message: string) => new HttpError(400, 'invalid_parameter', message, field);

/** Turns thrown HttpError / QueryError into JSON errors; anything else is a logged 500. */
export function wrap(fn: Handler): Handler {
  return async (request) => {
    try {
      // Every statement a route issues is tagged with it (log_comment) as a dashboard query.
      return await withQueryTag({ kind: 'dashboard', caller: `rest ${request.method} ${new URL(request.url).pathname.slice(0, 120)}` }, () => fn(request));
    } catch (err) {
      if (err instanceof HttpError) {
        const headers: Record<string, string> = err.status === 401 ? { 'www-authenticate': 'Bearer realm="plumb"', ...err.headers } : err.headers;
        return apiError(err.status, err.code, err.message, err.field, headers);
      }
      if (err instanceof QueryError) return apiError(400, 'invalid_parameter', err.message, err.field);
      if (err instanceof QueryTimeoutError) return apiError(503, 'overloaded', 'the query took too long; narrow the time range or retry', undefined, { 'retry-after': '5' });
      logger('web').error({ err, path: new URL(request.url).pathname }, 'REST handler failed');
      return apiError(500, 'internal', 'internal error');
    }
  };
}

/** `Authorization: Bearer <key>` with the read scope → the key's project (checked in rest/auth.ts). */
export async function authenticateRead(request: Request, deps: RestDeps): Promise<{ store: Store; projectId: string }> {
  const { store, projectId } = await authenticateKey(request, deps, 'read');
  return { store, projectId };
}

/** Only GET (and HEAD) are served by the read API. */
export function requireGet(request: Request): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use GET`);
}
