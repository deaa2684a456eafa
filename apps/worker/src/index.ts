export { startWorker, type Worker, type WorkerOptions, type Job } from './worker.ts';
export { compactJob } from './jobs/compact.ts';
export { correctionsJob, CorrectionStats, type CorrectionsJobOptions } from './jobs/corrections.ts';
export { rollupsJob, rollupRetentionFromEnv, type RollupJobOptions } from './jobs/rollups.ts';
export { driftJob, type DriftJobOptions } from './jobs/drift.ts';
export { pricesSyncJob, repriceJob, runReprice, syncPrices } from './jobs/reprice.ts';
export { alertsJob, runAlerts, evaluateProject, type AlertsJobOptions, type EvalStats } from './jobs/alerts.ts';
export { notifyProject, outAlert, type NotifyOptions } from './jobs/alerts-notify.ts';
export { post, signWebhook, verifyWebhook, type Attempt, type SendOptions } from './jobs/alerts-send.ts';
