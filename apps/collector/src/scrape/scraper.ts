import type { Collector } from '../collector.ts';
import { parsePromText } from './prom-text.ts';
import { familiesToOtlpJson } from './to-otlp.ts';

export interface ScrapeTarget {
  job: string;
  url: string;
}

/** `url` or `job=url` (job defaults to the URL's host:port). Throws naming a bad entry. */
export function parseScrapeTarget(entry: string): ScrapeTarget {
  const eq = entry.indexOf('=');
  const hasJob = eq > 0 && !entry.slice(0, eq).includes('/');
  const job = hasJob ? entry.slice(0, eq).trim() : '';
  const raw = hasJob ? entry.slice(eq + 1).trim() : entry.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`invalid PLUMB_SCRAPE_TARGETS entry ${JSON.stringify(entry)}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`invalid PLUMB_SCRAPE_TARGETS entry ${JSON.stringify(entry)}: use http(s)`);
  return { job: job || url.host, url: url.toString() };
}

export interface ScrapeStats {
  ok: number;
  failed: number;
  lastError: string;
}

/**
 * Pulls Prometheus text endpoints on an interval and hands each scrape to the collector as an
 * OTLP metrics export (to-otlp.ts), so scraped points are durable in the WAL like pushed ones and
 * pass the same admission (a scrape refused while overloaded is dropped, as Prometheus drops a
 * failed scrape; the next one comes at the next interval). One scrape per target at a time; a
 * scrape times out at the interval (at most 10 s). Failures are logged and counted per target.
 */
export class Scraper {
  private timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();
  readonly stats = new Map<string, ScrapeStats>();
  private readonly startNs = BigInt(Date.now()) * 1_000_000n;

  constructor(
    private readonly collector: Collector,
    private readonly targets: ScrapeTarget[],
    private readonly opts: { intervalMs: number; projectId: string; log: (msg: string) => void },
  ) {
    for (const t of targets) this.stats.set(t.url, { ok: 0, failed: 0, lastError: '' });
  }

  start(): void {
    for (const t of this.targets) {
      const tick = () => {
        const p = this.scrape(t).finally(() => this.running.delete(p));
        this.running.add(p);
      };
      tick();
      const timer = setInterval(tick, this.opts.intervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** One scrape of one target; never rejects (failures are counted and logged). */
  async scrape(t: ScrapeTarget): Promise<void> {
    const stats = this.stats.get(t.url)!;
    try {
      const res = await fetch(t.url, {
        headers: { accept: 'text/plain;version=0.0.4' },
        signal: AbortSignal.timeout(Math.min(this.opts.intervalMs, 10_000)),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      if (text.length > this.collector.config.maxDecompressedBytes) throw new Error(`body of ${text.length} bytes is over the limit`);
      const scrapeNs = BigInt(Date.now()) * 1_000_000n;
      const body = familiesToOtlpJson(parsePromText(text), { attributes: { 'service.name': t.job, 'plumb.scrape.url': t.url } }, scrapeNs, this.startNs);
      await this.collector.exportMetrics(Buffer.from(body), 'json', this.opts.projectId);
      stats.ok++;
    } catch (err) {
      stats.failed++;
      const msg = (err as Error).message;
      if (msg !== stats.lastError) this.opts.log(`plumb collector: scrape of ${t.url} failed: ${msg}`);
      stats.lastError = msg;
    }
  }

  /** `plumb_collector_scrapes_total{target,outcome}` in the text format, for /metrics. */
  render(): string {
    const lines = ['# HELP plumb_collector_scrapes_total Prometheus scrapes by target and outcome.', '# TYPE plumb_collector_scrapes_total counter'];
    for (const [url, s] of this.stats) {
      const target = url.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      lines.push(`plumb_collector_scrapes_total{target="${target}",outcome="ok"} ${s.ok}`, `plumb_collector_scrapes_total{target="${target}",outcome="failed"} ${s.failed}`);
    }
    return lines.join('\n');
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.running]);
  }
}
