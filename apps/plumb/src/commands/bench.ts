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
      rules: { type: 'string', default: '1000' },
      'no-ingest': { type: 'boolean', default: false },
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
    await benchDrift({ spans: Number(values.spans), runs: Number(values.runs) });
  } else if (which === 'export') {
    const { benchExport } = await import('../bench/export.ts');
    await benchExport({ rows: Number(values.rows), days: Number(values.days) });
  } else if (which === 'alerts') {
    const { benchAlerts } = await import('../bench/alerts.ts');
    await benchAlerts({ spans: Number(values.spans), rules: Number(values.rules), runs: Number(values.runs === '20' ? '3' : values.runs), ingest: values['no-ingest'] !== true });
  } else {
    throw new Error('usage: plumb bench alerts [--spans N] [--rules N] [--runs R] [--no-ingest] |  plumb bench ingest [--duration S] [--exporters N] [--raw-rows N] | plumb bench metrics [--duration S] [--exporters N] [--rounds R] | plumb bench query [--spans N] [--days D] [--runs R] | plumb bench drift [--spans N] [--runs R] | plumb bench export [--rows N] [--days D]');
  }
}
