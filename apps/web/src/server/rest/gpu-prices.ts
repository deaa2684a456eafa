import { listGpuPrices, saveGpuPrice } from '@plumb/store';
import { gpuPriceBody, gpuPricePath } from '../schemas/gpu.ts';
import { authenticateKey } from './auth.ts';
import { parseBody, readJsonBody } from './feedback.ts';
import { HttpError, json, wrap, type Handler, type RestDeps } from './http.ts';

/**
 * GPU-hour prices over REST (the GPU page's price table, store gpu-prices.ts):
 *   GET /api/v1/gpu-prices            (read scope)  → { data: GpuHourPrice[] }
 *   PUT /api/v1/gpu-prices/{id}       (write scope) → { data: GpuHourPrice } — creates the price
 *       with that id, or replaces it (a new version of the row; the old one is kept for FINAL).
 * A PUT is idempotent: sending the same body twice leaves one price. Ids belong to the key's
 * project: the same id in another project is another price.
 */
const EXAMPLE = '{"matchKind": "gpu_model", "match": "NVIDIA H100 80GB HBM3", "usdPerGpuHour": "2.49"}';

function pathId(request: Request): string | undefined {
  const parts = new URL(request.url).pathname.split('/').filter(Boolean);
  const rest = parts.slice(parts.indexOf('gpu-prices') + 1).map(decodeURIComponent);
  if (rest.length > 1) throw new HttpError(404, 'not_found', `unknown path /gpu-prices/${rest.join('/')}`);
  if (rest[0] === undefined) return undefined;
  const r = gpuPricePath.safeParse({ id: rest[0] });
  if (!r.success) throw new HttpError(400, 'invalid_parameter', `\`id\` ${r.error.issues[0]!.message}`, 'id');
  return r.data.id;
}

export function gpuPricesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    const id = pathId(request);
    const method = request.method;
    if (id === undefined) {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use GET, or PUT /gpu-prices/{id}`);
      const { store, projectId } = await authenticateKey(request, deps, 'read');
      return json(200, { data: await listGpuPrices(store, projectId) });
    }
    if (method !== 'PUT') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use PUT`);
    const { store, projectId, key } = await authenticateKey(request, deps, 'write');
    const body = parseBody(gpuPriceBody, await readJsonBody(request, EXAMPLE));
    await saveGpuPrice(store, projectId, {
      id, matchKind: body.matchKind, match: body.match.trim(), usdPerGpuHour: body.usdPerGpuHour,
      effectiveFrom: body.effectiveFrom?.getTime() ?? 0, effectiveTo: null, updatedBy: `key:${key.keyId}`,
    });
    const saved = (await listGpuPrices(store, projectId)).find((p) => p.id === id);
    return json(200, { data: saved });
  });
}
