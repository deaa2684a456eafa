export { currentRequestId, logFn, logger, newRequestId, withRequestId, type LogFn, type LoggerOptions } from './log.ts';
export { Histogram, processMetrics, Registry, Series, type Labels } from './metrics.ts';
export { HttpMetrics, WorkerMetrics } from './roles.ts';
