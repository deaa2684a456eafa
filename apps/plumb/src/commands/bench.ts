import { parseArgs } from 'node:util';

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
      rounds: { type: 'string', default: '3' },
      rows: { type: 'string', default: '1000000' },
      minutes: { type: 'string', default: '30' },
      rate: { type: 'string', default: '0' },
      probe: { type: 'string', default: '20' },
      'reference-days': { type: 'string', default: '7' },
    },
  });
  if (which === 'ingest') {
    const { benchIngest } = await import('../bench/ingest.ts');
    await benchIngest({ durationSec: Number(values.duration), exporters: Number(values.exporters), rawRows: Number(values['raw-rows']) });
  } else if (which === 'metrics') {
    const { benchMetrics } = await import('../bench/metrics.ts');
    await benchMetrics({ durationSec: Number(values.duration), exporters: Number(values.exporters), rounds: Number(values.rounds) });
  } else if (which === 'query') {
    const { benchQuery } = await import('../bench/query.ts');
    await benchQuery({ spans: Number(values.spans), days: Number(values.days), runs: Number(values.runs) });
  } else if (which === 'drift') {
    const { benchDrift } = await import('../bench/drift.ts');
    await benchDrift({ spans: Number(values.spans), runs: Number(values.runs), referenceDays: Number(values['reference-days']) });
  } else if (which === 'export') {
    const { benchExport } = await import('../bench/export.ts');
    await benchExport({ rows: Number(values.rows), days: Number(values.days) });
  } else if (which === 'soak') {
    const { benchSoak } = await import('../bench/soak.ts');
    const ok = await benchSoak({ minutes: Number(values.minutes), rate: Number(values.rate), probeSec: Number(values.probe), exporters: Number(values.exporters) });
    if (!ok) process.exitCode = 1;
  } else if (which === 'latency') {
    const { benchLatency } = await import('../bench/latency.ts');
    await benchLatency({ spans: Number(values.spans), runs: Number(values.runs) });
  } else if (which === 'regression') {
    const { benchRegression } = await import('../bench/regression.ts');
    await benchRegression({ spans: Number(values.spans), days: Number(values.days), runs: Number(values.runs) });
  } else {
    throw new Error('usage: plumb bench soak [--minutes M] [--rate spans/s, 0 = half a probe] [--probe S] [--exporters N] | plumb bench ingest [--duration S] [--exporters N] [--raw-rows N] | plumb bench metrics [--duration S] [--exporters N] [--rounds R] | plumb bench query [--spans N] [--days D] [--runs R] | plumb bench latency [--spans N] [--runs R] | plumb bench regression [--spans N] [--days D] [--runs R] | plumb bench drift [--spans N] [--runs R] [--reference-days D] | plumb bench export [--rows N] [--days D]');
  }
}
