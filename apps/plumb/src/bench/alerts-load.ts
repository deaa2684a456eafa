import { Agent } from 'node:http';
import { postProtobuf } from './post.ts';
import { buildTemplate, stamp } from './template.ts';

/**
 * Paced OTLP load for `plumb bench alerts` (a child process, like ingest-load.ts): `exporters`
 * senders post 512-span protobuf batches for `durationMs`, at most `rate` spans/s in total
 * (0 = as fast as accepted), honouring 429/503 Retry-After. Reports accepted spans and statuses.
 */
interface Params { url: string; exporters: number; durationMs: number; rate: number; seqBase: number }

async function run(p: Params) {
  const template = buildTemplate(512);
  const url = new URL(`${p.url}/v1/traces`);
  const agent = new Agent({ keepAlive: true, maxSockets: p.exporters });
  const statuses: Record<string, number> = {};
  let accepted = 0;
  let scheduled = 0;
  let seq = p.seqBase;
  const t0 = Date.now();
  const end = t0 + p.durationMs;
  await Promise.all(Array.from({ length: p.exporters }, async () => {
    while (Date.now() < end) {
      if (p.rate > 0) {
        // The next batch is due when the spans scheduled so far fit the rate.
        const due = t0 + (scheduled / p.rate) * 1000;
        scheduled += template.spans;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (Date.now() >= end) break;
      }
      const r = await postProtobuf(agent, url, stamp(template, seq++));
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 200) accepted += template.spans;
      else if (r.status === 429 || r.status === 503) await new Promise((res) => setTimeout(res, r.retryAfter * 1000));
    }
  }));
  agent.destroy();
  return { accepted, elapsedMs: Date.now() - t0, statuses };
}

process.once('message', (p: Params) => {
  run(p).then((r) => process.send!(r, () => process.exit(0)), (err) => {
    console.error(err);
    process.exit(1);
  });
});
