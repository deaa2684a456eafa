import { createApiKey, listApiKeys, revokeApiKey } from '@plumb/store';
import { createKeyInput } from '../routers/keys.ts';
import { authenticateKey } from './auth.ts';
import { HttpError, json, wrap, type Handler, type RestDeps } from './http.ts';

async function readJson(request: Request): Promise<unknown> {
  if (!(request.headers.get('content-type') ?? '').includes('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'send JSON: {"name": "...", "scopes": ["read"]}');
  }
  try {
    return await request.json();
  } catch {
    throw new HttpError(400, 'invalid_body', 'the body is not valid JSON');
  }
}

/**
 * /api/v1/keys — the API keys of the calling key's project.
 * GET (read scope): `{ data: ApiKeyInfo[] }`, revoked keys included, never a secret.
 * POST (write scope) `{ name, scopes }` → 201 `{ key, data }`: the secret, shown once.
 */
export function keysHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const { store, projectId } = await authenticateKey(request, deps, 'read');
      return json(200, { data: await listApiKeys(store, projectId, { includeRevoked: true }) });
    }
    if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use GET or POST`);
    const { store, projectId } = await authenticateKey(request, deps, 'write');
    const parsed = createKeyInput.safeParse(await readJson(request));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0] ?? 'body');
      throw new HttpError(400, 'invalid_parameter', `${field}: ${issue.message}`, field);
    }
    const { key, info } = await createApiKey(store, { projectId, name: parsed.data.name, scopes: parsed.data.scopes });
    return json(201, { key, data: info });
  });
}

/** DELETE /api/v1/keys/{id} (write scope): revokes a key of the calling key's project. */
export function keyByIdHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    if (request.method !== 'DELETE') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use DELETE`);
    const { store, projectId } = await authenticateKey(request, deps, 'write');
    const segments = new URL(request.url).pathname.split('/').filter(Boolean);
    const id = decodeURIComponent(segments[segments.length - 1] ?? '');
    if (!id || id.length > 100) throw new HttpError(400, 'invalid_parameter', '`id` must be a key id', 'id');
    if (!(await revokeApiKey(store, id, projectId))) throw new HttpError(404, 'not_found', `no live key ${JSON.stringify(id)} in this project`);
    return json(200, { revoked: true, id });
  });
}
