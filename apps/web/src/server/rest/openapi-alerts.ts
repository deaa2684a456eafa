import { z } from 'zod';
import { alertsQuery, ruleId, ruleInput, silenceInput } from '../schemas/alerts.ts';
import type { OpenApiHelpers } from './openapi-quality.ts';

/**
 * The alerts part of the OpenAPI document (alert rules, current alerts, silences), kept apart
 * from openapi.ts so it grows without touching the shared file; openapi.ts spreads it in.
 */
export function alertsPaths(h: OpenApiHelpers): Record<string, unknown> {
  const any = (description: string, status = '200') => ({ [status]: { description, content: { 'application/json': { schema: { type: 'object', properties: { data: {} } } } } } });
  // The rule schema transforms (durations, defaults): documented as the input it accepts.
  const { $schema: _s, ...ruleSchema } = z.toJSONSchema(ruleInput, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const rule = { required: true, content: { 'application/json': { schema: ruleSchema } } };
  const idParam = h.parameters(ruleId, 'path');
  const silenceId = h.parameters(z.strictObject({ id: ruleId.shape.id }), 'path');
  return {
    '/alert-rules': {
      get: { operationId: 'listAlertRules', summary: 'Alert rules with the current state of each instance (one per group value), worst first', responses: { ...any('Rules'), ...h.errors('401', '403') } },
      post: {
        operationId: 'createAlertRule',
        summary: 'Create an alert rule (write scope): threshold, SLO burn rate or anomaly over any semantic-layer measure; a bad rule gets 400 naming the field (e.g. `query.measure`, `condition.critical`)',
        requestBody: rule, responses: { ...any('The rule', '201'), ...h.errors('400', '401', '403') },
      },
    },
    '/alert-rules/{id}': {
      get: { operationId: 'getAlertRule', summary: 'One alert rule', parameters: idParam, responses: { ...any('The rule'), ...h.errors('401', '403', '404') } },
      put: { operationId: 'updateAlertRule', summary: 'Replace a rule (write scope); its instances keep their state', parameters: idParam, requestBody: rule, responses: { ...any('The rule'), ...h.errors('400', '401', '403', '404') } },
      delete: { operationId: 'deleteAlertRule', summary: 'Delete a rule (write scope)', parameters: idParam, responses: { '200': { description: 'Deleted' }, ...h.errors('401', '403', '404') } },
    },
    '/alerts': {
      get: {
        operationId: 'listAlerts',
        summary: 'Current alert instances (not inactive by default) with state, severity, value, fingerprint, labels and the silences muting them',
        parameters: h.parameters(alertsQuery, 'query'), responses: { ...any('Instances, worst first'), ...h.errors('400', '401', '403') },
      },
    },
    '/silences': {
      get: { operationId: 'listSilences', summary: 'Silences with their state (pending, active, expired)', responses: { ...any('Silences'), ...h.errors('401', '403') } },
      post: {
        operationId: 'createSilence', summary: 'Silence alerts matching every label matcher (=, !=, =~, !~; regexes anchored) from startsAt (default now) to endsAt (write scope)',
        requestBody: { required: true, content: { 'application/json': { schema: h.fieldSchema(silenceInput) } } }, responses: { ...any('The silence', '201'), ...h.errors('400', '401', '403') },
      },
    },
    '/silences/{id}': {
      delete: { operationId: 'expireSilence', summary: 'Expire a silence now (write scope); it stays listed as expired', parameters: silenceId, responses: { '200': { description: 'Expired' }, ...h.errors('401', '403', '404') } },
    },
  };
}
