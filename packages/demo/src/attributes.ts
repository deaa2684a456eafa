/**
 * Planned span → OTel attributes, using current OTel GenAI names (research/conventions.md §1).
 * Trace-level context (tenant.id, plumb.request_type, user.id) goes on the root only: the
 * collector propagates it to the rest of the trace, which is exactly what the demo exercises.
 */
import type { PlannedSpan, PlannedTrace } from './scenario.ts';

export type DemoAttributeValue = string | number | boolean | string[];
export type DemoAttributes = Record<string, DemoAttributeValue>;

export const SERVICE_VERSION = '1.4.2';
export const ENVIRONMENT = 'demo';
export const SCOPE_NAME = '@plumb/demo';

export function resourceAttributes(service: string): DemoAttributes {
  return {
    'service.name': service,
    'service.version': SERVICE_VERSION,
    'deployment.environment.name': ENVIRONMENT,
    'telemetry.sdk.language': 'nodejs',
  };
}

export function spanAttributes(trace: PlannedTrace, s: PlannedSpan): DemoAttributes {
  const a: DemoAttributes = { 'gen_ai.operation.name': s.operation };
  if (s.parentSpanId === '') {
    a['tenant.id'] = trace.tenant;
    a['plumb.request_type'] = trace.requestType;
    a['user.id'] = trace.userId;
  }
  if (s.operation === 'invoke_agent') {
    a['gen_ai.agent.name'] = s.agentName;
    a['gen_ai.conversation.id'] = trace.conversationId;
  } else if (s.operation === 'chat') {
    a['gen_ai.provider.name'] = s.provider;
    a['gen_ai.request.model'] = s.requestModel;
    a['server.address'] = s.serverAddress;
    if (s.status === 'ok') {
      a['gen_ai.response.model'] = s.responseModel;
      a['gen_ai.usage.input_tokens'] = s.inputTokens;
      a['gen_ai.usage.output_tokens'] = s.outputTokens;
      if (s.cacheReadTokens > 0) a['gen_ai.usage.cache_read.input_tokens'] = s.cacheReadTokens;
      if (s.cacheWriteTokens > 0) a['gen_ai.usage.cache_creation.input_tokens'] = s.cacheWriteTokens;
      if (s.reasoningTokens > 0) a['gen_ai.usage.reasoning.output_tokens'] = s.reasoningTokens;
      a['gen_ai.response.finish_reasons'] = [s.finishReason];
    }
    if (s.ttftMs !== null) {
      a['gen_ai.request.stream'] = true;
      a['gen_ai.response.time_to_first_chunk'] = Math.round(s.ttftMs) / 1000;
    }
    if (s.inputMessages) a['gen_ai.input.messages'] = s.inputMessages;
    if (s.outputMessages) a['gen_ai.output.messages'] = s.outputMessages;
  } else if (s.operation === 'execute_tool') {
    a['gen_ai.tool.name'] = s.toolName;
    a['gen_ai.tool.call.id'] = s.toolCallId;
    a['gen_ai.tool.type'] = 'function';
  } else {
    a['gen_ai.data_source.id'] = s.dataSourceId;
  }
  if (s.errorType) a['error.type'] = s.errorType;
  return a;
}

/** The `exception` event a failed span records (at its end). */
export function exceptionEvent(s: PlannedSpan): Record<string, string> | null {
  if (s.status !== 'error') return null;
  return { 'exception.type': s.errorType, 'exception.message': s.statusMessage };
}
