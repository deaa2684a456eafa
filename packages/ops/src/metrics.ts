/**
 * Prometheus text exposition (format 0.0.4) without a dependency: counters, gauges and
 * histograms with labels, and a registry that renders them plus other components' text.
 * The collector, the worker and the web server each keep one registry.
 */
export type Labels = Record<string, string>;

const labelText = (labels: Labels) => {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return l.length ? `{${l.join(',')}}` : '';
};

export class Series {
  private values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = JSON.stringify(labels);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels, value: by });
  }
  set(value: number, labels: Labels = {}): void {
    this.values.set(JSON.stringify(labels), { labels, value });
  }
  get(labels: Labels = {}): number {
    return this.values.get(JSON.stringify(labels))?.value ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines.join('\n');
  }
}

/** A histogram, optionally split by labels (one set of buckets per label set). */
export class Histogram {
  private series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}
  observe(v: number, labels: Labels = {}): void {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    s.sum += v;
    s.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) s.counts[i]!++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    if (this.series.size === 0) this.series.set('{}', { labels: {}, counts: this.buckets.map(() => 0), sum: 0, count: 0 });
    for (const s of this.series.values()) {
      const withLe = (le: string) => labelText({ ...s.labels, le });
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${withLe(String(b))} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${withLe('+Inf')} ${s.count}`, `${this.name}_sum${labelText(s.labels)} ${s.sum}`, `${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** Process-level series, once per scraped endpoint (resident memory, heap, uptime). */
export function processMetrics(role: string): string {
  const m = process.memoryUsage();
  const l = labelText({ role });
  return [
    '# HELP plumb_process_resident_memory_bytes Resident set size.',
    '# TYPE plumb_process_resident_memory_bytes gauge',
    `plumb_process_resident_memory_bytes${l} ${m.rss}`,
    '# HELP plumb_process_heap_used_bytes V8 heap in use.',
    '# TYPE plumb_process_heap_used_bytes gauge',
    `plumb_process_heap_used_bytes${l} ${m.heapUsed}`,
    '# HELP plumb_process_uptime_seconds Seconds since the process started.',
    '# TYPE plumb_process_uptime_seconds gauge',
    `plumb_process_uptime_seconds${l} ${Math.round(process.uptime())}`,
  ].join('\n');
}

export class Registry {
  private readonly parts: (Series | Histogram | (() => string))[] = [];
  add<T extends Series | Histogram>(s: T): T {
    this.parts.push(s);
    return s;
  }
  addSource(render: () => string): void {
    this.parts.push(render);
  }
  render(): string {
    return `${this.parts.map((p) => (typeof p === 'function' ? p() : p.render())).join('\n')}\n`;
  }
}
