import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { validateOverride, PriceCatalog } from '@plumb/pricing';
import { DEFAULT_PROJECT_ID, listPriceOverrides, upsertPriceOverride, type StoredPriceOverride } from '@plumb/store';
import { openStore } from './migrate.ts';

const USAGE = `usage:
  plumb prices list [--project P]
  plumb prices set --model PATTERN --input USD --output USD [--provider P] [--cache-read USD]
                   [--cache-write USD] [--reasoning USD] [--from ISO-date] [--id ID] [--project P]
  plumb prices show --provider P --model M        the price a span would get now
Prices are USD per 1M tokens. PATTERN is an exact model id, a prefix ending in *, or /regex/.`;

/** Price overrides: the collector picks them up within a minute (new spans only). */
export async function prices(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      project: { type: 'string', default: DEFAULT_PROJECT_ID },
      model: { type: 'string' },
      provider: { type: 'string', default: '' },
      input: { type: 'string' },
      output: { type: 'string' },
      'cache-read': { type: 'string' },
      'cache-write': { type: 'string' },
      reasoning: { type: 'string' },
      from: { type: 'string' },
      id: { type: 'string' },
    },
  });
  if (sub === 'show') {
    if (!values.model) throw new Error(USAGE);
    const store = await openStore();
    try {
      const catalog = new PriceCatalog(await listPriceOverrides(store, values.project!));
      const p = catalog.lookup(values.provider!, values.model, Date.now());
      console.log(p ? JSON.stringify(p, null, 2) : `no price for ${values.provider}/${values.model}: spans are stored as unpriced`);
    } finally {
      await store.close();
    }
    return;
  }
  if (sub !== 'list' && sub !== 'set') throw new Error(USAGE);
  const store = await openStore();
  try {
    await store.migrate();
    if (sub === 'list') {
      for (const o of await listPriceOverrides(store, values.project!)) {
        console.log(`${o.id}  ${o.provider || '*'}/${o.modelPattern}  in ${o.inputPerMTok} out ${o.outputPerMTok}  from ${new Date(o.effectiveFrom).toISOString()}`);
      }
      return;
    }
    if (!values.model || !values.input || !values.output) throw new Error(USAGE);
    const effectiveFrom = values.from ? Date.parse(values.from) : 0;
    if (Number.isNaN(effectiveFrom)) throw new Error(`--from: not a date: ${values.from}`);
    const o: StoredPriceOverride = {
      id: values.id ?? randomUUID().slice(0, 8),
      provider: values.provider!,
      modelPattern: values.model,
      effectiveFrom,
      inputPerMTok: values.input,
      outputPerMTok: values.output,
      ...(values['cache-read'] ? { cacheReadPerMTok: values['cache-read'] } : {}),
      ...(values['cache-write'] ? { cacheWritePerMTok: values['cache-write'] } : {}),
      ...(values.reasoning ? { reasoningPerMTok: values.reasoning } : {}),
    };
    const problems = validateOverride(o);
    if (problems.length) throw new Error(problems.join('; '));
    await upsertPriceOverride(store, values.project!, o);
    console.log(`price override ${o.id} saved: ${o.provider || '*'}/${o.modelPattern} in $${o.inputPerMTok}/M out $${o.outputPerMTok}/M (applies to new spans)`);
  } finally {
    await store.close();
  }
}
