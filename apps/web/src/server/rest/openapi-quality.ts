import type { z } from 'zod';
import { driftMonitorId, driftMonitorInput } from '../schemas/drift.ts';
import { labelsBody, scoresBody, writeResultSchema } from '../schemas/feedback.ts';

/**
 * The quality part of the OpenAPI document (scores, labels, drift monitors), kept apart from
 * openapi.ts so it grows without touching the shared file; openapi.ts spreads these in.
 */
export const QUALITY_COMPONENTS = {
  WriteResult: writeResultSchema,
} as const;

export interface OpenApiHelpers {
  ref: (name: string) => { $ref: string };
  errors: (...statuses: string[]) => Record<string, unknown>;
  fieldSchema: (schema: z.ZodType) => Record<string, unknown>;
  parameters: (schema: z.ZodObject, where: 'query' | 'path') => unknown[];
}

export function qualityPaths(h: OpenApiHelpers): Record<string, unknown> {
  const written = (what: string) => ({ '200': { description: `${what} stored; unknown traces or spans listed in rejected`, content: { 'application/json': { schema: h.ref('WriteResult') } } } });
  const body = { required: true, content: { 'application/json': { schema: h.fieldSchema(driftMonitorInput) } } };
  const any = (description: string, status = '200') => ({ [status]: { description, content: { 'application/json': { schema: { type: 'object', properties: { data: {} } } } } } });
  const idParam = h.parameters(driftMonitorId, 'path');
  return {
    '/drift-monitors': {
      get: { operationId: 'listDriftMonitors', summary: 'Drift monitors with their latest evaluation, flagged first', responses: { ...any('Monitors'), ...h.errors('401', '403') } },
      post: { operationId: 'createDriftMonitor', summary: 'Create a drift monitor (write scope)', requestBody: body, responses: { ...any('The monitor', '201'), ...h.errors('400', '401', '403') } },
    },
    '/drift-monitors/{id}': {
      get: { operationId: 'getDriftMonitor', summary: 'A monitor, its latest evaluation (per-bin contributions) and its score history', parameters: idParam, responses: { ...any('The monitor'), ...h.errors('401', '403', '404') } },
      put: { operationId: 'updateDriftMonitor', summary: 'Replace the definition (write scope); frozen bins are frozen again at the next evaluation', parameters: idParam, requestBody: body, responses: { ...any('The monitor'), ...h.errors('400', '401', '403', '404') } },
      delete: { operationId: 'deleteDriftMonitor', summary: 'Delete a monitor (write scope)', parameters: idParam, responses: { '200': { description: 'Deleted' }, ...h.errors('401', '403', '404') } },
    },
    '/drift-monitors/{id}/evaluate': {
      post: { operationId: 'evaluateDriftMonitor', summary: 'Evaluate now: current window ending now (write scope); data is null while the reference has no values', parameters: idParam, responses: { ...any('The evaluation'), ...h.errors('401', '403', '404') } },
    },
    '/scores': {
      post: {
        operationId: 'writeScores',
        summary: 'Attach scores to traces or spans (write scope). The same id counts once; unknown trace or span ids are reported in `rejected`.',
        requestBody: { required: true, content: { 'application/json': { schema: h.fieldSchema(scoresBody) } } },
        responses: { ...written('Scores'), ...h.errors('400', '401', '403') },
      },
    },
    '/labels': {
      post: {
        operationId: 'writeLabels',
        summary: 'Attach delayed ground-truth labels to predictions (write scope); a later label of the same id replaces the earlier one.',
        requestBody: { required: true, content: { 'application/json': { schema: h.fieldSchema(labelsBody) } } },
        responses: { ...written('Labels'), ...h.errors('400', '401', '403') },
      },
    },
  };
}
