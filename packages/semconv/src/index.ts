export type { Category, NormalizedSpan, SemconvOptions } from './types.ts';
export { DEFAULT_MAX_TEXT_LENGTH, DEFAULT_SEMCONV_OPTIONS } from './types.ts';
export { normalizeSpan } from './normalize.ts';
export { normalizeProvider } from './provider.ts';
export { normalizeFinishReason, FINISH_REASONS, type FinishReason } from './finish-reason.ts';
export { normalizeGpuPoint, gpuRule, type GpuPoint, type GpuCanonical } from './metrics/gpu.ts';
export { TEXT_FIELDS } from './fields.ts';
