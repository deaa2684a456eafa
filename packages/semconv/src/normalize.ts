import type { AttrValue, Attributes, OtlpScope, OtlpSpan } from '@plumb/otlp';
import { StatusCode } from '@plumb/otlp';
import type { AttrScan } from './attr-index.ts';
import {
  classify,
  isVercelWrapper,
  MODEL_BY_PRESENCE,
  TOOL_BY_PRESENCE,
  UNKNOWN,
  type Classification,
  type Signals,
} from './classify.ts';
import { readEvents } from './events.ts';
import { firstFinishReason, normalizeFinishReason, outputMessagesFinishReason, type FinishReason } from './finish-reason.ts';
import { METADATA_KEYS } from './fields.ts';
import { unflatten } from './flattened.ts';
import { normalizeProvider, openInferenceProvider } from './provider.ts';
import { resourceFacts, schemaFor, type Schema, type TextSource } from './schema.ts';
import { DEFAULT_MAX_TEXT_LENGTH, DEFAULT_SEMCONV_OPTIONS, type NormalizedSpan, type SemconvOptions } from './types.ts';
import { asUsd, hasAnyTokens, inclusiveUsage, langfuseCost, langfuseUsage, type Usage } from './usage.ts';
import { asNumber, asObject, asString, asText } from './values.ts';

const VERCEL_SCOPE = 'ai';
const ZERO_USAGE: Usage = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 });

/**
 * Maps one span (with its resource and scope) onto Plumb's canonical fields.
 * Pure and synchronous; reuse one `options` object across calls (it is compiled once).
 */
export function normalizeSpan(
  resource: Attributes,
  scope: OtlpScope,
  span: OtlpSpan,
  options: SemconvOptions = DEFAULT_SEMCONV_OPTIONS,
  maxTextLength: number = DEFAULT_MAX_TEXT_LENGTH,
): NormalizedSpan {
  const schema = schemaFor(options);
  const scan = schema.scan;
  scan.load(span.attributes);
  const f = schema.str;

  const signals = readSignals(scan, schema, scope, span);
  const requestModel = scan.str(f.requestModel);
  const responseModel = scan.str(f.responseModel);
  let toolName = scan.str(f.toolName);
  const toolCallId = scan.str(f.toolCallId);
  const cls = classifySpan(signals, toolName !== '' || toolCallId !== '', requestModel !== '' || responseModel !== '');

  const entity = scan.str(f.traceloopEntity);
  if (toolName === '') toolName = kindName(signals, cls, 'execute_tool', 'tool', entity);
  let agentName = scan.str(f.agentName);
  if (agentName === '' && signals.traceloopKind === 'agent') agentName = entity;
  if (agentName === '') agentName = scan.str(f.vercelFunctionId);
  // Not parsed from `invoke_agent {x}` names: Vercel v7 puts the model id there.
  if (agentName === '') agentName = kindName(signals, cls, '', 'agent', '');
  let workflowName = scan.str(f.workflowName);
  if (workflowName === '') workflowName = kindName(signals, cls, 'invoke_workflow', 'workflow', entity);

  const res = resourceFacts(resource, schema);
  const rs = schema.resourceOnSpan;
  let tenant = scan.str(schema.tenant);
  let requestType = scan.str(schema.requestType);
  if (tenant === '' || requestType === '') {
    const meta = metadataFacts(scan, schema);
    if (tenant === '') tenant = meta.tenant !== '' ? meta.tenant : res.tenant;
    if (requestType === '') requestType = meta.requestType !== '' ? meta.requestType : res.requestType;
  }

  const events = readEvents(span);
  const usage = readUsage(scan, schema);
  let errorType = scan.str(f.errorType);
  if (errorType === '') errorType = events.exceptionType;
  if (errorType === '') errorType = scan.str(f.exceptionType);
  if (errorType === '' && (span.status.code === StatusCode.ERROR || isErrorLevel(scan.str(f.langfuseLevel)))) {
    errorType = '_OTHER';
  }

  let inputText = firstText(scan, schema.inputText, maxTextLength);
  if (inputText === '') inputText = asText(events.inputMessages, maxTextLength);
  let outputText = firstText(scan, schema.outputText, maxTextLength);
  if (outputText === '') outputText = asText(events.outputMessages, maxTextLength);

  let ttftMs = readTtft(scan, schema, span);
  if (ttftMs === null && events.ttftMs >= 0) ttftMs = events.ttftMs;

  return {
    operation: cls.operation,
    category: cls.category,
    provider: readProvider(scan, schema),
    requestModel,
    responseModel,
    agentName,
    agentId: scan.str(f.agentId),
    toolName,
    toolCallId,
    sessionId: scan.str(f.sessionId),
    userId: scan.str(f.userId),
    tenant,
    requestType,
    workflowName,
    environment: res.environment !== '' ? res.environment : scan.str(rs.environment),
    serviceName: res.serviceName !== '' ? res.serviceName : scan.str(rs.serviceName),
    serviceVersion: res.serviceVersion !== '' ? res.serviceVersion : scan.str(rs.serviceVersion),
    inputTokens: usage.input,
    outputTokens: usage.output,
    cacheReadTokens: usage.cacheRead,
    cacheWriteTokens: usage.cacheWrite,
    reasoningTokens: usage.reasoning,
    usageCounted: cls.leaf && !isVercelWrapper(signals.vercelOperation),
    ttftMs,
    errorType,
    inputText,
    outputText,
    reportedCostUsd: readCost(scan, schema),
    finishReason: readFinishReason(scan, schema, events.outputMessages),
  };
}

function readSignals(scan: AttrScan, schema: Schema, scope: OtlpScope, span: OtlpSpan): Signals {
  const f = schema.str;
  let vercelOperation = scan.str(f.vercelOperationId);
  if (vercelOperation === '' && scope.name === VERCEL_SCOPE && span.name.startsWith('ai.')) {
    vercelOperation = span.name;
  }
  return {
    operationName: scan.str(f.operationName),
    openInferenceKind: scan.str(f.openInferenceKind),
    openLlmetryRequestType: scan.str(f.openLlmetryRequestType),
    traceloopKind: scan.str(f.traceloopKind),
    vercelOperation,
    vercelProvider: scan.str(f.vercelProvider),
    langfuseType: scan.str(f.langfuseType),
    mastraType: scan.str(f.mastraType),
    spanName: span.name,
  };
}

/** Conventions first; then Langfuse's presence rules: tool ids → tool, a model → model call. */
function classifySpan(signals: Signals, hasTool: boolean, hasModel: boolean): Classification {
  const hit = classify(signals);
  if (hit !== undefined) return hit;
  if (hasTool) return TOOL_BY_PRESENCE;
  if (hasModel) return MODEL_BY_PRESENCE;
  return UNKNOWN;
}

/**
 * Name of the agent / tool / workflow when no attribute names it: the target in an OTel span
 * name (`execute_tool search` → `search`), the Traceloop entity of that kind, or — for
 * OpenInference and Langfuse spans of that kind — the span name itself.
 */
function kindName(s: Signals, cls: Classification, otelOp: string, kind: string, entity: string): string {
  const name = s.spanName;
  if (otelOp !== '' && name.length > otelOp.length + 1 && name.startsWith(otelOp) && name.charCodeAt(otelOp.length) === 32) {
    return name.slice(otelOp.length + 1);
  }
  if (s.traceloopKind === kind && entity !== '') return entity;
  if (kind === 'workflow' || cls.category !== kind) return '';
  const oiKind = kind === 'agent' ? 'AGENT' : 'TOOL';
  const isKind = s.openInferenceKind.toUpperCase() === oiKind || s.langfuseType.toLowerCase() === kind;
  return isKind ? name : '';
}

function readProvider(scan: AttrScan, schema: Schema): string {
  const f = schema.str;
  const otel = scan.str(f.providerOtel);
  if (otel !== '') return normalizeProvider(otel);
  const oiSystem = scan.str(f.oiSystem);
  const oiProvider = scan.str(f.oiProvider);
  if (oiSystem !== '' || oiProvider !== '') return openInferenceProvider(oiSystem, oiProvider);
  const vercel = scan.str(f.vercelProvider);
  return vercel !== '' ? normalizeProvider(vercel) : '';
}

function metadataFacts(scan: AttrScan, schema: Schema): { tenant: string; requestType: string } {
  const oi = scan.raw(schema.json.openInferenceMetadata);
  const lf = scan.raw(schema.json.langfuseTraceMetadata);
  if (oi === undefined && lf === undefined) return NO_METADATA;
  let tenant = '';
  let requestType = '';
  for (const raw of [oi, lf]) {
    const meta = raw === undefined ? null : asObject(raw);
    if (meta === null) continue;
    if (tenant === '') tenant = firstMetaString(meta, METADATA_KEYS.tenant);
    if (requestType === '') requestType = firstMetaString(meta, METADATA_KEYS.requestType);
  }
  return { tenant, requestType };
}

const NO_METADATA = Object.freeze({ tenant: '', requestType: '' });

function firstMetaString(meta: Record<string, unknown>, keys: readonly string[]): string {
  for (const key of keys) {
    const v = asString(meta[key] as AttrValue);
    if (v !== '') return v;
  }
  return '';
}

/** Attribute counts (any convention) win; Langfuse's usage JSON is used only on its own. */
function readUsage(scan: AttrScan, schema: Schema): Usage {
  const t = schema.tokens;
  const raw = {
    input: scan.count(t.input),
    output: scan.count(t.output),
    cacheRead: scan.count(t.cacheRead),
    cacheWrite: scan.count(t.cacheWrite),
    reasoning: scan.count(t.reasoning),
    total: scan.count(t.total),
  };
  if (hasAnyTokens(raw)) return inclusiveUsage(raw);
  const details = scan.raw(schema.json.langfuseUsage);
  if (details === undefined) return ZERO_USAGE;
  const parsed = asObject(details);
  return parsed === null ? ZERO_USAGE : langfuseUsage(parsed);
}

function readCost(scan: AttrScan, schema: Schema): number | null {
  const c = schema.cost;
  for (let i = 0; i < c.total.length; i++) {
    const slot = c.total[i]!;
    const v = scan.get(slot);
    if (v === undefined) continue;
    // The draft gen_ai.usage.cost.amount comes with a currency; only USD is usable here.
    if (i === 0) {
      const currency = scan.str(schema.str.costCurrency);
      if (currency !== '' && currency.toUpperCase() !== 'USD') continue;
    }
    const usd = asUsd(v);
    if (usd === usd) return usd;
  }
  const prompt = asUsd(scan.get(c.prompt[0]!));
  const completion = asUsd(scan.get(c.completion[0]!));
  if (prompt === prompt || completion === completion) {
    return (prompt === prompt ? prompt : 0) + (completion === completion ? completion : 0);
  }
  const details = scan.raw(schema.json.langfuseCost);
  if (details === undefined) return null;
  const parsed = asObject(details);
  const usd = parsed === null ? NaN : langfuseCost(parsed);
  return usd === usd ? usd : null;
}

function readTtft(scan: AttrScan, schema: Schema, span: OtlpSpan): number | null {
  for (const { slot, toMs } of schema.ttft) {
    const n = asNumber(scan.get(slot));
    if (n === n && n >= 0) return n * toMs;
  }
  // Langfuse: an absolute completion start (ISO string, sometimes JSON-quoted).
  const start = scan.str(schema.str.langfuseCompletionStart);
  if (start === '') return null;
  const at = Date.parse(start.charCodeAt(0) === 34 ? start.slice(1, -1) : start);
  if (at !== at) return null;
  const ms = at - Number(span.startTimeUnixNano / 1_000_000n);
  return ms >= 0 ? ms : null;
}

function firstText(scan: AttrScan, sources: readonly TextSource[], max: number): string {
  for (let i = 0; i < sources.length; i++) {
    const src = sources[i]!;
    let text: string;
    if (typeof src === 'number') {
      const v = scan.get(src);
      if (v === undefined) continue;
      text = asText(v, max);
    } else {
      const keys = scan.flatKeys(src);
      if (keys.length === 0) continue;
      text = asText(unflatten(src, keys, scan.attrs), max);
    }
    if (text !== '') return text;
  }
  return '';
}

function readFinishReason(scan: AttrScan, schema: Schema, eventOutput: unknown): FinishReason {
  const reported = firstFinishReason(scan.raw(schema.finishReason));
  if (reported !== '') return normalizeFinishReason(reported);
  const messages = scan.get(schema.outputMessages) ?? eventOutput;
  return messages === undefined ? '' : normalizeFinishReason(outputMessagesFinishReason(messages));
}

function isErrorLevel(level: string): boolean {
  return level === 'ERROR' || level === 'error';
}
