export { DEMO_REQUEST_TYPES, DEMO_TENANTS, type DemoRequestType, type DemoTenant } from './catalog.ts';
export {
  Scenario, generateTraces,
  type PlannedSpan, type PlannedTrace, type PlannedOperation, type PlannedCategory, type PlannedKind, type ScenarioOptions,
} from './scenario.ts';
export { spanAttributes, resourceAttributes, type DemoAttributes } from './attributes.ts';
export { runWorkload, type OtlpProtocol, type WorkloadOptions, type WorkloadProgress, type WorkloadResult } from './otel.ts';
export { backfill, trafficWeight, type BackfillOptions, type BackfillProgress, type BackfillResult } from './backfill.ts';
export { SpanRowWriter, type AttributeMode, type RowTotals } from './rows.ts';
export { applyDrift, type DriftInjection } from './drift.ts';
export { GpuDemo, DEMO_GPU_NODES, DEMO_SERVED_MODEL, type ServedCall, type GpuDemoOptions } from './gpu.ts';
export { applyRegression, REGRESSION_STAGES, type RegressionInjection, type RegressionStage } from './regression.ts';
