import type { Attributes, OtlpEvent, OtlpScope, OtlpSpan } from '@plumb/otlp';
import { normalizeSpan } from './normalize.ts';
import type { NormalizedSpan, SemconvOptions } from './types.ts';

/** Test helper: hand-built OTLP records with sensible defaults. */
export const START_NS = 1_750_000_000_000_000_000n;

export interface SpanInit {
  name?: string;
  kind?: number;
  attributes?: Attributes;
  events?: OtlpEvent[];
  status?: { code: number; message: string };
  durationMs?: number;
}

export function makeSpan(init: SpanInit = {}): OtlpSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '',
    traceState: '',
    name: init.name ?? 'span',
    kind: init.kind ?? 1,
    startTimeUnixNano: START_NS,
    endTimeUnixNano: START_NS + BigInt(init.durationMs ?? 1000) * 1_000_000n,
    attributes: init.attributes ?? {},
    events: init.events ?? [],
    links: [],
    status: init.status ?? { code: 0, message: '' },
  };
}

export function makeEvent(name: string, attributes: Attributes = {}, offsetMs = 0): OtlpEvent {
  return { name, attributes, timeUnixNano: START_NS + BigInt(offsetMs) * 1_000_000n };
}

export function makeScope(name = 'test', version = '1.0.0'): OtlpScope {
  return { name, version, attributes: {} };
}

export interface NormInit extends SpanInit {
  resource?: Attributes;
  scope?: string;
  options?: SemconvOptions;
  maxTextLength?: number;
}

/** normalizeSpan on a hand-built span. */
export function norm(init: NormInit = {}): NormalizedSpan {
  return normalizeSpan(
    init.resource ?? { 'service.name': 'svc' },
    makeScope(init.scope),
    makeSpan(init),
    init.options,
    init.maxTextLength,
  );
}
