import type { FinishReason } from './finish-reason.ts';

export type Category = 'llm' | 'agent' | 'tool' | 'retrieval' | 'chain' | 'other';

export interface SemconvOptions {
  /** Attribute keys tried in order on span attributes, then on resource attributes. */
  tenantKeys: string[];
  requestTypeKeys: string[];
}

export const DEFAULT_SEMCONV_OPTIONS: SemconvOptions = Object.freeze({
  tenantKeys: Object.freeze([
    'plumb.tenant',
    'tenant.id',
    'tenant',
    'customer.id',
    'organization.id',
    'traceloop.association.properties.tenant_id',
    'traceloop.association.properties.tenant',
    'traceloop.association.properties.customer_id',
    'ai.telemetry.metadata.tenant',
    'ai.telemetry.metadata.tenantId',
    'ai.telemetry.metadata.customerId',
    'langfuse.trace.metadata.tenant',
    'langfuse.trace.metadata.tenant_id',
  ]) as string[],
  requestTypeKeys: Object.freeze([
    'plumb.request_type',
    'request.type',
    'request_type',
    'traceloop.association.properties.request_type',
    'ai.telemetry.metadata.requestType',
    'ai.telemetry.metadata.request_type',
    'langfuse.trace.metadata.request_type',
  ]) as string[],
});

/** Default cap (UTF-16 code units) for inputText / outputText. */
export const DEFAULT_MAX_TEXT_LENGTH = 8192;

/**
 * One span mapped onto Plumb's canonical fields. Every string field is '' when unknown,
 * every token count 0, so rows have a fixed shape.
 */
export interface NormalizedSpan {
  /** 'chat' | 'text_completion' | 'generate_content' | 'embeddings' | 'invoke_agent' |
   *  'create_agent' | 'execute_tool' | 'retrieval' | 'rerank' | 'workflow' | 'guardrail' |
   *  'evaluator' | '' (unknown) */
  operation: string;
  category: Category;
  /** Lower-case OTel gen_ai.provider.name value ('openai', 'aws.bedrock', 'gcp.vertex_ai', …). */
  provider: string;
  requestModel: string;
  /** Served model version; '' when not reported. */
  responseModel: string;
  agentName: string;
  agentId: string;
  toolName: string;
  toolCallId: string;
  sessionId: string;
  userId: string;
  /** '' when not on this span or its resource. */
  tenant: string;
  /** '' when not on this span or its resource (the pipeline falls back to the root name). */
  requestType: string;
  workflowName: string;
  environment: string;
  serviceName: string;
  serviceVersion: string;
  /** Inclusive of cache read and cache write tokens (OTel semantics). */
  inputTokens: number;
  /** Inclusive of reasoning tokens. */
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** True only on leaf model-call spans whose usage must be summed; false on spans that
   *  repeat their children's usage (agent, workflow and chain totals, Vercel wrappers). */
  usageCounted: boolean;
  /** Time to first token in milliseconds. */
  ttftMs: number | null;
  /** error.type, else exception.type, else '_OTHER' for an ERROR status, else ''. */
  errorType: string;
  /** Prompt / input messages as text (JSON when structured), truncated. */
  inputText: string;
  outputText: string;
  /** Normalized finish reason of a model call (finish-reason.ts); '' when not reported. */
  finishReason: FinishReason;
  /** Cost in USD when the sender reported one. */
  reportedCostUsd: number | null;
}
