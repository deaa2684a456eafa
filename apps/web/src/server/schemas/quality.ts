import { QUALITY_VERSIONS } from '@plumb/store';
import { z } from 'zod';
import { interval, text, time } from './primitives.ts';

/** Quality page inputs (tRPC). Window defaults as everywhere: `to` = now, `from` = to − 24 h. */
export const qualityQuery = z.strictObject({
  from: time.optional(),
  to: time.optional(),
  version: z.enum(QUALITY_VERSIONS, { error: `must be one of ${QUALITY_VERSIONS.join(', ')}` }).default('model'),
  requestTypes: z.array(text(), { error: 'must be a list' }).max(50).optional(),
  /** Compare two versions (a = stable, b = canary). */
  a: text(500).optional(),
  b: text(500).optional(),
});

export const classificationQuery = z.strictObject({
  from: time.optional(),
  to: time.optional(),
  labelName: text(200).min(1).default('label'),
  predictedAttribute: text(200).min(1).default('prediction.label').describe('The span attribute holding the predicted label'),
  version: z.enum(['model', 'service_version']).default('model'),
  interval: interval.default(3_600_000),
});

/** Score distributions per score name and version (the Quality page's Scores table). */
export const scoreDistributionQuery = z.strictObject({
  from: time.optional(),
  to: time.optional(),
  version: z.enum(['response_model', 'service_version'], { error: 'must be response_model or service_version' }).default('response_model'),
});
