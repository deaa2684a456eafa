import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collector, collectorConfigFromEnv, createCollectorServer, listen } from '@plumb/collector';
import { sql, Store } from '@plumb/store';
import { formatSample, takeSample, type SoakSample } from './soak-sample.ts';
import { DEFAULT_CRITERION, formatVerdict, judge, median } from './soak-verdict.ts';

export interface SoakOptions {
  minutes: number;
  /** Spans/s; 0 = measure the sustained rate for `probeSec` first, then soak at half of it. */
  rate: number;
  probeSec: number;
  exporters: number;
  /** Writes every sample as JSON to this file (for plotting, or to see what grew). */
  samplesOut?: string;
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

/** Seconds between memory samples. */
const SAMPLE_MS = 10_000;

/**
 * `plumb bench soak`: the collector and the embedded engine in this process under a steady load
 * (by default half the sustained rate a short probe measures) for `minutes`. Every 10 s a sample
 * says where the memory is (soak-sample.ts: RSS anonymous/file, V8 heap, external, the WAL
 * backlog, the writer queue, the engine's tracker, caches and allocator, parts, load average).
 * Verdict (soak-verdict.ts): the warm-up is not judged; over the steady part the RSS slope and
 * the last third against the middle third must stay within bounds, and every accepted span must
 * be stored. Not part of CI (`npm run soak`, 30 minutes by default).
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
  let timer: NodeJS.Timeout | undefined;
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
    const samples: SoakSample[] = [];
    const start = Date.now();
    let sampling: Promise<void> = Promise.resolve();
    const sample = () => {
      // One sample at a time: a sample waits behind the engine's insert queue on a busy machine.
      sampling = sampling.then(async () => {
        const s = await takeSample((Date.now() - start) / 1000, store, collector, loadavg()[0] ?? 0);
        samples.push(s);
        if (samples.length % 6 === 1) console.log(formatSample(s));
      }).catch((err: unknown) => console.error(`soak: sample failed: ${String(err)}`));
    };
    sample();
    timer = setInterval(sample, SAMPLE_MS);
    const load = await runLoad(url, opts.exporters, opts.minutes * 60_000, 1_000_000_000, rate);
    clearInterval(timer);
    sample();
    await sampling;
    const loads = samples.map((s) => s.load1);
    await collector.flush();
    accepted += load.accepted;
    const [stored] = await store.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM spans FINAL`);
    // Warm-up lasts until the re-send filter can be full (2 generations of dedupeKeys) + a minute,
    // and until the context stage has filled its budget.
    const criterion = { ...DEFAULT_CRITERION, minWarmupSec: (2 * config.dedupeKeys) / rate + 60, contextBudget: config.contextMaxBytes };
    const verdict = judge(samples, criterion);
    const achieved = Math.round(load.accepted / (load.elapsedMs / 1000));
    // Below the target rate the figures describe a lighter load than asked: say so, and whether
    // the machine (other processes) rather than the collector is the likely cause.
    const busy = median(loads) > cpus().length;
    const behind = achieved < rate * 0.9 ? `: the load generator fell behind${busy ? ` (the machine was busy: load average ${median(loads).toFixed(1)} on ${cpus().length} cores)` : ''}` : '';
    if (opts.samplesOut) writeFileSync(opts.samplesOut, JSON.stringify(samples, null, 1));
    const storedAll = Number(stored!.n) === accepted;
    ok = verdict.flat && storedAll;
    console.log(`
  soak                     ${opts.minutes} min at ${rate} spans/s (${opts.exporters} exporters, 512-span batches)
  requests                 ${load.requests} (${Object.entries(load.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')})
  achieved spans/s         ${achieved} (${((achieved / rate) * 100).toFixed(0)} % of the target)${behind}
  export latency           p50 ${load.p50.toFixed(0)} ms, p99 ${load.p99.toFixed(0)} ms, max ${load.max.toFixed(0)} ms
  MALLOC_ARENA_MAX         ${process.env.MALLOC_ARENA_MAX ?? 'unset (glibc default: 8 arenas per core)'}
  load average (1 min)     median ${median(loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)} on ${cpus().length} cores
${formatVerdict(verdict, criterion)}
  stored / accepted        ${stored!.n} / ${accepted}
  verdict                  ${ok ? 'flat memory, nothing lost' : 'FAILED'}${verdict.flat ? '' : ` (memory: ${verdict.reasons.join('; ')})`}${storedAll ? '' : ' (spans missing)'}
`);
  } finally {
    // A failed load generator must not leave the sampler running against a closed store.
    clearInterval(timer);
    await new Promise<void>((r) => server.close(() => r()));
    await collector.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}
