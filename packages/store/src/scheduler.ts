import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a statement is for. It decides the statement's timeout (`max_execution_time`) and, on
 * the embedded engine, its place in the queue:
 * - auth: session, API key and membership lookups, logins — short, must never wait long;
 * - insert: span inserts from the collector's writer;
 * - dashboard: reads for the UI and the REST API;
 * - maintenance: OPTIMIZE, rewrites, jobs, migrations — may take long, can always wait.
 */
export type QueryKind = 'auth' | 'insert' | 'dashboard' | 'maintenance';

export const QUERY_KINDS: readonly QueryKind[] = ['auth', 'insert', 'dashboard', 'maintenance'];

/** Seconds before the engine aborts a statement of each kind (0 = no limit). */
export const QUERY_TIMEOUT_SEC: Record<QueryKind, number> = {
  auth: 5,
  insert: 120,
  dashboard: 30,
  maintenance: 3_600,
};

/** Lower runs first on the embedded engine. */
const PRIORITY: Record<QueryKind, number> = { auth: 0, insert: 1, dashboard: 2, maintenance: 3 };

/** The tag a caller sets around a unit of work (a tRPC procedure, a REST route, a job). */
export interface QueryTag {
  kind?: QueryKind;
  /** Names the caller in `log_comment` (e.g. "trpc overview.get"). */
  caller?: string;
}

// One AsyncLocalStorage per process (Next bundles a copy of this module per route).
const ALS_KEY = Symbol.for('plumb.store.queryTag');
type G = typeof globalThis & { [ALS_KEY]?: AsyncLocalStorage<QueryTag> };
const tags = ((globalThis as G)[ALS_KEY] ??= new AsyncLocalStorage<QueryTag>());

/** Runs `fn` with every statement it issues tagged `tag` (unless a statement says otherwise). */
export function withQueryTag<T>(tag: QueryTag, fn: () => T): T {
  const outer = tags.getStore();
  return tags.run({ ...outer, ...tag }, fn);
}

export function currentQueryTag(): QueryTag | undefined {
  return tags.getStore();
}

/**
 * The embedded engine runs one statement at a time: a statement issued while another runs
 * waits inside chDB, in no particular order. This queue holds them on the JS side instead and
 * hands the engine the most urgent one next (auth before inserts before dashboard reads before
 * maintenance; FIFO within a kind), so a login or a key check waits for at most the statement
 * already running — never for a backlog of dashboard queries. Server mode does not queue.
 */
export class EngineQueue {
  private running = 0;
  private readonly waiting: { priority: number; seq: number; start: () => void }[] = [];
  private seq = 0;

  constructor(private readonly concurrency = 1) {}

  async run<T>(kind: QueryKind, fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      await new Promise<void>((start) => {
        const entry = { priority: PRIORITY[kind], seq: this.seq++, start };
        // Insert in order; the queue is short (one entry per statement waiting).
        let i = this.waiting.length;
        while (i > 0 && this.waiting[i - 1]!.priority > entry.priority) i--;
        this.waiting.splice(i, 0, entry);
      });
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next statement (running stays the same).
      if (next) next.start();
      else this.running--;
    }
  }

  get depth(): number {
    return this.waiting.length;
  }
}

const QUEUE_KEY = Symbol.for('plumb.store.engineQueue');
type GQ = typeof globalThis & { [QUEUE_KEY]?: EngineQueue };

/** The process-wide queue in front of the embedded engine. */
export function embeddedQueue(): EngineQueue {
  return ((globalThis as GQ)[QUEUE_KEY] ??= new EngineQueue(1));
}
