/**
 * Writes scenario traces straight into the store (no collector), spread over the last N days
 * with a daily and weekly traffic pattern. Rows are generated in time order, so each ~50k-row
 * INSERT touches one or two daily partitions; generation of the next chunk overlaps the insert
 * of the previous one (chDB and the HTTP client both insert off the JS thread).
 */
import { PriceCatalog, picoToUsd } from '@plumb/pricing';
import { insertSpanBatch, type Store } from '@plumb/store';
import { Rng } from './rng.ts';
import { SpanRowWriter, type AttributeMode } from './rows.ts';
import { Scenario } from './scenario.ts';
import { applyDrift, type DriftInjection } from './drift.ts';
import { applyRegression, type RegressionInjection } from './regression.ts';

export interface BackfillProgress {
  traces: number;
  spans: number;
  elapsedMs: number;
  spansPerSec: number;
}

export interface BackfillOptions {
  projectId?: string;
  days?: number;
  /** Target span count; the last trace is written whole, so the result may exceed it slightly. */
  spans?: number;
  seed?: number;
  /** End of the window (epoch ms); default Date.now() minus five minutes. */
  endMs?: number;
  chunkRows?: number;
  /** INSERTs in flight at once (default 2). */
  concurrency?: number;
  catalog?: PriceCatalog;
  /** Attribute map content (see AttributeMode); default 'lean'. */
  attributes?: AttributeMode;
  onProgress?: (p: BackfillProgress) => void;
  /** Inject drift into one model version's calls after a time (see drift.ts). */
  drift?: DriftInjection;
  /** Slow one model down for one tenant from a time (see regression.ts). */
  regression?: RegressionInjection;
}

export interface BackfillResult {
  traces: number;
  spans: number;
  /** Exact sum of cost_usd written, in picodollars and as a 12-decimal USD string. */
  costPico: bigint;
  costUsd: string;
  pricedSpans: number;
  unpricedSpans: number;
  fromMs: number;
  toMs: number;
  elapsedMs: number;
  spansPerSec: number;
  /** Time spent waiting for the previous INSERT with the next chunk ready (insert-bound share). */
  insertWaitMs: number;
}

const HOUR_MS = 3_600_000;
/** The window starts this much after "N days ago", so a store with N-day retention (a TTL on
 *  start_time) keeps every row for a while after the backfill. */
const RETENTION_MARGIN_MS = HOUR_MS;
/** Longer than any scenario trace, so traces started in the window also end in it. */
const TAIL_MS = 5 * 60_000;

/** Relative traffic at an instant: business-hours peak (UTC), quieter weekends, slow growth. */
export function trafficWeight(ms: number, fromMs: number, toMs: number): number {
  const d = new Date(ms);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const daily = 0.2 + Math.exp(-((hour - 14) ** 2) / (2 * 3.5 ** 2));
  const dow = d.getUTCDay();
  const weekly = dow === 0 ? 0.35 : dow === 6 ? 0.45 : 1;
  const growth = 0.8 + (0.4 * (ms - fromMs)) / Math.max(1, toMs - fromMs);
  return daily * weekly * growth;
}

async function insertRows(store: Store, body: Buffer, resources: Buffer | null): Promise<void> {
  await insertSpanBatch(store, body, resources);
}

export async function backfill(store: Store, o: BackfillOptions = {}): Promise<BackfillResult> {
  const projectId = o.projectId ?? 'default';
  const days = o.days ?? 30;
  const target = o.spans ?? 10_000_000;
  const seed = o.seed ?? 1;
  const chunkRows = o.chunkRows ?? 50_000;
  const concurrency = Math.max(1, o.concurrency ?? 2);
  if (!(days > 0) || !(target > 0)) throw new Error('days and spans must be > 0');
  const toMs = Math.floor(o.endMs ?? Date.now() - TAIL_MS);
  const fromMs = toMs - Math.round(days * 24 * HOUR_MS) + RETENTION_MARGIN_MS;

  // Hourly buckets; bucket b gets spans up to round(target * cumulativeWeight / totalWeight).
  const buckets: { start: number; len: number; weight: number }[] = [];
  const noise = new Rng(seed ^ 0x5bd1e995);
  for (let start = fromMs; start < toMs; start += HOUR_MS) {
    const len = Math.min(HOUR_MS, toMs - start);
    buckets.push({ start, len, weight: trafficWeight(start + len / 2, fromMs, toMs) * (len / HOUR_MS) * noise.uniform(0.85, 1.15) });
  }
  const totalWeight = buckets.reduce((n, b) => n + b.weight, 0);

  const scenario = new Scenario(seed);
  const placement = new Rng(seed ^ 0x9e3779b9);
  const writer = new SpanRowWriter(projectId, o.catalog ?? new PriceCatalog(), Date.now(), o.attributes ?? 'lean');
  const started = performance.now();
  let traces = 0;
  let lines: string[] = [];
  let resourceLines: string[] = [];
  // Up to `concurrency` INSERTs in flight while the next chunk is generated.
  const inflight = new Set<Promise<void>>();
  let insertWaitMs = 0;
  const waitFor = async (maxInflight: number): Promise<void> => {
    const waitStart = performance.now();
    while (inflight.size > maxInflight) await Promise.race(inflight);
    insertWaitMs += performance.now() - waitStart;
  };
  const flush = async (): Promise<void> => {
    if (lines.length === 0) return;
    const body = Buffer.from(lines.join(''), 'utf8');
    const resources = resourceLines.length > 0 ? Buffer.from(resourceLines.join(''), 'utf8') : null;
    lines = [];
    resourceLines = [];
    await waitFor(concurrency - 1);
    const p: Promise<void> = insertRows(store, body, resources).finally(() => inflight.delete(p));
    // Awaited via waitFor; the no-op handler keeps a failure meanwhile from being "unhandled".
    p.catch(() => undefined);
    inflight.add(p);
    const elapsedMs = performance.now() - started;
    o.onProgress?.({ traces, spans: writer.totals.spans, elapsedMs, spansPerSec: (writer.totals.spans / elapsedMs) * 1000 });
  };

  let cumulative = 0;
  for (const b of buckets) {
    cumulative += b.weight;
    const bucketTarget = Math.round((target * cumulative) / totalWeight);
    while (writer.totals.spans < bucketTarget) {
      const t = scenario.next();
      const startMs = Math.min(b.start + Math.floor(placement.next() * b.len), toMs - Math.ceil(t.durationMs));
      if (o.drift) applyDrift(t, startMs, o.drift);
      // Never past the window's end: a slowed trace keeps its end before toMs.
      if (o.regression && applyRegression(t, startMs, o.regression) > 0 && startMs + t.durationMs > toMs) continue;
      writer.write(t, startMs, lines, resourceLines);
      traces++;
      if (lines.length >= chunkRows) await flush();
    }
  }
  await flush();
  await waitFor(0);
  await Promise.all(inflight);

  const elapsedMs = performance.now() - started;
  const { spans, costPico, pricedSpans, unpricedSpans } = writer.totals;
  return {
    traces, spans, costPico, costUsd: picoToUsd(costPico), pricedSpans, unpricedSpans,
    fromMs, toMs, elapsedMs, spansPerSec: (spans / elapsedMs) * 1000, insertWaitMs,
  };
}
