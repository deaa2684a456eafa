import { Histogram, Registry, Series } from './metrics.ts';

/**
 * The web server's series: requests by route class (pages, trpc, rest, auth, static), method and
 * status class, and their durations. Route classes, not paths: ids in paths would make a series
 * per trace.
 */
export class HttpMetrics {
  readonly registry = new Registry();
  readonly requests = this.registry.add(new Series('plumb_web_requests_total', 'HTTP requests answered by the web server, by route class, method and status.', 'counter'));
  readonly seconds = this.registry.add(new Histogram('plumb_web_request_duration_seconds', 'HTTP request duration by route class.', [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]));
  readonly inFlight = this.registry.add(new Series('plumb_web_requests_in_flight', 'HTTP requests being handled.', 'gauge'));

  static routeClass(path: string): string {
    if (path.startsWith('/api/trpc')) return 'trpc';
    if (path.startsWith('/api/v1')) return 'rest';
    if (path.startsWith('/api/auth') || path === '/login' || path === '/logout') return 'auth';
    if (path.startsWith('/api/')) return 'api';
    if (path.startsWith('/_next/') || /\.(js|css|png|svg|ico|woff2?|map)$/.test(path)) return 'static';
    return 'page';
  }

  observe(path: string, method: string, status: number, seconds: number): void {
    const route = HttpMetrics.routeClass(path);
    this.requests.inc({ route, method: /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(method) ? method : 'other', status: `${Math.floor(status / 100)}xx` });
    this.seconds.observe(seconds, { route });
  }
}

/** The worker's series: runs per job by outcome (ran, skipped: another worker holds the lease, failed), durations, last success. */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly runs = this.registry.add(new Series('plumb_worker_job_runs_total', 'Job ticks by outcome: ran, skipped (lease held elsewhere), failed.', 'counter'));
  readonly seconds = this.registry.add(new Histogram('plumb_worker_job_duration_seconds', 'Duration of job runs that held the lease.', [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800]));
  readonly lastSuccess = this.registry.add(new Series('plumb_worker_job_last_success_timestamp_seconds', 'When each job last finished without error.', 'gauge'));

  observe(job: string, outcome: 'ran' | 'skipped' | 'failed', seconds: number): void {
    this.runs.inc({ job, outcome });
    if (outcome !== 'skipped') this.seconds.observe(seconds, { job });
    if (outcome === 'ran') this.lastSuccess.set(Math.round(Date.now() / 1000), { job });
  }
}
