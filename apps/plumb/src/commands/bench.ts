import { parseArgs } from 'node:util';

type Values = Record<string, string | boolean | undefined>;
const num = (v: Values, k: string) => Number(v[k]);

/**
 * Every `plumb bench <name>`: its options (for the usage line) and how it runs. Each bench module
 * is imported only when chosen, so one bench's dependencies never load for another.
 */
const BENCHES: Record<string, { usage: string; run: (v: Values) => Promise<boolean | void> }> = {
  ingest: {
    usage: '[--duration S] [--exporters N] [--raw-rows N]',
    run: async (v) => (await import('../bench/ingest.ts')).benchIngest({ durationSec: num(v, 'duration'), exporters: num(v, 'exporters'), rawRows: num(v, 'raw-rows') }),
  },
  views: {
    usage: '[--insert-rows N, default 10000] [--inserts N, default 30] [--totals-only]',
    run: async (v) => (await import('../bench/views.ts')).benchViews({ insertRows: num(v, 'insert-rows'), inserts: num(v, 'inserts'), totalsOnly: v['totals-only'] === true }),
  },
  metrics: {
    usage: '[--duration S] [--exporters N] [--rounds R]',
    run: async (v) => (await import('../bench/metrics.ts')).benchMetrics({ durationSec: num(v, 'duration'), exporters: num(v, 'exporters'), rounds: num(v, 'rounds') }),
  },
  query: {
    usage: '[--spans N] [--days D] [--runs R]',
    run: async (v) => (await import('../bench/query.ts')).benchQuery({ spans: num(v, 'spans'), days: num(v, 'days'), runs: num(v, 'runs') }),
  },
  latency: {
    usage: '[--spans N] [--runs R]',
    run: async (v) => (await import('../bench/latency.ts')).benchLatency({ spans: num(v, 'spans'), runs: num(v, 'runs') }),
  },
  regression: {
    usage: '[--spans N] [--days D] [--runs R]',
    run: async (v) => (await import('../bench/regression.ts')).benchRegression({ spans: num(v, 'spans'), days: num(v, 'days'), runs: num(v, 'runs') }),
  },
  drift: {
    usage: '[--spans N] [--runs R] [--reference-days D]',
    run: async (v) => (await import('../bench/drift.ts')).benchDrift({ spans: num(v, 'spans'), runs: num(v, 'runs'), referenceDays: num(v, 'reference-days') }),
  },
  export: {
    usage: '[--rows N] [--days D]',
    run: async (v) => (await import('../bench/export.ts')).benchExport({ rows: num(v, 'rows'), days: num(v, 'days') }),
  },
  alerts: {
    usage: '[--spans N] [--rules N] [--runs R, default 3] [--no-ingest]',
    // --runs defaults to 20 for the query benches; three one-minute evaluation rounds suffice here.
    run: async (v) => (await import('../bench/alerts.ts')).benchAlerts({ spans: num(v, 'spans'), rules: num(v, 'rules'), runs: v.runs === '20' ? 3 : num(v, 'runs'), ingest: v['no-ingest'] !== true }),
  },
  soak: {
    usage: '[--minutes M] [--rate spans/s, 0 = half a probe] [--probe S] [--exporters N] [--samples FILE.json]',
    run: async (v) =>
      (await import('../bench/soak.ts')).benchSoak({ minutes: num(v, 'minutes'), rate: num(v, 'rate'), probeSec: num(v, 'probe'), exporters: num(v, 'exporters'), samplesOut: v.samples as string | undefined }),
  },
};

export async function bench(argv: string[]): Promise<void> {
  const [which, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      duration: { type: 'string', default: '20' },
      exporters: { type: 'string', default: '8' },
      spans: { type: 'string', default: '10000000' },
      days: { type: 'string', default: '30' },
      runs: { type: 'string', default: '20' },
      'raw-rows': { type: 'string', default: '60000' },
      'insert-rows': { type: 'string', default: '10000' },
      inserts: { type: 'string', default: '30' },
      'totals-only': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '3' },
      rows: { type: 'string', default: '1000000' },
      minutes: { type: 'string', default: '30' },
      rate: { type: 'string', default: '0' },
      probe: { type: 'string', default: '20' },
      'reference-days': { type: 'string', default: '7' },
      rules: { type: 'string', default: '1000' },
      'no-ingest': { type: 'boolean', default: false },
      samples: { type: 'string' },
    },
  });
  const b = which ? BENCHES[which] : undefined;
  if (!b) throw new Error(`usage: ${Object.entries(BENCHES).map(([name, x]) => `plumb bench ${name} ${x.usage}`).join(' | ')}`);
  // A bench that checks a bound (soak: flat memory) returns false when it is not met.
  if ((await b.run(values)) === false) process.exitCode = 1;
}
