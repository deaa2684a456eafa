import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GpuDemo, runWorkload } from '@plumb/demo';
import { E2E } from './playwright.config.ts';
import { probeRequest } from './probe.ts';
import type { SentWorkload } from './helpers.ts';

/**
 * Sends the demo workload through the real OTel SDK to the running collector, plus one probe
 * trace over OTLP/JSON (see probe.ts), then records what was sent in E2E_DATA_DIR/sent.json
 * for the specs to compare against what the dashboard shows.
 */
export default async function globalSetup(): Promise<void> {
  const collector = `http://127.0.0.1:${E2E.collectorPort}`;
  const result = await runWorkload({
    endpoint: collector,
    tracesPerSecond: 30,
    durationSec: 4,
    seed: 42,
    protocol: 'http/protobuf',
    failureRate: 0.15,
    // DCGM-like and vLLM-like metrics consistent with the self-hosted calls (gpu.spec.ts).
    gpu: new GpuDemo({ endpoint: collector }),
  });
  if (result.failed || result.exportedSpans === 0) {
    throw new Error(`demo workload was not delivered: ${JSON.stringify(result)}`);
  }
  const probe = await fetch(`${collector}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: probeRequest(Date.now()),
  });
  if (!probe.ok) throw new Error(`probe trace rejected: HTTP ${probe.status} ${await probe.text()}`);

  const sent: SentWorkload = { demoTraces: result.traces, demoSpans: result.spans, traces: result.traces + 1, spans: result.spans + 3 };
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error('E2E_DATA_DIR is not set (playwright.config.ts sets it)');
  writeFileSync(join(dataDir, 'sent.json'), JSON.stringify(sent));
  // Batch window (200 ms) + context hold (500 ms) + insert; specs poll beyond this anyway.
  await new Promise((r) => setTimeout(r, 3000));
}
