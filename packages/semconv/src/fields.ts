/**
 * Declarative mapping: canonical field → attribute keys, best first.
 *
 * Order inside each list follows the precedence current OTel GenAI > deprecated OTel >
 * OpenInference > OpenLLMetry > Vercel AI SDK `ai.*` > vendors (Langfuse, Mastra). The first key
 * present with a non-empty value wins. A key ending in `.*` names a family of flattened,
 * indexed keys (`llm.input_messages.0.message.role`), reassembled into JSON when used.
 * Sources that need logic (kind-dependent names, JSON blobs, units) live next to their use.
 */

export const STRING_FIELDS = {
  requestModel: [
    'gen_ai.request.model',
    'llm.request.model_name',
    'llm.model_name',
    'embedding.model_name',
    'reranker.model_name',
    'llm.request.model',
    'ai.model.id',
    'langfuse.observation.model.name',
  ],
  responseModel: ['gen_ai.response.model', 'llm.response.model_name', 'llm.response.model', 'ai.response.model'],
  agentName: ['gen_ai.agent.name', 'agent.name'],
  agentId: ['gen_ai.agent.id'],
  toolName: ['gen_ai.tool.name', 'tool.name', 'tool_call.function.name', 'ai.toolCall.name'],
  toolCallId: ['gen_ai.tool.call.id', 'tool_call.id', 'tool.id', 'ai.toolCall.id'],
  sessionId: [
    'gen_ai.conversation.id',
    'session.id',
    'traceloop.association.properties.session_id',
    'ai.telemetry.metadata.sessionId',
    'langfuse.session.id',
  ],
  userId: [
    'user.id',
    'enduser.id',
    'traceloop.association.properties.user_id',
    'ai.telemetry.metadata.userId',
    'langfuse.user.id',
  ],
  workflowName: ['gen_ai.workflow.name', 'traceloop.workflow.name', 'ai.telemetry.functionId', 'langfuse.trace.name'],
  errorType: ['error.type'],
  exceptionType: ['exception.type'],
  // Classifier signals (see classify.ts).
  operationName: ['gen_ai.operation.name'],
  openInferenceKind: ['openinference.span.kind'],
  openLlmetryRequestType: ['llm.request.type'],
  traceloopKind: ['traceloop.span.kind'],
  traceloopEntity: ['traceloop.entity.name'],
  vercelOperationId: ['ai.operationId'],
  vercelFunctionId: ['ai.telemetry.functionId'],
  vercelProvider: ['ai.model.provider'],
  langfuseType: ['langfuse.observation.type'],
  langfuseLevel: ['langfuse.observation.level'],
  langfuseCompletionStart: ['langfuse.observation.completion_start_time'],
  mastraType: ['mastra.span.type'],
  // Provider: OTel keys first, then OpenInference's pair (combined in provider.ts), then Vercel.
  providerOtel: ['gen_ai.provider.name', 'gen_ai.system'],
  oiSystem: ['llm.system'],
  oiProvider: ['llm.provider'],
  costCurrency: ['gen_ai.usage.cost.currency'],
} as const satisfies Record<string, readonly string[]>;

/** Looked up on resource attributes first, then on span attributes. */
export const RESOURCE_FIELDS = {
  serviceName: ['service.name'],
  serviceVersion: ['service.version'],
  environment: ['deployment.environment.name', 'deployment.environment', 'langfuse.environment'],
} as const satisfies Record<string, readonly string[]>;

/** Token buckets. `input`/`output` are inclusive (OTel); see usage.ts for the guards. */
export const TOKEN_FIELDS = {
  input: [
    'gen_ai.usage.input_tokens',
    'gen_ai.usage.prompt_tokens',
    'llm.token_count.prompt',
    'ai.usage.inputTokens',
    'ai.usage.promptTokens',
  ],
  output: [
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.completion_tokens',
    'llm.token_count.completion',
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
  ],
  cacheRead: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'llm.token_count.prompt_details.cache_read',
    'ai.usage.inputTokenDetails.cacheReadTokens',
    'ai.usage.cachedInputTokens',
    'gen_ai.usage.cached_input_tokens',
    'gen_ai.usage.cached_tokens',
  ],
  cacheWrite: [
    'gen_ai.usage.cache_write.input_tokens',
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'llm.token_count.prompt_details.cache_write',
    'ai.usage.inputTokenDetails.cacheWriteTokens',
    'gen_ai.usage.cache_write_tokens',
  ],
  reasoning: [
    'gen_ai.usage.reasoning.output_tokens',
    'gen_ai.usage.reasoning_tokens',
    'llm.usage.reasoning_tokens',
    'llm.token_count.completion_details.reasoning',
    'ai.usage.outputTokenDetails.reasoningTokens',
    'ai.usage.reasoningTokens',
  ],
  total: [
    'gen_ai.usage.total_tokens',
    'llm.token_count.total',
    'llm.usage.total_tokens',
    'ai.usage.totalTokens',
    'ai.usage.tokens',
  ],
} as const satisfies Record<string, readonly string[]>;

/** Vendor JSON blobs used as a whole (never mixed field-by-field with the keys above). */
export const JSON_FIELDS = {
  langfuseUsage: ['langfuse.observation.usage_details'],
  langfuseCost: ['langfuse.observation.cost_details'],
  openInferenceMetadata: ['metadata'],
  langfuseTraceMetadata: ['langfuse.trace.metadata'],
} as const satisfies Record<string, readonly string[]>;

/** Reported cost in USD, best first (see usage.ts for the OpenInference sum and Langfuse). */
export const COST_FIELDS = {
  total: ['gen_ai.usage.cost.amount', 'gen_ai.usage.cost', 'llm.cost.total'],
  prompt: ['llm.cost.prompt'],
  completion: ['llm.cost.completion'],
} as const satisfies Record<string, readonly string[]>;

/** Time to first token; `toMs` converts the attribute's unit. */
export const TTFT_FIELDS: readonly { key: string; toMs: number }[] = [
  { key: 'gen_ai.response.time_to_first_chunk', toMs: 1000 },
  { key: 'gen_ai.client.operation.time_to_first_chunk', toMs: 1000 },
  { key: 'gen_ai.server.time_to_first_token', toMs: 1000 },
  { key: 'gen_ai.latency.time_to_first_token', toMs: 1000 },
  { key: 'ai.response.msToFirstChunk', toMs: 1 },
];

/** Content, best first. Tool arguments/results and retrieval queries count as content. */
export const TEXT_FIELDS = {
  input: [
    'gen_ai.input.messages',
    'gen_ai.tool.call.arguments',
    'gen_ai.retrieval.query.text',
    'gen_ai.prompt',
    'input.value',
    'llm.input_messages.*',
    'gen_ai.prompt.*',
    'traceloop.entity.input',
    'ai.prompt.messages',
    'ai.prompt',
    'ai.toolCall.args',
    'ai.value',
    'ai.values',
    'langfuse.observation.input',
  ],
  output: [
    'gen_ai.output.messages',
    'gen_ai.tool.call.result',
    'gen_ai.retrieval.documents',
    'gen_ai.completion',
    'output.value',
    'llm.output_messages.*',
    'gen_ai.completion.*',
    'traceloop.entity.output',
    'ai.response.text',
    'ai.response.object',
    'ai.response.toolCalls',
    'ai.toolCall.result',
    'langfuse.observation.output',
  ],
} as const satisfies Record<string, readonly string[]>;

/** Keys read from JSON metadata blobs (OpenInference `metadata`, `langfuse.trace.metadata`). */
export const METADATA_KEYS = {
  tenant: ['tenant', 'tenant_id', 'tenantId', 'customer_id', 'customerId'],
  requestType: ['request_type', 'requestType'],
} as const satisfies Record<string, readonly string[]>;

/**
 * Finish reason of a model call, best first; the first value of an array wins (see
 * finish-reason.ts for the canonical set). The deprecated `gen_ai.output.messages[].finish_reason`
 * is read only when none of these is present.
 */
export const FINISH_REASON_FIELDS = [
  'gen_ai.response.finish_reasons',
  'gen_ai.response.finish_reason',
  'llm.finish_reason',
  'llm.response.finish_reason',
  'gen_ai.completion.0.finish_reason',
  'ai.response.finishReason',
] as const;
