/**
 * Pure, seeded generator of realistic multi-agent traces. `new Scenario(seed).next()` returns one
 * trace as a flat list of planned spans (parents before children, root first) with timings
 * relative to the trace start; the OTel emitter and the direct backfill both consume it.
 *
 * Invariants (tested): exactly one root; every child lies inside its parent; sequential steps
 * do not overlap; tenant/request type/user are trace-level fields (the emitter puts them on the
 * root only); cacheRead + cacheWrite ≤ input and reasoning ≤ output (OTel inclusive buckets).
 */
import {
  AGENTS, CONTENT, DEMO_TENANTS, TENANTS, TOOLS,
  type AgentName, type DataSource, type DemoRequestType, type DemoTenant, type ModelSpec, type ToolName,
} from './catalog.ts';
import { failureCandidates, planAgents, type AgentPlan, type FailurePoint, type Step } from './plan.ts';
import { Rng } from './rng.ts';

export type PlannedOperation = 'invoke_agent' | 'chat' | 'execute_tool' | 'retrieval';
export type PlannedCategory = 'agent' | 'llm' | 'tool' | 'retrieval';
export type PlannedKind = 'server' | 'client' | 'internal';

export interface PlannedSpan {
  spanId: string;
  /** '' for the root. */
  parentSpanId: string;
  name: string;
  kind: PlannedKind;
  service: string;
  operation: PlannedOperation;
  category: PlannedCategory;
  /** Milliseconds from the trace start (fractional). */
  startMs: number;
  endMs: number;
  status: 'ok' | 'error';
  errorType: string;
  statusMessage: string;
  /** gen_ai.agent.name (invoke_agent spans only). */
  agentName: string;
  toolName: string;
  toolCallId: string;
  dataSourceId: string;
  provider: string;
  requestModel: string;
  responseModel: string;
  serverAddress: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Time to first token for streamed LLM calls, else null. */
  ttftMs: number | null;
  finishReason: string;
  /** gen_ai.input.messages / gen_ai.output.messages JSON, '' when content is not captured. */
  inputMessages: string;
  outputMessages: string;
}

export interface PlannedTrace {
  traceId: string;
  tenant: DemoTenant;
  requestType: DemoRequestType;
  userId: string;
  conversationId: string;
  /** 1-based turn within the conversation. */
  turn: number;
  durationMs: number;
  /** A tool timed out and the error propagated to the root. */
  failed: boolean;
  /** At least one LLM call hit a rate limit and was retried (the trace itself succeeds). */
  retried: boolean;
  spans: PlannedSpan[];
}

export interface ScenarioOptions {
  seed: number;
  /** Share of traces where a tool times out and the failure propagates (default 0.05). */
  failureRate?: number;
  /** Per-LLM-call probability of a rate-limited first attempt (default 0.025). */
  retryRate?: number;
  /** Share of traces that record prompt/completion content (default 0.3). */
  contentRate?: number;
}

interface Conversation {
  tenant: DemoTenant;
  userId: string;
  conversationId: string;
  requestType: DemoRequestType;
  turns: number;
  done: number;
}

const TENANT_TABLE = DEMO_TENANTS.map((t) => [t, TENANTS[t].weight] as const);
const ACTIVE_CONVERSATIONS = 8;
/** Client-side cap on one LLM call (keeps every trace well under five minutes). */
const LLM_TIMEOUT_MS = 60_000;

function messages(role: 'user' | 'assistant', text: string, finishReason?: string): string {
  const msg: Record<string, unknown> = { role, parts: [{ type: 'text', content: text }] };
  if (finishReason) msg.finish_reason = finishReason;
  return JSON.stringify([msg]);
}

export class Scenario {
  private readonly rng: Rng;
  private readonly failureRate: number;
  private readonly retryRate: number;
  private readonly contentRate: number;
  private readonly pool: (Conversation | undefined)[] = new Array(ACTIVE_CONVERSATIONS).fill(undefined);

  constructor(options: ScenarioOptions | number) {
    const o = typeof options === 'number' ? { seed: options } : options;
    this.rng = new Rng(o.seed);
    this.failureRate = o.failureRate ?? 0.05;
    this.retryRate = o.retryRate ?? 0.025;
    this.contentRate = o.contentRate ?? 0.3;
  }

  /** The next trace of the stream. */
  next(): PlannedTrace {
    const conv = this.conversation();
    const agents = planAgents(this.rng, conv.requestType);
    const candidates = failureCandidates(agents);
    const failAt = candidates.length > 0 && this.rng.chance(this.failureRate) ? this.rng.pick(candidates) : null;
    const b = new TraceBuilder(this.rng, conv, this.retryRate);
    const failed = b.build(agents, failAt);
    if (this.rng.chance(this.contentRate)) b.addContent();
    const root = b.spans[0]!;
    return {
      traceId: this.rng.traceId(),
      tenant: conv.tenant,
      requestType: conv.requestType,
      userId: conv.userId,
      conversationId: conv.conversationId,
      turn: conv.done,
      durationMs: root.endMs - root.startMs,
      failed,
      retried: b.retried,
      spans: b.spans,
    };
  }

  /** A conversation continues for 2–6 traces of the same user and tenant. */
  private conversation(): Conversation {
    const slot = this.rng.int(0, ACTIVE_CONVERSATIONS - 1);
    let conv = this.pool[slot];
    if (!conv || conv.done >= conv.turns) {
      const tenant = this.rng.weighted(TENANT_TABLE);
      const profile = TENANTS[tenant];
      const user = Math.min(profile.users, Math.floor(profile.users * Math.pow(this.rng.next(), 1.6)) + 1);
      conv = {
        tenant,
        userId: `${tenant}-user-${String(user).padStart(3, '0')}`,
        conversationId: `conv_${this.rng.hex(8)}`,
        requestType: this.rng.weighted(Object.entries(profile.mix) as [DemoRequestType, number][]),
        turns: this.rng.int(2, 6),
        done: 0,
      };
      this.pool[slot] = conv;
    }
    conv.done++;
    return conv;
  }
}

/** Deterministic list of `count` traces for a seed. */
export function generateTraces(seed: number, count: number): PlannedTrace[] {
  const s = new Scenario(seed);
  return Array.from({ length: count }, () => s.next());
}

/** Lays out one trace's spans in time. */
class TraceBuilder {
  readonly spans: PlannedSpan[] = [];
  retried = false;

  constructor(
    private readonly rng: Rng,
    private readonly conv: Conversation,
    private readonly retryRate: number,
  ) {}

  /** Returns true when the injected failure propagated to the root. */
  build(agents: readonly AgentPlan[], failAt: FailurePoint | null): boolean {
    const root = this.span('', AGENTS.orchestrator.service, 'invoke_agent', 0);
    root.kind = 'server';
    root.name = 'invoke_agent orchestrator';
    root.agentName = 'orchestrator';
    const routing = this.pickModel('orchestrator');
    let t = this.llm(root, 'orchestrator', routing, this.gap(0.5, 3), 0);
    let failure: PlannedSpan | null = null;
    for (let i = 0; i < agents.length && !failure; i++) {
      const res = this.agent(root, agents[i]!, t + this.gap(1, 6), failAt?.agent === i ? failAt : null);
      t = res.end;
      failure = res.failure;
    }
    root.endMs = t + this.gap(1, 8);
    if (failure) this.fail(root, failure.errorType, `agent ${failure.agentName} failed: ${failure.statusMessage}`);
    return failure !== null;
  }

  /** Stamps the user's prompt on the first LLM call and the answer on the last successful one. */
  addContent(): void {
    const [prompt, answer] = this.rng.pick(CONTENT[this.conv.requestType]);
    const calls = this.spans.filter((s) => s.operation === 'chat' && s.status === 'ok');
    const first = calls[0];
    const last = calls[calls.length - 1];
    if (!first || !last) return;
    first.inputMessages = messages('user', prompt);
    first.outputMessages = messages('assistant', `route: ${this.conv.requestType}`, 'stop');
    if (last !== first) {
      last.inputMessages = messages('user', prompt);
      last.outputMessages = messages('assistant', answer, last.finishReason);
    }
  }

  private agent(parent: PlannedSpan, plan: AgentPlan, start: number, failAt: FailurePoint | null): { end: number; failure: PlannedSpan | null } {
    const span = this.span(parent.spanId, AGENTS[plan.agent].service, 'invoke_agent', start);
    span.name = `invoke_agent ${plan.agent}`;
    span.agentName = plan.agent;
    const model = this.pickModel(plan.agent);
    let t = start + this.gap(0.3, 2);
    let llmCalls = 0;
    let failed: PlannedSpan | null = null;
    for (let i = 0; i < plan.steps.length && !failed; i++) {
      const step: Step = plan.steps[i]!;
      const failSlot = failAt?.step === i ? failAt.slot : -1;
      if (step.t === 'llm') {
        t = this.llm(span, plan.agent, model, t, llmCalls++) + this.gap(0.2, 3);
      } else if (step.t === 'tool') {
        const s = this.tool(span, step.tool, t, failSlot === 0);
        if (s.status === 'error') failed = s;
        t = s.endMs + this.gap(0.2, 3);
      } else if (step.t === 'retrieval') {
        const s = this.retrieval(span, step.source, t, failSlot === 0);
        if (s.status === 'error') failed = s;
        t = s.endMs + this.gap(0.2, 3);
      } else {
        let end = t;
        for (let slot = 0; slot < step.tools.length; slot++) {
          const s = this.tool(span, step.tools[slot]!, t + this.gap(0.05, 4), failSlot === slot);
          if (s.status === 'error') failed = s;
          end = Math.max(end, s.endMs);
        }
        t = end + this.gap(0.2, 3);
      }
    }
    span.endMs = t + this.gap(0.2, 2);
    if (failed) {
      this.fail(span, failed.errorType, `${failed.category} ${failed.toolName || failed.dataSourceId} failed: ${failed.statusMessage}`);
      return { end: span.endMs, failure: span };
    }
    return { end: span.endMs, failure: null };
  }

  private llm(parent: PlannedSpan, agent: AgentName, model: ModelSpec, start: number, callIndex: number): number {
    let t = start;
    if (this.rng.chance(this.retryRate)) {
      const rejected = this.chatSpan(parent, model, t);
      rejected.endMs = t + this.rng.logNormal(180, 0.5);
      rejected.ttftMs = null;
      rejected.finishReason = '';
      this.fail(rejected, 'rate_limit', '429 Too Many Requests: rate limit exceeded, retry after backoff');
      this.retried = true;
      t = rejected.endMs + this.rng.logNormal(800, 0.5);
    }
    const s = this.chatSpan(parent, model, t);
    const profile = AGENTS[agent];
    const input = Math.max(20, Math.round(this.rng.logNormal(profile.inputTokensMedian * (1 + 0.6 * callIndex), 0.5)));
    const visible = Math.max(1, Math.min(8192, Math.round(this.rng.logNormal(profile.outputTokensMedian, 0.6))));
    const reasoning = model.reasoning ? Math.round(visible * this.rng.uniform(0.8, 4)) : 0;
    const cacheRead = input >= 1024 && this.rng.chance(model.cacheReadRate) ? Math.floor(input * this.rng.uniform(0.4, 0.9)) : 0;
    const cacheWrite = this.rng.chance(model.cacheWriteRate) ? Math.floor((input - cacheRead) * this.rng.uniform(0.2, 0.8)) : 0;
    s.inputTokens = input;
    s.outputTokens = visible + reasoning;
    s.reasoningTokens = reasoning;
    s.cacheReadTokens = cacheRead;
    s.cacheWriteTokens = cacheWrite;
    const ttft = this.rng.logNormal(model.ttftMs, 0.35) + ((input - cacheRead) / 25_000) * 1000;
    const decode = (s.outputTokens / model.decodeTokensPerSec) * 1000 * this.rng.logNormal(1, 0.2);
    const slow = this.rng.chance(0.02) ? this.rng.uniform(2, 5) : 1;
    s.ttftMs = Math.min(LLM_TIMEOUT_MS / 2, ttft * slow);
    s.endMs = t + Math.min(LLM_TIMEOUT_MS, (ttft + decode) * slow);
    s.finishReason = visible >= 8192 ? 'length' : 'stop';
    return s.endMs;
  }

  private chatSpan(parent: PlannedSpan, model: ModelSpec, start: number): PlannedSpan {
    const s = this.span(parent.spanId, parent.service, 'chat', start);
    s.kind = 'client';
    s.name = `chat ${model.requestModel}`;
    s.provider = model.provider;
    s.requestModel = model.requestModel;
    s.responseModel = model.responseModel;
    s.serverAddress = model.serverAddress;
    return s;
  }

  private tool(parent: PlannedSpan, tool: ToolName, start: number, fail: boolean): PlannedSpan {
    const s = this.span(parent.spanId, parent.service, 'execute_tool', start);
    s.name = `execute_tool ${tool}`;
    s.toolName = tool;
    s.toolCallId = `call_${this.rng.hex(12)}`;
    const p = TOOLS[tool];
    if (fail) {
      s.endMs = start + p.timeoutMs + this.rng.uniform(0, 20);
      this.fail(s, 'timeout', `${tool} timed out after ${p.timeoutMs} ms`);
    } else {
      s.endMs = start + Math.min(p.timeoutMs * 0.9, this.rng.logNormal(p.medianMs, 0.6));
    }
    return s;
  }

  private retrieval(parent: PlannedSpan, source: DataSource, start: number, fail: boolean): PlannedSpan {
    const s = this.span(parent.spanId, parent.service, 'retrieval', start);
    s.kind = 'client';
    s.name = `retrieval ${source.id}`;
    s.dataSourceId = source.id;
    if (fail) {
      s.endMs = start + 5000 + this.rng.uniform(0, 20);
      this.fail(s, 'timeout', `vector search on ${source.id} timed out after 5000 ms`);
    } else {
      s.endMs = start + this.rng.logNormal(source.medianMs, 0.5);
    }
    return s;
  }

  private pickModel(agent: AgentName): ModelSpec {
    const bias = TENANTS[this.conv.tenant].selfHostedBias;
    const table = AGENTS[agent].models.map(([m, w]) => [m, m.selfHosted ? w + bias : w] as const);
    return this.rng.weighted(table);
  }

  private fail(s: PlannedSpan, errorType: string, message: string): void {
    s.status = 'error';
    s.errorType = errorType;
    s.statusMessage = message;
  }

  private gap(min: number, max: number): number {
    return this.rng.uniform(min, max);
  }

  private span(parentSpanId: string, service: string, operation: PlannedOperation, startMs: number): PlannedSpan {
    const s: PlannedSpan = {
      spanId: this.rng.spanId(), parentSpanId, name: operation, kind: 'internal', service, operation,
      category: CATEGORY[operation], startMs, endMs: startMs, status: 'ok', errorType: '', statusMessage: '',
      agentName: '', toolName: '', toolCallId: '', dataSourceId: '', provider: '', requestModel: '', responseModel: '',
      serverAddress: '', inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0,
      ttftMs: null, finishReason: '', inputMessages: '', outputMessages: '',
    };
    this.spans.push(s);
    return s;
  }
}

const CATEGORY: Record<PlannedOperation, PlannedCategory> = {
  invoke_agent: 'agent',
  chat: 'llm',
  execute_tool: 'tool',
  retrieval: 'retrieval',
};
