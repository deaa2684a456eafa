import { exportTraceBundle, listSigningKeys, liveSigningKey, MAX_BUNDLE_TRACES, rotateSigningKey } from '@plumb/store';
import { z } from 'zod';
import { ensurePrices } from '../cost/prices.ts';
import { authenticateKey } from './auth.ts';
import { HttpError, json, wrap, type Handler, type RestDeps } from './http.ts';

export const bundleInput = z.strictObject({
  traceIds: z
    .array(z.string().regex(/^[0-9a-f]{32}$/, 'each trace id is 32 lowercase hex characters'))
    .min(1, 'name at least one trace')
    .max(MAX_BUNDLE_TRACES, `at most ${MAX_BUNDLE_TRACES} traces per bundle`),
});

/**
 * POST /api/v1/bundles `{ traceIds }` (read scope) → a signed, hash-chained bundle of those
 * traces of the key's project (spans, prices used, trace context applied); check it with
 * `plumb verify bundle.json --public-key key.pem`.
 */
export function bundlesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use POST`);
    const { store, projectId } = await authenticateKey(request, deps, 'read');
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      throw new HttpError(400, 'invalid_body', 'send JSON: {"traceIds": ["<32 hex>", …]}');
    }
    const parsed = bundleInput.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HttpError(400, 'invalid_parameter', `${issue.path.join('.') || 'body'}: ${issue.message}`, String(issue.path[0] ?? 'body'));
    }
    await ensurePrices(store, projectId);
    const bundle = await exportTraceBundle(store, projectId, parsed.data.traceIds);
    return json(200, bundle, { 'content-disposition': `attachment; filename="plumb-bundle-${projectId}-${bundle.createdAt.slice(0, 10)}.json"` });
  });
}

/**
 * /api/v1/signing-keys — the project's bundle signing keys (public halves only).
 * GET (read scope): `{ data: [{ id, publicKey (PEM), fingerprint, createdAt, retired }] }`, live
 * key first (created on first use). POST (write scope): rotate — the live key is retired (kept
 * for verifying older bundles) and a new one made.
 */
export function signingKeysHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const { store, projectId } = await authenticateKey(request, deps, 'read');
      await liveSigningKey(store, projectId);
      return json(200, { data: await listSigningKeys(store, projectId) });
    }
    if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use GET or POST`);
    const { store, projectId } = await authenticateKey(request, deps, 'write');
    return json(201, { data: await rotateSigningKey(store, projectId) });
  });
}
