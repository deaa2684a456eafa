import { Agent } from 'node:http';
import { postProtobuf } from './post.ts';
import { buildTemplate, stamp } from './template.ts';

/**
 * The load generator for `plumb bench ingest`, run as a child process so the collector's
 * process is measured alone: `exporters` concurrent senders post 512-span protobuf batches
 * for `durationMs`, honouring 429/503 Retry-After like an OTLP exporter would.
 */
interface Params {
  url: string;
  exporters: number;
  durationMs: number;
  seqBase: number;
  /** Paced load (spans/s over all exporters), for `plumb bench soak`; unset = as fast as accepted. */
  rate?: number;
}

/**
 * A connection reset or closed under the request (a keep-alive socket the server closed as it was
 * reused, a busy machine) is retried with the same body, as an OTLP exporter would; the batch's
 * spans keep their ids, so one the collector had already taken is not counted twice. Counted in
 * `statuses` by error code. A long soak on a shared machine met one and used to exit.
 */
async function postWithRetry(agent: Agent, url: URL, body: Buffer, statuses: Record<string, number>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await postProtobuf(agent, url, body);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (attempt >= 5 || !['ECONNRESET', 'EPIPE', 'ECONNREFUSED'].includes(code)) throw err;
      statuses[code] = (statuses[code] ?? 0) + 1;
      await new Promise((res) => setTimeout(res, 100 * attempt));
    }
  }
}

async function run(p: Params) {
  const template = buildTemplate(512);
  const url = new URL(`${p.url}/v1/traces`);
  const agent = new Agent({ keepAlive: true, maxSockets: p.exporters });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let accepted = 0;
  let seq = p.seqBase;
  const end = Date.now() + p.durationMs;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: p.exporters }, async () => {
      // Paced: each exporter sends one batch per `every` ms, on a fixed schedule (no drift).
      const every = p.rate ? (p.exporters * template.spans * 1000) / p.rate : 0;
      let next = performance.now() + Math.random() * every;
      while (Date.now() < end) {
        if (every > 0) {
          const wait = next - performance.now();
          if (wait > 0) await new Promise((res) => setTimeout(res, wait));
          next += every;
        }
        const body = stamp(template, seq++);
        const s = performance.now();
        const r = await postWithRetry(agent, url, body, statuses);
        latencies.push(performance.now() - s);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 200) accepted += template.spans;
        else if (r.status === 429 || r.status === 503) await new Promise((res) => setTimeout(res, r.retryAfter * 1000));
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const q = (x: number) => latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))] ?? 0;
  agent.destroy();
  return { accepted, elapsedMs, requests: latencies.length, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? 0, statuses, spansPerRequest: template.spans };
}

process.once('message', (p: Params) => {
  run(p).then(
    (r) => process.send!(r, () => process.exit(0)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
});
