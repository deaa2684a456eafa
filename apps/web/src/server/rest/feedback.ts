import { writeLabels, writeScores } from '@plumb/store';
import type { z } from 'zod';
import { bodyField, labelsBody, scoresBody, toLabelInputs, toScoreInputs } from '../schemas/feedback.ts';
import { authenticateKey } from './auth.ts';
import { HttpError, json, wrap, type Handler, type RestDeps } from './http.ts';

/** Largest body accepted (1,000 items with comments fit well under it). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readJsonBody(request: Request, example: string): Promise<unknown> {
  if (!(request.headers.get('content-type') ?? '').includes('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', `send JSON: ${example}`);
  }
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes; split the batch`);
  const textBody = await request.text();
  if (Buffer.byteLength(textBody) > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes; split the batch`);
  try {
    return JSON.parse(textBody) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_body', 'the body is not valid JSON');
  }
}

/** Validates a JSON body; the first problem is a 400 naming its field path (`scores[2].value`). */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = bodyField(issue);
  const message = issue.code === 'unrecognized_keys' ? `unknown field \`${field}\`` : `\`${field}\` ${issue.message}`;
  throw new HttpError(400, 'invalid_parameter', message, field);
}

function postOnly(request: Request): void {
  if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here; use POST`);
}

/**
 * POST /api/v1/scores (write scope) `{ scores: [...] }` → 200 `{ accepted, duplicates, rejected }`.
 * Items naming a trace or span this project does not have are listed in `rejected` (not stored).
 */
export function scoresHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    postOnly(request);
    const { store, projectId } = await authenticateKey(request, deps, 'write');
    const body = parseBody(scoresBody, await readJsonBody(request, '{"scores": [{"traceId": "...", "name": "relevance", "value": 0.8, "source": "llm-judge"}]}'));
    return json(200, await writeScores(store, projectId, toScoreInputs(body)));
  });
}

/** POST /api/v1/labels (write scope) `{ labels: [...] }`: delayed ground truth, same answer shape. */
export function labelsHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    postOnly(request);
    const { store, projectId } = await authenticateKey(request, deps, 'write');
    const body = parseBody(labelsBody, await readJsonBody(request, '{"labels": [{"traceId": "...", "spanId": "...", "name": "intent", "value": "billing"}]}'));
    return json(200, await writeLabels(store, projectId, toLabelInputs(body)));
  });
}
