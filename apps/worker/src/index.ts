export { startWorker, type Worker, type WorkerOptions, type Job } from './worker.ts';
export { compactJob } from './jobs/compact.ts';
export { rollupsJob, rollupRetentionFromEnv, type RollupJobOptions } from './jobs/rollups.ts';
