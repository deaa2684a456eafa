import { rowVersion, type SpanRow } from '@plumb/store';
import { TRACE_CONTEXT_FIELDS, type QueuedRow, type TraceContext, type TraceContextField } from './types.ts';

/**
 * Copies trace-level context (tenant, request type, session, user, route) onto every span of a
 * trace, and gives spans without an agent the name of their nearest agent ancestor.
 *
 * This is the FAST path. The OTel batch processor exports spans as they end, so the leaves (the
 * LLM calls with the tokens) usually arrive before the root that carries the tenant: spans of a
 * trace whose context is not yet known are held for up to `holdMs` waiting for it. A trace is
 * resolved when its root arrives — a span without a parent, or whose parent is flagged remote
 * (`isRoot`: the local root behind a gateway that propagates `traceparent` but does not export)
 * — or when a span carries both tenant and request type.
 *
 * Everything this stage cannot settle in memory — the hold expired, the trace was evicted, the
 * collector restarted, the root went to another collector, a span carrying a tenant arrived after
 * the root resolved the trace without one — is settled from the store: every span insert feeds
 * the `trace_context` table (migration 0006), and the worker's corrections job rewrites rows that
 * lack context their trace has (packages/store/src/corrections.ts). So this stage keeps NO
 * pending-correction state, and evicting a trace never loses a correction.
 *
 * Which value wins when spans disagree: the same rule as `trace_context` in the store — the
 * true root (no parent) over a local root (remote parent) over any other span; among equals the
 * earliest-starting span, then the larger value. Request type falls back to the root's workflow
 * name (set by convert) or its span name; route is the root's `http.route`, else its span name.
 *
 * Memory is bounded by bytes (`maxBytes`): trace states, their parent maps (span tree, kept only
 * while a trace is unresolved) and agent maps are accounted with per-entry estimates; past the
 * budget the least recently used traces are evicted (first those holding no rows; then the
 * oldest holds are written out unresolved and evicted). Checked after each batch.
 */

/** Estimated heap bytes of one trace's state (object, key, context, two empty Maps). */
export const TRACE_STATE_BYTES = 800;
/** Estimated heap bytes of one span id → parent id entry (two 16-char strings + Map slot). */
export const PARENT_ENTRY_BYTES = 160;
/** Estimated heap bytes of one agent entry, plus the name's length. */
export const AGENT_ENTRY_BYTES = 128;
/** Default byte budget of the stage (PLUMB_CONTEXT_MAX_BYTES). */
export const DEFAULT_CONTEXT_MAX_BYTES = 64 * 1024 * 1024;
/** Per-trace cap on the span tree kept for agent attribution. */
const MAX_PARENTS_PER_TRACE = 10_000;
const MAX_DEPTH = 64;

interface Candidate {
  rank: number;
  /** Start time of the span that offered the value (earlier wins among equal ranks). */
  start: bigint;
}

interface TraceState {
  key: string;
  ctx: TraceContext;
  best: Record<TraceContextField, Candidate>;
  resolved: boolean;
  held: QueuedRow[];
  deadline: number;
  /** span id → parent span id, while unresolved. */
  parents: Map<string, string> | null;
  /** span id → agent name, for agent spans. */
  agents: Map<string, string>;
  /** This state's share of the stage's byte accounting. */
  bytes: number;
}

type BatchParents = Map<string, string>;

export interface ContextStageOptions {
  holdMs: number;
  maxHeldRows: number;
  /** Byte budget for trace states and their span-tree and agent maps. */
  maxBytes: number;
}

export class ContextStage {
  private traces = new Map<string, TraceState>();
  /** Traces holding rows, in the order their hold started (= deadline order). */
  private holding = new Map<string, TraceState>();
  private heldRows = 0;
  private accounted = 0;
  /** The trace of the previous row (fast path for runs of one trace's spans). */
  private last: { projectId: string; traceId: string; key: string; st: TraceState } | null = null;
  /** Traces evicted to stay within the byte budget (since start). */
  evicted = 0;

  constructor(
    private readonly opts: ContextStageOptions,
    private readonly emit: (rows: QueuedRow[]) => void,
  ) {}

  get held(): number {
    return this.heldRows;
  }

  /** Estimated bytes of the stage's own state (trace map, parent and agent maps). */
  get bytes(): number {
    return this.accounted;
  }

  /** Traces tracked now. */
  get traceCount(): number {
    return this.traces.size;
  }

  push(rows: QueuedRow[], now: number): void {
    const out: QueuedRow[] = [];
    const batch: BatchParents = new Map();
    for (const q of rows) this.note(this.state(q.row, now), q.row, batch);
    for (const q of rows) {
      const st = this.state(q.row, now);
      const wasResolved = st.resolved;
      learn(st, q.row);
      if (st.resolved && !wasResolved) this.release(st, out, true, batch);
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
    if (this.accounted > this.opts.maxBytes) this.evict(out);
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
    const last = this.last;
    if (last && last.traceId === row.traceId && last.projectId === row.projectId) return last.st;
    const k = key(row);
    let st = this.traces.get(k);
    if (st) {
      // Keep recently used traces at the end of the Map (LRU order); rows of one trace usually
      // come together, so the move is skipped while the same trace repeats (`last`).
      this.traces.delete(k);
      this.traces.set(k, st);
      this.last = { projectId: row.projectId, traceId: row.traceId, key: k, st };
      return st;
    }
    st = {
      key: k,
      ctx: { tenant: '', requestType: '', sessionId: '', userId: '', route: '' },
      best: {
        tenant: { rank: 0, start: 0n },
        requestType: { rank: 0, start: 0n },
        sessionId: { rank: 0, start: 0n },
        userId: { rank: 0, start: 0n },
        route: { rank: 0, start: 0n },
      },
      resolved: false,
      held: [],
      deadline: now,
      parents: new Map(),
      agents: new Map(),
      bytes: TRACE_STATE_BYTES + k.length,
    };
    this.accounted += st.bytes;
    this.traces.set(k, st);
    this.last = { projectId: row.projectId, traceId: row.traceId, key: k, st };
    return st;
  }

  /** Records the span tree for agent attribution. */
  private note(st: TraceState, row: SpanRow, batch: BatchParents): void {
    if (st.parents && st.parents.size < MAX_PARENTS_PER_TRACE) {
      if (!st.parents.has(row.spanId)) {
        st.parents.set(row.spanId, row.parentSpanId);
        this.charge(st, PARENT_ENTRY_BYTES);
      }
    } else {
      // Resolved (or capped) traces keep no span tree: the batch's own tree covers its spans.
      batch.set(st.key + row.spanId, row.parentSpanId);
    }
    if (row.category === 'agent' && row.agentName && !st.agents.has(row.spanId)) {
      st.agents.set(row.spanId, row.agentName);
      this.charge(st, AGENT_ENTRY_BYTES + row.agentName.length);
    }
  }

  private charge(st: TraceState, bytes: number): void {
    st.bytes += bytes;
    this.accounted += bytes;
  }

  /**
   * Evicts least recently used traces until the stage is within its byte budget. Traces that
   * hold no rows go first; if holds alone exceed the budget, the oldest holds are written out
   * unresolved (the store-driven corrections fix them when context arrives) and evicted too.
   */
  private evict(out: QueuedRow[]): void {
    const budget = this.opts.maxBytes;
    for (const st of this.traces.values()) {
      if (this.accounted <= budget) return;
      if (st.held.length === 0) this.drop(st);
    }
    for (const st of this.holding.values()) {
      if (this.accounted <= budget) return;
      this.release(st, out, false);
      this.drop(st);
    }
  }

  private drop(st: TraceState): void {
    this.traces.delete(st.key);
    if (this.last?.st === st) this.last = null;
    this.accounted -= st.bytes;
    this.evicted++;
  }

  private release(st: TraceState, out: QueuedRow[], resolved: boolean, batch: BatchParents = new Map()): void {
    for (const q of st.held) out.push(apply(q, st, resolved, batch));
    this.heldRows -= st.held.length;
    st.held = [];
    this.holding.delete(st.key);
    if (resolved && st.parents) {
      // The span tree is only needed while children wait for their agents' names.
      this.accounted -= st.parents.size * PARENT_ENTRY_BYTES;
      st.bytes -= st.parents.size * PARENT_ENTRY_BYTES;
      st.parents = null;
    }
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

/** Rank of a value a span offers for its trace: 3 true root, 2 local root, 1 other, 0 none. */
function rankOf(row: SpanRow, value: string): number {
  if (value === '') return 0;
  if (row.parentSpanId === '') return 3;
  return row.isRoot ? 2 : 1;
}

/** What one span says about its trace's context. */
function offered(row: SpanRow, field: TraceContextField): string {
  switch (field) {
    case 'tenant':
      return row.tenant;
    case 'sessionId':
      return row.sessionId;
    case 'userId':
      return row.userId;
    case 'requestType':
      return row.requestType || (row.isRoot ? row.name : '');
    case 'route':
      return row.route || (row.isRoot ? row.attributes['http.route'] || row.name : '');
  }
}

/** Folds what one span says into its trace's context (also after the trace resolved). */
function learn(st: TraceState, row: SpanRow): void {
  for (const field of TRACE_CONTEXT_FIELDS) {
    const value = offered(row, field);
    const rank = rankOf(row, value);
    if (rank === 0) continue;
    const best = st.best[field];
    const start = row.startTimeUnixNano;
    const current = st.ctx[field];
    const better = rank > best.rank || (rank === best.rank && (start < best.start || (start === best.start && value > current)));
    if (better) {
      st.ctx[field] = value;
      best.rank = rank;
      best.start = start;
    }
  }
  if (row.isRoot || (st.ctx.tenant && st.ctx.requestType)) st.resolved = true;
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
  if (!r.route) r.route = ctx.route;
  if (!r.agentName) r.agentName = owningAgent(st, r, batch);
  r.contextResolved = resolved;
  r.version = rowVersion(resolved, r.version);
  return q;
}
