import type { z } from 'zod';
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
  return {
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
