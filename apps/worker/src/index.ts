export { startWorker, type Worker, type WorkerOptions, type Job } from './worker.ts';
export { compactJob } from './jobs/compact.ts';
export { correctionsJob, CorrectionStats, type CorrectionsJobOptions } from './jobs/corrections.ts';
export { rollupsJob, rollupRetentionFromEnv, type RollupJobOptions } from './jobs/rollups.ts';
export { driftJob, type DriftJobOptions } from './jobs/drift.ts';
export { pricesSyncJob, repriceJob, runReprice, syncPrices } from './jobs/reprice.ts';
export { retentionJob } from './jobs/retention.ts';
export { stagesJob, type StagesJobOptions } from './jobs/stages.ts';
