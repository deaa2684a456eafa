import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { Collector } from './collector.ts';
import { collectorConfigFromEnv, type CollectorConfig } from './config.ts';
import { createCollectorServer, listen } from './http/server.ts';

export interface TestCollector {
  url: string;
  collector: Collector;
  store: Store;
  dir: string;
  stop(): Promise<void>;
}

/** A collector on a real embedded store in a temp dir, listening on a free loopback port. */
export async function startTestCollector(overrides: Partial<CollectorConfig> = {}, existing?: { store: Store; dir: string }): Promise<TestCollector> {
  const dir = existing?.dir ?? mkdtempSync(join(tmpdir(), 'plumb-collector-'));
  const store = existing?.store ?? (await Store.open(testStoreConfig(join(dir, 'ch'))));
  await store.migrate();
  const config: CollectorConfig = {
    ...collectorConfigFromEnv({}),
    walDir: join(dir, 'wal'),
    batchMaxDelayMs: 50,
    port: 0,
    host: '127.0.0.1',
    ...overrides,
  };
  const collector = await Collector.start(store, config, process.env.PLUMB_TEST_LOG ? console.error : () => {});
  const server = createCollectorServer(collector, { log: () => {} });
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    collector,
    store,
    dir,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await collector.stop();
    },
  };
}

let counter = 0;
/** Random-looking but unique hex ids for fixtures. */
export function hexId(bytes: 8 | 16): string {
  counter++;
  const rand = Array.from({ length: bytes - 4 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join('');
  return counter.toString(16).padStart(8, '0') + rand;
}

export interface JsonSpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  durationMs: number;
  attributes?: Record<string, string | number | boolean>;
  status?: number;
  events?: { name: string; timeMs: number; attributes?: Record<string, string | number | boolean> }[];
  links?: { traceId: string; spanId: string }[];
}

function anyValue(v: string | number | boolean): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

/** An OTLP/JSON ExportTraceServiceRequest body for one resource. */
export function otlpJson(spans: JsonSpanSpec[], resource: Record<string, string> = { 'service.name': 'test-svc' }): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: Object.entries(resource).map(([key, v]) => ({ key, value: anyValue(v) })) },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: 1,
              startTimeUnixNano: (BigInt(Math.round(s.startMs)) * 1_000_000n).toString(),
              endTimeUnixNano: (BigInt(Math.round(s.startMs + s.durationMs)) * 1_000_000n).toString(),
              attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({ key, value: anyValue(v) })),
              status: { code: s.status ?? 0 },
              events: (s.events ?? []).map((e) => ({
                name: e.name,
                timeUnixNano: (BigInt(Math.round(e.timeMs)) * 1_000_000n).toString(),
                attributes: Object.entries(e.attributes ?? {}).map(([key, v]) => ({ key, value: anyValue(v) })),
              })),
              links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: [{ key: 'link.kind', value: { stringValue: 'follows' } }] })),
            })),
          },
        ],
      },
    ],
  });
}

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}
