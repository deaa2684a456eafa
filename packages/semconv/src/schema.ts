import type { Attributes } from '@plumb/otlp';
import { AttrScan, KeyIndex } from './attr-index.ts';
import {
  COST_FIELDS,
  FINISH_REASON_FIELDS,
  JSON_FIELDS,
  RESOURCE_FIELDS,
  STRING_FIELDS,
  TEXT_FIELDS,
  TOKEN_FIELDS,
  TTFT_FIELDS,
} from './fields.ts';
import type { SemconvOptions } from './types.ts';
import { asString } from './values.ts';

/** A text source: a slot number, or the prefix of a flattened family. */
export type TextSource = number | string;

/** The field tables plus one SemconvOptions, compiled to slot numbers. */
export interface Schema {
  readonly options: SemconvOptions;
  readonly scan: AttrScan;
  readonly str: { [K in keyof typeof STRING_FIELDS]: number[] };
  readonly resourceOnSpan: { [K in keyof typeof RESOURCE_FIELDS]: number[] };
  readonly tokens: { [K in keyof typeof TOKEN_FIELDS]: number[] };
  readonly json: { [K in keyof typeof JSON_FIELDS]: number[] };
  readonly cost: { [K in keyof typeof COST_FIELDS]: number[] };
  readonly ttft: readonly { slot: number; toMs: number }[];
  readonly inputText: readonly TextSource[];
  readonly outputText: readonly TextSource[];
  readonly tenant: number[];
  readonly requestType: number[];
  readonly finishReason: number[];
  readonly outputMessages: number;
}

function textSources(index: KeyIndex, keys: readonly string[]): TextSource[] {
  return keys.map((k) => (k.endsWith('.*') ? index.flatPrefix(k) : index.slot(k)));
}

function compile(options: SemconvOptions): Schema {
  const index = new KeyIndex();
  // Option keys first: a key that is also in a table shares its slot.
  const tenant = index.slots(options.tenantKeys);
  const requestType = index.slots(options.requestTypeKeys);
  const partial = {
    options,
    str: index.table(STRING_FIELDS),
    resourceOnSpan: index.table(RESOURCE_FIELDS),
    tokens: index.table(TOKEN_FIELDS),
    json: index.table(JSON_FIELDS),
    cost: index.table(COST_FIELDS),
    ttft: TTFT_FIELDS.map((t) => ({ slot: index.slot(t.key), toMs: t.toMs })),
    inputText: textSources(index, TEXT_FIELDS.input),
    outputText: textSources(index, TEXT_FIELDS.output),
    tenant,
    requestType,
    finishReason: index.slots(FINISH_REASON_FIELDS),
    outputMessages: index.slot('gen_ai.output.messages'),
  };
  // The scan is sized from the finished index, so it is created last.
  return { ...partial, scan: new AttrScan(index) };
}

const schemas = new WeakMap<SemconvOptions, Schema>();

/** Compiled once per options object: callers should reuse the same options object. */
export function schemaFor(options: SemconvOptions): Schema {
  let schema = schemas.get(options);
  if (schema === undefined) {
    schema = compile(options);
    schemas.set(options, schema);
  }
  return schema;
}

/** Resource-level fields; one resource is shared by many spans, so this is cached per object. */
export interface ResourceFacts {
  serviceName: string;
  serviceVersion: string;
  environment: string;
  tenant: string;
  requestType: string;
}

function firstString(attrs: Attributes, keys: readonly string[]): string {
  for (const key of keys) {
    const v = asString(attrs[key]);
    if (v !== '') return v;
  }
  return '';
}

const resourceCache = new WeakMap<Attributes, { schema: Schema; facts: ResourceFacts }>();

/** Assumes resource attributes are not mutated after the first span is normalized. */
export function resourceFacts(resource: Attributes, schema: Schema): ResourceFacts {
  const cached = resourceCache.get(resource);
  if (cached !== undefined && cached.schema === schema) return cached.facts;
  const facts: ResourceFacts = {
    serviceName: firstString(resource, RESOURCE_FIELDS.serviceName),
    serviceVersion: firstString(resource, RESOURCE_FIELDS.serviceVersion),
    environment: firstString(resource, RESOURCE_FIELDS.environment),
    tenant: firstString(resource, schema.options.tenantKeys),
    requestType: firstString(resource, schema.options.requestTypeKeys),
  };
  resourceCache.set(resource, { schema, facts });
  return facts;
}
