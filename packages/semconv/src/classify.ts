import type { Category } from './types.ts';

/**
 * Operation and category per convention. Each classifier reads one convention's span-type
 * signal through a lookup table and answers or passes; the first answer (in precedence order)
 * wins. `leaf` marks a model call whose usage is summed; wrappers that repeat their children's
 * usage (agents, workflows, chains, Vercel `ai.generateText`) are not leaves.
 */
export interface Classification {
  readonly operation: string;
  readonly category: Category;
  readonly leaf: boolean;
}

/** The raw span-type signals of the conventions, read once per span by normalize.ts. */
export interface Signals {
  operationName: string; // gen_ai.operation.name
  openInferenceKind: string; // openinference.span.kind
  openLlmetryRequestType: string; // llm.request.type
  traceloopKind: string; // traceloop.span.kind
  vercelOperation: string; // ai.operationId, or the span name of an `ai` scope span
  vercelProvider: string; // ai.model.provider
  langfuseType: string; // langfuse.observation.type
  mastraType: string; // mastra.span.type
  spanName: string;
}

function c(operation: string, category: Category, leaf: boolean): Classification {
  return Object.freeze({ operation, category, leaf });
}

const CHAT = c('chat', 'llm', true);
const TEXT_COMPLETION = c('text_completion', 'llm', true);
const GENERATE_CONTENT = c('generate_content', 'llm', true);
const EMBEDDINGS = c('embeddings', 'llm', true);
const INVOKE_AGENT = c('invoke_agent', 'agent', false);
const CREATE_AGENT = c('create_agent', 'agent', false);
const EXECUTE_TOOL = c('execute_tool', 'tool', false);
const RETRIEVAL = c('retrieval', 'retrieval', false);
const RERANK = c('rerank', 'retrieval', true);
const WORKFLOW = c('workflow', 'chain', false);
const GUARDRAIL = c('guardrail', 'other', false);
const EVALUATOR = c('evaluator', 'other', false);
const CHAIN = c('', 'chain', false);
const OTHER = c('', 'other', false);
export const UNKNOWN = OTHER;
/** Fallbacks used by normalize.ts when no convention named the span type. */
export const TOOL_BY_PRESENCE = EXECUTE_TOOL;
export const MODEL_BY_PRESENCE = c('', 'llm', true);
/** Vercel legacy wrappers: same operation as their child but never counted. */
const VERCEL_TEXT_WRAPPER = c('invoke_agent', 'agent', false);
const VERCEL_EMBED_WRAPPER = c('embeddings', 'llm', false);

function table(entries: Record<string, Classification>): Map<string, Classification> {
  return new Map(Object.entries(entries));
}

/** gen_ai.operation.name (current and draft values, plus common non-standard spellings). */
const OTEL_OPERATIONS = table({
  chat: CHAT,
  text_completion: TEXT_COMPLETION,
  completion: TEXT_COMPLETION,
  generate_content: GENERATE_CONTENT,
  generate: GENERATE_CONTENT,
  embeddings: EMBEDDINGS,
  embedding: EMBEDDINGS,
  invoke_agent: INVOKE_AGENT,
  create_agent: CREATE_AGENT,
  execute_tool: EXECUTE_TOOL,
  retrieval: RETRIEVAL,
  rerank: RERANK,
  invoke_workflow: WORKFLOW,
  workflow: WORKFLOW,
  guardrail: GUARDRAIL,
  apply_guardrail: GUARDRAIL,
  evaluate: EVALUATOR,
  evaluation: EVALUATOR,
  evaluator: EVALUATOR,
});

/** OTel span names are `{operation} {target}`; only exact operation words are trusted. */
const SPAN_NAME_OPERATIONS = table({
  chat: CHAT,
  text_completion: TEXT_COMPLETION,
  generate_content: GENERATE_CONTENT,
  embeddings: EMBEDDINGS,
  invoke_agent: INVOKE_AGENT,
  create_agent: CREATE_AGENT,
  execute_tool: EXECUTE_TOOL,
  invoke_workflow: WORKFLOW,
});

const OPENINFERENCE_KINDS = table({
  LLM: CHAT,
  EMBEDDING: EMBEDDINGS,
  CHAIN,
  RETRIEVER: RETRIEVAL,
  RERANKER: RERANK,
  TOOL: EXECUTE_TOOL,
  AGENT: INVOKE_AGENT,
  GUARDRAIL,
  EVALUATOR,
  PROMPT: CHAIN,
});

const OPENLLMETRY_REQUEST_TYPES = table({
  chat: CHAT,
  completion: TEXT_COMPLETION,
  embedding: EMBEDDINGS,
  rerank: RERANK,
});

const TRACELOOP_KINDS = table({
  workflow: WORKFLOW,
  task: CHAIN,
  agent: INVOKE_AGENT,
  tool: EXECUTE_TOOL,
});

const VERCEL_OPERATIONS = table({
  'ai.generateText': VERCEL_TEXT_WRAPPER,
  'ai.streamText': VERCEL_TEXT_WRAPPER,
  'ai.generateObject': VERCEL_TEXT_WRAPPER,
  'ai.streamObject': VERCEL_TEXT_WRAPPER,
  'ai.embed': VERCEL_EMBED_WRAPPER,
  'ai.embedMany': VERCEL_EMBED_WRAPPER,
  'ai.toolCall': EXECUTE_TOOL,
  'ai.rerank': RERANK,
});

const LANGFUSE_TYPES = table({
  generation: CHAT,
  embedding: EMBEDDINGS,
  agent: INVOKE_AGENT,
  tool: EXECUTE_TOOL,
  chain: CHAIN,
  retriever: RETRIEVAL,
  guardrail: GUARDRAIL,
  evaluator: EVALUATOR,
  span: OTHER,
  event: OTHER,
});

const MASTRA_TYPES = table({
  model_generation: CHAT,
  tool_call: EXECUTE_TOOL,
  mcp_tool_call: EXECUTE_TOOL,
  agent_run: INVOKE_AGENT,
  workflow_run: WORKFLOW,
});

/** Exact match first; a case-folded retry only on a miss (values are usually canonical). */
function lookup(map: Map<string, Classification>, value: string): Classification | undefined {
  if (value === '') return undefined;
  return map.get(value) ?? map.get(value.toLowerCase()) ?? map.get(value.toUpperCase());
}

function vercel(s: Signals): Classification | undefined {
  const op = s.vercelOperation;
  if (op === '') return undefined;
  const hit = VERCEL_OPERATIONS.get(op);
  if (hit !== undefined) return hit;
  if (op.endsWith('.doGenerate') || op.endsWith('.doStream')) {
    return s.vercelProvider.endsWith('.completion') ? TEXT_COMPLETION : CHAT;
  }
  if (op.endsWith('.doEmbed')) return EMBEDDINGS;
  return undefined;
}

function spanName(s: Signals): Classification | undefined {
  const name = s.spanName;
  const space = name.indexOf(' ');
  return SPAN_NAME_OPERATIONS.get(space < 0 ? name : name.slice(0, space));
}

type Classifier = (s: Signals) => Classification | undefined;

/** Precedence: current OTel > OpenInference > OpenLLMetry > Vercel > Langfuse > Mastra > name. */
const CLASSIFIERS: readonly Classifier[] = [
  (s) => lookup(OTEL_OPERATIONS, s.operationName),
  (s) => lookup(OPENINFERENCE_KINDS, s.openInferenceKind),
  (s) => lookup(OPENLLMETRY_REQUEST_TYPES, s.openLlmetryRequestType),
  (s) => lookup(TRACELOOP_KINDS, s.traceloopKind),
  vercel,
  (s) => lookup(LANGFUSE_TYPES, s.langfuseType),
  (s) => lookup(MASTRA_TYPES, s.mastraType),
  spanName,
];

export function classify(s: Signals): Classification | undefined {
  for (let i = 0; i < CLASSIFIERS.length; i++) {
    const hit = CLASSIFIERS[i]!(s);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * Vercel legacy wrappers repeat their `do*` child's usage. Checked independently of the winning
 * classifier: OpenInference's Vercel processor tags both parent and child as LLM.
 */
export function isVercelWrapper(vercelOperation: string): boolean {
  const hit = VERCEL_OPERATIONS.get(vercelOperation);
  return hit === VERCEL_TEXT_WRAPPER || hit === VERCEL_EMBED_WRAPPER;
}
