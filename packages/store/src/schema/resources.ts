/**
 * Resource attributes, stored once per resource (table `span_resources`, migration 0005) and
 * referenced from each span by `resource_hash`. The hash is of the flattened map as serialized
 * (keys in the order the sender gave them): the same resource from the same SDK hashes the
 * same in every request and in every collector, so re-written rows collapse (ReplacingMergeTree).
 * Rows migrated from before 0005 carry the engine's sipHash64 of the map instead: a resource seen
 * before and after the upgrade may have two rows, which is harmless.
 */
import { createHash } from 'node:crypto';
import { asIs, field, type Field } from './field.ts';

export const RESOURCE_FIELDS = [
  field('project_id', 'LowCardinality(String)', 'projectId', { write: asIs<string> }),
  field('resource_hash', 'UInt64', 'resourceHash', { write: asIs<string> }),
  field('attributes', 'Map(LowCardinality(String), String)', 'resourceAttributes', { write: asIs<Record<string, string>> }),
  { column: 'first_seen', type: 'DateTime64(3)', key: null, insert: false, views: [] } satisfies Field<null, never, readonly []>,
] as const;

export const RESOURCE_COLUMNS: readonly string[] = (RESOURCE_FIELDS as readonly Field[]).filter((f) => f.insert).map((f) => f.column);

/** UInt64 (as decimal text: above 2^53, JSON numbers would lose bits) of a serialized map. */
export function resourceHash(serializedAttributes: string): string {
  return createHash('sha1').update(serializedAttributes).digest().readBigUInt64BE(0).toString();
}

/** One JSONCompactEachRow line of `span_resources`. */
export function serializeResourceRow(projectId: string, hash: string, attributes: Record<string, string>): string {
  return JSON.stringify([projectId, hash, attributes]) + '\n';
}

/** The span columns taken from a resource: its hash and the keys queries group by. */
export interface ResourceColumns {
  resourceHash: string;
  host: string;
  serviceInstance: string;
  k8sNamespace: string;
  k8sPod: string;
}

const columnsCache = new WeakMap<Record<string, string>, ResourceColumns>();

/** Computed once per map object (every span of an OTLP ResourceSpans shares one). */
export function resourceColumns(attributes: Record<string, string>): ResourceColumns {
  let c = columnsCache.get(attributes);
  if (c === undefined) {
    c = {
      resourceHash: resourceHash(JSON.stringify(attributes)),
      host: attributes['host.name'] ?? '',
      serviceInstance: attributes['service.instance.id'] ?? '',
      k8sNamespace: attributes['k8s.namespace.name'] ?? '',
      k8sPod: attributes['k8s.pod.name'] ?? '',
    };
    columnsCache.set(attributes, c);
  }
  return c;
}
