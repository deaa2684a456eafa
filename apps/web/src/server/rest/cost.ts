import { exportText, listRepriceRuns, monthExport, requestReprice, withQueryTag, type Store } from '@plumb/store';
import { createContextFromRequest } from '../context.ts';
import { resolveMembership } from '../trpc.ts';
import { listPrices, PriceInputError, saveOverride } from '../cost/prices.ts';
import { costExportQuery, monthInput, priceListQuery, priceOverrideInput, repriceInput } from '../schemas/cost.ts';
import { authenticateKey } from './auth.ts';
import { authenticateRead, HttpError, json, requireGet, wrap, type Handler, type RestDeps } from './http.ts';
import { parseWith, queryObject } from './query-string.ts';

async function readJson(request: Request): Promise<unknown> {
  if (!(request.headers.get('content-type') ?? '').includes('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send a JSON body');
  try {
    return await request.json();
  } catch {
    throw new HttpError(400, 'invalid_body', 'the body is not valid JSON');
  }
}

function parseBody<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = String(issue.path[0] ?? 'body');
  throw new HttpError(400, 'invalid_parameter', `${field}: ${issue.message}`, field);
}

/**
 * GET /api/v1/cost/export — FOCUS-style rows, CSV or JSON, streamed one time page at a time
 * (store export.ts): memory holds one page whatever the range. Parameters are validated before
 * the first byte, so a bad one is a 400 naming it; a failure later ends the stream early.
 */
export function costExportHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    return streamExport(store, projectId, request.url);
  });
}

/** GET /api/cost-export — the same export for the signed-in dashboard user (session cookie,
 *  any member of the project), behind the cost page's Export buttons. */
export function costExportSessionHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const store = await deps.getStore();
    const ctx = await createContextFromRequest(request, store);
    if (!ctx.user) throw new HttpError(401, 'unauthorized', 'sign in first');
    const { projectId, role } = await resolveMembership(ctx, ctx.user);
    if (!role) throw new HttpError(404, 'not_found', `unknown project ${JSON.stringify(projectId)}`);
    return streamExport(store, projectId, request.url);
  });
}

async function streamExport(store: Store, projectId: string, url: string): Promise<Response> {
  const q = parseWith(costExportQuery, queryObject(url, costExportQuery));
  const format = q.format ?? 'csv';
  const granularity = q.granularity ?? 'day';
  const spec = { projectId, from: q.from, to: q.to, groupBy: q.groupBy ?? [], filters: q.filter as Record<string, string[]> | undefined, granularity };
  const chunks = exportText(store, spec, format);
  const encoder = new TextEncoder();
  const tag = { kind: 'dashboard' as const, caller: 'rest GET cost export' };
  // The first chunk (header) and first page are produced before answering, so a query error is a 4xx.
  const head: string[] = [];
  for (let i = 0; i < 2; i++) {
    const n = await withQueryTag(tag, () => chunks.next());
    if (n.done) break;
    head.push(n.value);
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const h of head) controller.enqueue(encoder.encode(h));
    },
    async pull(controller) {
      try {
        const n = await withQueryTag(tag, () => chunks.next());
        if (n.done) controller.close();
        else controller.enqueue(encoder.encode(n.value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const name = `plumb-cost-${q.from.toISOString().slice(0, 10)}-${q.to.toISOString().slice(0, 10)}.${format}`;
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    },
  });
}

/** GET /api/v1/prices (read): the catalog as SQL holds it; POST (write): add or edit an override. */
export function pricesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const { store, projectId } = await authenticateRead(request, deps);
      const q = parseWith(priceListQuery, queryObject(request.url, priceListQuery));
      return json(200, await listPrices(store, projectId, q.q ?? '', q.limit ?? 200));
    }
    if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use GET or POST`);
    const { store, projectId } = await authenticateKey(request, deps, 'write');
    const input = parseBody(priceOverrideInput, await readJson(request));
    try {
      return json(201, { data: await saveOverride(store, projectId, input) });
    } catch (err) {
      if (err instanceof PriceInputError) throw new HttpError(400, 'invalid_parameter', err.message, err.field);
      throw err;
    }
  });
}

/** GET /api/v1/reprice (read): the reprice log; POST (write) `{from, to}`: queue a reprice run. */
export function repriceHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const { store, projectId } = await authenticateRead(request, deps);
      return json(200, { data: await listRepriceRuns(store, projectId) });
    }
    if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use GET or POST`);
    const { store, projectId } = await authenticateKey(request, deps, 'write');
    const input = parseBody(repriceInput, await readJson(request));
    const run = await requestReprice(store, projectId, 'api key', input.from.getTime(), input.to.getTime());
    return json(202, { data: run });
  });
}

/** GET /api/v1/cost/month-export?month=YYYY-MM (read key) and /api/cost-export/month (session):
 *  a closed month's frozen export (byte-identical on every request), else the live one. */
export function monthExportHandler(deps: RestDeps, session: boolean): Handler {
  return wrap(async (request) => {
    requireGet(request);
    let store: Store;
    let projectId: string;
    if (session) {
      store = await deps.getStore();
      const ctx = await createContextFromRequest(request, store);
      if (!ctx.user) throw new HttpError(401, 'unauthorized', 'sign in first');
      const m = await resolveMembership(ctx, ctx.user);
      if (!m.role) throw new HttpError(404, 'not_found', `unknown project ${JSON.stringify(m.projectId)}`);
      projectId = m.projectId;
    } else {
      ({ store, projectId } = await authenticateRead(request, deps));
    }
    const { month } = parseWith(monthInput, queryObject(request.url, monthInput));
    const chunks = monthExport(store, projectId, month);
    const encoder = new TextEncoder();
    const first = await chunks.next();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(encoder.encode(first.value));
      },
      async pull(controller) {
        try {
          const n = await chunks.next();
          if (n.done) controller.close();
          else controller.enqueue(encoder.encode(n.value));
        } catch (err) {
          controller.error(err);
        }
      },
    });
    return new Response(stream, {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="plumb-cost-${month}.csv"`, 'cache-control': 'no-store' },
    });
  });
}
