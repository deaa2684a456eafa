import { createDriftMonitor, deleteDriftMonitor, updateDriftMonitor } from '@plumb/store';
import { evaluateNow, monitorDetail, monitorsWithLatest } from '../routers/drift.ts';
import { driftMonitorInput, toDefinition } from '../schemas/drift.ts';
import { authenticateKey } from './auth.ts';
import { parseBody, readJsonBody } from './feedback.ts';
import { HttpError, json, wrap, type Handler, type RestDeps } from './http.ts';

const EXAMPLE = '{"name": "output length", "feature": {"kind": "numeric", "field": "output_tokens"}}';

/** The path segments after /drift-monitors: [] | [id] | [id, 'evaluate']. */
function segments(request: Request): string[] {
  const parts = new URL(request.url).pathname.split('/').filter(Boolean);
  const i = parts.indexOf('drift-monitors');
  const rest = parts.slice(i + 1).map(decodeURIComponent);
  if (rest[0] !== undefined && (rest[0].length === 0 || rest[0].length > 100)) throw new HttpError(400, 'invalid_parameter', '`id` must be a monitor id', 'id');
  return rest;
}

/**
 * /api/v1/drift-monitors: GET (read) the monitors with their latest evaluation; POST (write)
 * creates one → 201. /api/v1/drift-monitors/{id}: GET (read) monitor, latest evaluation and score
 * history; PUT (write) replaces the definition (the frozen bins are re-frozen at the next
 * evaluation); DELETE (write). POST /api/v1/drift-monitors/{id}/evaluate (write) evaluates now.
 */
export function driftMonitorsHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    const [id, action] = segments(request);
    const method = request.method;
    if (id === undefined) {
      if (method === 'GET' || method === 'HEAD') {
        const { store, projectId } = await authenticateKey(request, deps, 'read');
        return json(200, { data: await monitorsWithLatest(store, projectId) });
      }
      if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use GET or POST`);
      const { store, projectId } = await authenticateKey(request, deps, 'write');
      const input = parseBody(driftMonitorInput, await readJsonBody(request, EXAMPLE));
      return json(201, { data: await createDriftMonitor(store, projectId, toDefinition(input)) });
    }
    const missing = () => new HttpError(404, 'not_found', `no drift monitor ${JSON.stringify(id)} in this project`);
    if (action === 'evaluate') {
      if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use POST`);
      const { store, projectId } = await authenticateKey(request, deps, 'write');
      const e = await evaluateNow(store, projectId, id);
      if (e === undefined) throw missing();
      return json(200, { data: e });
    }
    if (action !== undefined) throw new HttpError(404, 'not_found', `unknown path /drift-monitors/${id}/${action}`);
    if (method === 'GET' || method === 'HEAD') {
      const { store, projectId } = await authenticateKey(request, deps, 'read');
      const d = await monitorDetail(store, projectId, id);
      if (!d) throw missing();
      return json(200, { data: d });
    }
    const { store, projectId } = await authenticateKey(request, deps, 'write');
    if (method === 'PUT') {
      const input = parseBody(driftMonitorInput, await readJsonBody(request, EXAMPLE));
      const m = await updateDriftMonitor(store, projectId, id, toDefinition(input));
      if (!m) throw missing();
      return json(200, { data: m });
    }
    if (method === 'DELETE') {
      if (!(await deleteDriftMonitor(store, projectId, id))) throw missing();
      return json(200, { deleted: true, id });
    }
    throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use GET, PUT or DELETE`);
  });
}
