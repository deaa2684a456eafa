import { KeyVerifier, QueryError, type Store } from '@plumb/store';

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
  ) {
    super(message);
  }
}

export const badParam = (field: string, message: string) => new HttpError(400, 'invalid_parameter', message, field);

/** Turns thrown HttpError / QueryError into JSON errors; anything else is a logged 500. */
export function wrap(fn: Handler): Handler {
  return async (request) => {
    try {
      return await fn(request);
    } catch (err) {
      if (err instanceof HttpError) {
        const headers: Record<string, string> = err.status === 401 ? { 'www-authenticate': 'Bearer realm="plumb"' } : {};
        return apiError(err.status, err.code, err.message, err.field, headers);
      }
      if (err instanceof QueryError) return apiError(400, 'invalid_parameter', err.message, err.field);
      console.error('plumb: REST handler failed', err);
      return apiError(500, 'internal', 'internal error');
    }
  };
}

const verifiers = new WeakMap<Store, KeyVerifier>();

/** `Authorization: Bearer <key>` with the read scope → the key's project. */
export async function authenticateRead(request: Request, deps: RestDeps): Promise<{ store: Store; projectId: string }> {
  const header = request.headers.get('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!m) throw new HttpError(401, 'unauthorized', 'missing Authorization: Bearer <key> header');
  const store = await deps.getStore();
  let verifier = deps.verifier ?? verifiers.get(store);
  if (!verifier) {
    verifier = new KeyVerifier(store);
    verifiers.set(store, verifier);
  }
  const key = await verifier.verify(m[1]!);
  if (!key) throw new HttpError(401, 'unauthorized', 'invalid or revoked API key');
  if (!key.scopes.includes('read')) throw new HttpError(403, 'forbidden', 'this API key lacks the read scope (create one with `plumb keys create --scope read`)');
  return { store, projectId: key.projectId };
}

/** Only GET (and HEAD) are served by the read API. */
export function requireGet(request: Request): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use GET`);
}
