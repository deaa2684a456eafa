import { rowVersion, type SpanRow } from '@plumb/store';
import type { ContextCorrection, QueuedRow, TraceContext } from './types.ts';

/**
 * Copies trace-level context (tenant, request type, session, user) onto every span of a trace.
 *
 * The OTel batch processor exports spans as they end, so the leaves (the LLM calls with the
 * tokens) usually arrive before the root that carries the tenant. Spans of a trace whose context
 * is not yet known are held for up to `holdMs` waiting for it. A trace is resolved when its root
 * arrives, or when a span carries both tenant and request type. If the hold expires first, the
 * rows are written unresolved and, when the context does arrive, a correction rewrites them
 * with a higher version (ReplacingMergeTree keeps the corrected row).
 *
 * Request type falls back to the root's workflow name (set by convert) or else its span name.
 *
 * Agent attribution: a span without an agent name (an LLM call, a tool) gets the name of its
 * nearest agent ancestor, so cost and tokens roll up to the agent that spent them. The span
 * tree is kept only while a trace is unresolved (plus the current batch), which covers the
 * usual case: the root, and the agents, end after their children.
 */
interface TraceState {
  key: string;
  ctx: TraceContext;
  resolved: boolean;
  held: QueuedRow[];
  deadline: number;
  /** Rows already written without context, and their start-time range (for the correction). */
  unresolvedWritten: boolean;
  minNs: bigint;
  maxNs: bigint;
  /** span id → parent span id, while unresolved. */
  parents: Map<string, string> | null;
  /** span id → agent name, for agent spans. */
  agents: Map<string, string>;
}

type BatchParents = Map<string, string>;
const MAX_DEPTH = 64;

export interface ContextStageOptions {
  holdMs: number;
  maxTraces: number;
  maxHeldRows: number;
}

export class ContextStage {
  private traces = new Map<string, TraceState>();
  /** Traces holding rows, in the order their hold started (= deadline order). */
  private holding = new Map<string, TraceState>();
  private heldRows = 0;

  constructor(
    private readonly opts: ContextStageOptions,
    private readonly emit: (rows: QueuedRow[]) => void,
    private readonly correct: (c: ContextCorrection) => void,
  ) {}

  get held(): number {
    return this.heldRows;
  }

  push(rows: QueuedRow[], now: number): void {
    const out: QueuedRow[] = [];
    const batch: BatchParents = new Map();
    for (const q of rows) note(this.state(q.row, now), q.row, batch);
    for (const q of rows) {
      const st = this.state(q.row, now);
      if (!st.resolved) {
        learn(st, q.row);
        if (st.resolved) {
          this.release(st, out, true, batch);
          if (st.unresolvedWritten) {
            st.unresolvedWritten = false;
            this.correct({ projectId: q.row.projectId, traceId: q.row.traceId, context: { ...st.ctx }, fromNs: st.minNs, toNs: st.maxNs });
          }
        }
      }
      if (st.resolved) out.push(apply(q, st, true, batch));
      else {
        if (st.held.length === 0) {
          st.deadline = now + this.opts.holdMs;
          this.holding.set(st.key, st);
        }
        st.held.push(q);
        this.heldRows++;
      }
    }
    if (this.opts.holdMs === 0) this.expire(Number.POSITIVE_INFINITY, out);
    else if (this.heldRows > this.opts.maxHeldRows) this.expire(now, out, this.heldRows - this.opts.maxHeldRows);
    if (out.length) this.emit(out);
  }

  /** Writes out rows whose hold has expired (call periodically). */
  tick(now: number): void {
    const out: QueuedRow[] = [];
    this.expire(now, out);
    if (out.length) this.emit(out);
  }

  /** Releases everything held (shutdown). */
  drain(): void {
    const out: QueuedRow[] = [];
    this.expire(Number.POSITIVE_INFINITY, out);
    if (out.length) this.emit(out);
  }

  private state(row: SpanRow, now: number): TraceState {
    const k = key(row);
    let st = this.traces.get(k);
    if (st) {
      // Keep recently used traces at the end of the Map (LRU order).
      this.traces.delete(k);
      this.traces.set(k, st);
      return st;
    }
    st = {
      key: k,
      ctx: { tenant: '', requestType: '', sessionId: '', userId: '' },
      resolved: false,
      held: [],
      deadline: now,
      unresolvedWritten: false,
      minNs: 0n,
      maxNs: 0n,
      parents: new Map(),
      agents: new Map(),
    };
    this.traces.set(k, st);
    if (this.traces.size > this.opts.maxTraces) this.evict();
    return st;
  }

  private evict(): void {
    for (const [k, st] of this.traces) {
      if (this.traces.size <= this.opts.maxTraces) break;
      if (st.held.length > 0) continue;
      this.traces.delete(k);
    }
  }

  private release(st: TraceState, out: QueuedRow[], resolved: boolean, batch: BatchParents = new Map()): void {
    for (const q of st.held) out.push(apply(q, st, resolved, batch));
    this.heldRows -= st.held.length;
    if (!resolved) {
      for (const q of st.held) {
        const s = q.row.startTimeUnixNano;
        if (!st.unresolvedWritten || s < st.minNs) st.minNs = s;
        if (!st.unresolvedWritten || s > st.maxNs) st.maxNs = s;
        st.unresolvedWritten = true;
      }
    }
    st.held = [];
    this.holding.delete(st.key);
    if (resolved) st.parents = null;
  }

  private expire(now: number, out: QueuedRow[], atLeast = 0): void {
    let released = 0;
    for (const st of this.holding.values()) {
      if (st.deadline > now && released >= atLeast) break;
      released += st.held.length;
      this.release(st, out, false);
    }
  }
}

const key = (r: SpanRow) => `${r.projectId}/${r.traceId}`;

/** Folds what one span says about its trace into the trace's context. */
function learn(st: TraceState, row: SpanRow): void {
  if (st.resolved) return;
  const c = st.ctx;
  if (!c.tenant && row.tenant) c.tenant = row.tenant;
  if (!c.requestType && row.requestType) c.requestType = row.requestType;
  if (!c.sessionId && row.sessionId) c.sessionId = row.sessionId;
  if (!c.userId && row.userId) c.userId = row.userId;
  if (row.parentSpanId === '') {
    if (!c.requestType) c.requestType = row.name;
    st.resolved = true;
  } else if (c.tenant && c.requestType) {
    st.resolved = true;
  }
}

/** Records the span tree for agent attribution. */
function note(st: TraceState, row: SpanRow, batch: BatchParents): void {
  batch.set(st.key + row.spanId, row.parentSpanId);
  if (st.parents && st.parents.size < 10_000) st.parents.set(row.spanId, row.parentSpanId);
  if (row.category === 'agent' && row.agentName) st.agents.set(row.spanId, row.agentName);
}

/** The nearest agent ancestor's name, or '' when none is known. */
function owningAgent(st: TraceState, row: SpanRow, batch: BatchParents): string {
  let id = row.parentSpanId;
  for (let depth = 0; id && depth < MAX_DEPTH; depth++) {
    const agent = st.agents.get(id);
    if (agent) return agent;
    const next = st.parents?.get(id) ?? batch.get(st.key + id);
    if (next === undefined) return '';
    id = next;
  }
  return '';
}

function apply(q: QueuedRow, st: TraceState, resolved: boolean, batch: BatchParents): QueuedRow {
  const r = q.row;
  const ctx = st.ctx;
  if (!r.tenant) r.tenant = ctx.tenant;
  if (!r.requestType) r.requestType = ctx.requestType;
  if (!r.sessionId) r.sessionId = ctx.sessionId;
  if (!r.userId) r.userId = ctx.userId;
  if (!r.agentName) r.agentName = owningAgent(st, r, batch);
  r.contextResolved = resolved;
  r.version = rowVersion(resolved, r.version);
  return q;
}
