import { RuleError } from '@plumb/alerts';
import { expireSilence, saveSilence } from '@plumb/store';
import { createRule, currentAlerts, deleteAlertRule, getAlertRule, rulesWithState, silencesWithState, updateRule } from '../routers/alerts-data.ts';
import { alertsQuery, silenceInput } from '../schemas/alerts.ts';
import { authenticateKey } from './auth.ts';
import { parseBody, readJsonBody } from './feedback.ts';
import { HttpError, json, wrap, type Handler, type RestDeps } from './http.ts';

/**
 * /api/v1/alert-rules (CRUD; write scope for changes; a bad rule → 400 naming the field),
 * /api/v1/alerts (current instances), /api/v1/silences (list, create; DELETE /{id} expires).
 */

const RULE_EXAMPLE = '{"name": "p95 high", "query": {"measure": "p95_latency_ms", "groupBy": ["model"]}, "condition": {"op": ">", "critical": 3000}, "forMs": "5m"}';
const SILENCE_EXAMPLE = '{"matchers": [{"name": "tenant", "op": "=", "value": "acme"}], "endsAt": "2030-01-01T00:00:00Z", "comment": "maintenance"}';

function segments(request: Request, base: string): string[] {
  const parts = new URL(request.url).pathname.split('/').filter(Boolean);
  const rest = parts.slice(parts.indexOf(base) + 1).map(decodeURIComponent);
  if (rest[0] !== undefined && (rest[0].length === 0 || rest[0].length > 100)) throw new HttpError(400, 'invalid_parameter', '`id` must be an id', 'id');
  if (rest.length > 1) throw new HttpError(404, 'not_found', `unknown path /${base}/${rest.join('/')}`);
  return rest;
}

async function ruleBody<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RuleError) throw new HttpError(400, 'invalid_parameter', e.message, e.field);
    throw e;
  }
}

export function alertRulesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    const [id] = segments(request, 'alert-rules');
    const method = request.method;
    const missing = () => new HttpError(404, 'not_found', `no alert rule ${JSON.stringify(id)} in this project`);
    if (id === undefined) {
      if (method === 'GET' || method === 'HEAD') {
        const { store, projectId } = await authenticateKey(request, deps, 'read');
        return json(200, { data: await rulesWithState(store, projectId) });
      }
      if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use GET or POST`);
      const { store, projectId, key } = await authenticateKey(request, deps, 'write');
      const body = await readJsonBody(request, RULE_EXAMPLE);
      return json(201, { data: await ruleBody(() => createRule(store, projectId, body, `key:${key.keyId}`)) });
    }
    if (method === 'GET' || method === 'HEAD') {
      const { store, projectId } = await authenticateKey(request, deps, 'read');
      const r = await getAlertRule(store, projectId, id);
      if (!r) throw missing();
      return json(200, { data: r });
    }
    const { store, projectId, key } = await authenticateKey(request, deps, 'write');
    if (method === 'PUT') {
      const body = await readJsonBody(request, RULE_EXAMPLE);
      const r = await ruleBody(() => updateRule(store, projectId, id, body, `key:${key.keyId}`));
      if (!r) throw missing();
      return json(200, { data: r });
    }
    if (method === 'DELETE') {
      if (!(await deleteAlertRule(store, projectId, id))) throw missing();
      return json(200, { deleted: true, id });
    }
    throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use GET, PUT or DELETE`);
  });
}

export function alertsHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use GET`);
    const { store, projectId } = await authenticateKey(request, deps, 'read');
    const q = Object.fromEntries(new URL(request.url).searchParams);
    return json(200, { data: await currentAlerts(store, projectId, parseBody(alertsQuery, q)) });
  });
}

export function silencesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    const [id] = segments(request, 'silences');
    const method = request.method;
    if (id === undefined && (method === 'GET' || method === 'HEAD')) {
      const { store, projectId } = await authenticateKey(request, deps, 'read');
      return json(200, { data: await silencesWithState(store, projectId) });
    }
    const { store, projectId, key } = await authenticateKey(request, deps, 'write');
    if (id === undefined && method === 'POST') {
      const s = parseBody(silenceInput, await readJsonBody(request, SILENCE_EXAMPLE));
      return json(201, { data: await saveSilence(store, projectId, { matchers: s.matchers, startsAt: s.startsAt ?? Date.now(), endsAt: s.endsAt, comment: s.comment, createdBy: `key:${key.keyId}` }) });
    }
    if (id !== undefined && method === 'DELETE') {
      if (!(await expireSilence(store, projectId, id))) throw new HttpError(404, 'not_found', `no silence ${JSON.stringify(id)} in this project`);
      return json(200, { expired: true, id });
    }
    throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use ${id === undefined ? 'GET or POST' : 'DELETE'}`);
  });
}
