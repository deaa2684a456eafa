import { readFileSync } from 'node:fs';
import type { Collector } from '@plumb/collector';
import { sql, type Store } from '@plumb/store';

/**
 * One soak sample: where the process's memory is, so a report says WHAT grows.
 * Process: RSS, V8 heap used/total, `external` (C++ objects V8 tracks, Buffers included) and
 * `arrayBuffers` (the Buffer/ArrayBuffer part of external). Collector: the WAL backlog and the
 * writer queue (rows serialized, not yet stored). Engine (chDB, in this process): its memory
 * tracker (`MemoryTracking`, what ClickHouse thinks it holds), the sizes of its caches, the
 * resident and retained bytes of its own jemalloc (chDB does not use glibc malloc), active
 * parts and running merges. Anonymous RSS minus (jemalloc resident + V8 heap total + external) is
 * the rest: glibc malloc (Node's own allocations, the addon's copies), thread stacks; a lower
 * bound, since jemalloc's resident and V8's heap total both overstate what is resident.
 */
export interface SoakSample {
  /** Seconds since the soak load started. */
  t: number;
  rss: number;
  /** RSS split (Linux /proc/self/status; 0 elsewhere): anonymous memory, and file pages mapped
   *  in (mostly the 560 MB libchdb.so's code, touched a path at a time: not a leak). */
  rssAnon: number;
  rssFile: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  walBacklog: number;
  queueBytes: number;
  queueRows: number;
  /** The context stage's own estimate of its per-trace state (bounded by PLUMB_CONTEXT_MAX_BYTES). */
  contextBytes: number;
  engineTracked: number;
  /** Mark + primary index + uncompressed + query condition + page + compiled expression caches. */
  engineCaches: number;
  markCache: number;
  /** Bytes the engine's allocator has handed out, and its resident pages (an upper bound:
   *  jemalloc counts pages it has touched, some of them purged since). */
  jemallocAllocated: number;
  jemallocResident: number;
  jemallocRetained: number;
  parts: number;
  merges: number;
  /** Load average (1 min) of the machine: a shared machine explains a collector falling behind. */
  load1: number;
}

/** The cache-size gauges of system.metrics that add up to `engineCaches`. */
const CACHE_METRICS = [
  'MarkCacheBytes',
  'PrimaryIndexCacheBytes',
  'UncompressedCacheBytes',
  'IndexMarkCacheBytes',
  'IndexUncompressedCacheBytes',
  'QueryConditionCacheBytes',
  'QueryCacheBytes',
  'PageCacheBytes',
  'CompiledExpressionCacheBytes',
  'MMapCacheCells',
];

/** The totals line of jemalloc's malloc_stats_print text (0s when absent). */
export function parseJemallocStats(text: string): { allocated: number; resident: number; retained: number } {
  const pick = (name: string) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(text)?.[1] ?? 0);
  return { allocated: pick('Allocated'), resident: pick('resident'), retained: pick('retained') };
}

/**
 * Reads the engine's gauges. A server has no `system.jemalloc_stats` everywhere (and a remote
 * server's memory is not this process's): the parts that fail read as 0.
 */
async function engineGauges(store: Store) {
  const names = ['MemoryTracking', ...CACHE_METRICS];
  const rows = await store.query<{ metric: string; value: number }>(
    sql`SELECT metric, toFloat64(value) AS value FROM system.metrics WHERE metric IN ${names}`,
  );
  const byName = new Map(rows.map((r) => [r.metric, Number(r.value)]));
  const engineCaches = CACHE_METRICS.filter((m) => m !== 'MMapCacheCells').reduce((s, m) => s + (byName.get(m) ?? 0), 0);
  const [counts] = await store.query<{ parts: number; merges: number }>(
    sql`SELECT (SELECT count() FROM system.parts WHERE active) AS parts, (SELECT count() FROM system.merges) AS merges`,
  );
  let je = { allocated: 0, resident: 0, retained: 0 };
  try {
    je = parseJemallocStats(await store.queryText(sql`SELECT stats FROM system.jemalloc_stats FORMAT TSVRaw`));
  } catch {
    // not every build has the table
  }
  return {
    engineTracked: byName.get('MemoryTracking') ?? 0,
    engineCaches,
    markCache: byName.get('MarkCacheBytes') ?? 0,
    jemallocAllocated: je.allocated,
    jemallocResident: je.resident,
    jemallocRetained: je.retained,
    parts: Number(counts?.parts ?? 0),
    merges: Number(counts?.merges ?? 0),
  };
}

/** RssAnon and RssFile of this process, in bytes (0 when /proc is not there). */
export function rssSplit(status = readProcStatus()): { rssAnon: number; rssFile: number } {
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
}

function readProcStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return '';
  }
}

export async function takeSample(t: number, store: Store, collector: Collector, load1: number): Promise<SoakSample> {
  const m = process.memoryUsage();
  const engine = await engineGauges(store);
  return {
    t,
    rss: m.rss,
    ...rssSplit(),
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    walBacklog: collector.walBacklogBytes,
    queueBytes: collector.writer.backlogBytes,
    queueRows: collector.writer.backlogRows,
    contextBytes: collector.contextStats.bytes,
    ...engine,
    load1,
  };
}

const MiB = 1024 * 1024;
const mib = (b: number) => (b / MiB).toFixed(0);

/** One progress line of the soak. */
export function formatSample(s: SoakSample): string {
  const rest = s.rssAnon - s.jemallocResident - s.heapTotal - s.external;
  return (
    `soak: ${(s.t / 60).toFixed(1).padStart(5)} min  rss ${mib(s.rss)} (anon ${mib(s.rssAnon)} file ${mib(s.rssFile)})  heap ${mib(s.heapUsed)}/${mib(s.heapTotal)}` +
    `  ext ${mib(s.external)} (ab ${mib(s.arrayBuffers)})  engine tracked ${mib(s.engineTracked)} caches ${mib(s.engineCaches)}` +
    ` je ${mib(s.jemallocAllocated)}/${mib(s.jemallocResident)}  rest ${mib(rest)}  wal ${mib(s.walBacklog)}  queue ${mib(s.queueBytes)}  context ${mib(s.contextBytes)} MiB` +
    `  parts ${s.parts} merges ${s.merges}  load ${s.load1.toFixed(2)}`
  );
}
