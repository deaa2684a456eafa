import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collector, collectorConfigFromEnv, createCollectorServer, listen } from '@plumb/collector';
import { sql, Store } from '@plumb/store';

export interface SoakOptions {
  minutes: number;
  /** Spans/s; 0 = measure the sustained rate for `probeSec` first, then soak at half of it. */
  rate: number;
  probeSec: number;
  exporters: number;
}

interface LoadResult { accepted: number; elapsedMs: number; requests: number; p50: number; p99: number; max: number; statuses: Record<string, number> }

function runLoad(url: string, exporters: number, durationMs: number, seqBase: number, rate?: number): Promise<LoadResult> {
  const child = fork(join(import.meta.dirname, 'ingest-load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', resolve as never);
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
    child.send({ url, exporters, durationMs, seqBase, rate });
  });
}

const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * `plumb bench soak`: the collector and the embedded engine in this process under a steady load
 * (by default half the sustained rate a short probe measures) for `minutes`; memory sampled
 * every 10 s. Verdict: flat when the median RSS of the last fifth is within 10 % of the median
 * of the second fifth (the first fifth is warm-up: caches, the engine's marks and buffers), and
 * every accepted span is stored. Not part of CI (`npm run soak`, 30 minutes by default).
 */
export async function benchSoak(opts: SoakOptions): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-soak-'));
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 30 });
  await store.migrate();
  const config = { ...collectorConfigFromEnv({}), walDir: join(dir, 'wal'), port: 0, host: '127.0.0.1' };
  const collector = await Collector.start(store, config, (m) => console.error(m));
  const server = createCollectorServer(collector, { log: (m) => console.error(m) });
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  let ok = false;
  try {
    let rate = opts.rate;
    let accepted = 0;
    if (!rate) {
      const probe = await runLoad(url, opts.exporters, opts.probeSec * 1000, 1);
      const t0 = performance.now();
      await collector.flush();
      accepted += probe.accepted;
      const sustained = probe.accepted / ((probe.elapsedMs + performance.now() - t0) / 1000);
      rate = Math.round(sustained / 2);
      console.log(`soak: probe ${Math.round(sustained)} spans/s sustained over ${opts.probeSec} s → soaking at ${rate} spans/s`);
    }
    const samples: { t: number; rss: number; heap: number; backlog: number; wal: number }[] = [];
    const start = Date.now();
    const sample = () => {
      const m = process.memoryUsage();
      samples.push({ t: (Date.now() - start) / 1000, rss: m.rss, heap: m.heapUsed, backlog: collector.writer.backlogBytes, wal: collector.walBacklogBytes });
    };
    const timer = setInterval(() => {
      sample();
      const s = samples.at(-1)!;
      if (samples.length % 6 === 0) console.log(`soak: ${(s.t / 60).toFixed(1)} min  rss ${mib(s.rss)} MiB  heap ${mib(s.heap)} MiB  queue ${mib(s.backlog)} MiB  wal ${mib(s.wal)} MiB`);
    }, 10_000);
    sample();
    const load = await runLoad(url, opts.exporters, opts.minutes * 60_000, 1_000_000_000, rate);
    clearInterval(timer);
    await collector.flush();
    accepted += load.accepted;
    const [stored] = await store.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM spans FINAL`);
    const fifth = Math.max(1, Math.floor(samples.length / 5));
    const early = median(samples.slice(fifth, 2 * fifth).map((s) => s.rss));
    const late = median(samples.slice(-fifth).map((s) => s.rss));
    const growth = late / early - 1;
    // The V8 heap (the collector's own objects) apart from the engine's memory, which shares the RSS.
    const heapEarly = median(samples.slice(fifth, 2 * fifth).map((s) => s.heap));
    const heapLate = median(samples.slice(-fifth).map((s) => s.heap));
    const storedAll = Number(stored!.n) === accepted;
    ok = growth <= 0.1 && storedAll;
    console.log(`
  soak                     ${opts.minutes} min at ${rate} spans/s (${opts.exporters} exporters, 512-span batches)
  requests                 ${load.requests} (${Object.entries(load.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')})
  achieved spans/s         ${Math.round(load.accepted / (load.elapsedMs / 1000))}
  export latency           p50 ${load.p50.toFixed(0)} ms, p99 ${load.p99.toFixed(0)} ms, max ${load.max.toFixed(0)} ms
  RSS (median)             ${mib(early)} MiB in the second fifth → ${mib(late)} MiB in the last fifth (${(growth * 100).toFixed(1)} %)
  V8 heap used (median)    ${mib(heapEarly)} MiB → ${mib(heapLate)} MiB (the rest of the RSS is the embedded engine: caches, parts)
  stored / accepted        ${stored!.n} / ${accepted}
  verdict                  ${ok ? 'flat memory, nothing lost' : 'FAILED'}${growth > 0.1 ? ' (memory grew)' : ''}${storedAll ? '' : ' (spans missing)'}
`);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await collector.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}
