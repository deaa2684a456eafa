'use client';
import { useState } from 'react';

const ENV = [
  'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318',
  'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
  'OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer <key>',
].join('\n');

function CopyBlock({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="codeblock" aria-label={label}>
      {text}
      <button
        type="button"
        className="btn copy"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => {
            setCopied(true);
            window.setTimeout(() => setCopied(false), 1500);
          });
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/** Shown when the selected window holds no data: how to point an OpenTelemetry SDK at Plumb. */
export function OnboardingEmptyState({ windowLabel }: { windowLabel: string }) {
  return (
    <section className="panel empty-state" data-testid="empty-state">
      <h2>No traces in {windowLabel.toLowerCase()}</h2>
      <p className="muted" style={{ margin: 0 }}>
        Plumb receives OpenTelemetry traces over OTLP/HTTP on port 4318. Point any OTel SDK (OpenAI Agents, LangChain, LlamaIndex,
        Vercel AI SDK, OpenLLMetry, OpenInference…) at it:
      </p>
      <ol>
        <li>
          Set these environment variables in the instrumented app (the key is your project&apos;s ingest key, <code>PLUMB_INGEST_KEY</code>
          {' '}at first start, or one from <code>plumb keys create --scope ingest</code>):
          <CopyBlock text={ENV} label="OpenTelemetry exporter environment" />
        </li>
        <li>
          Or generate a synthetic multi-agent workload to explore the dashboard:
          <CopyBlock text="npm run demo" label="Demo command" />
        </li>
        <li className="muted">Data shows up here within seconds. Widen the time range if you sent data earlier.</li>
      </ol>
    </section>
  );
}
