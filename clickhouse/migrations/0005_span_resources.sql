-- Row slimming for ingest throughput (issue 6): the engine's parse cost grows with the row, and
-- the per-span resource map (~6 entries repeated on every span of a process) was the largest
-- avoidable part of it.
--
-- 1. Resource attributes live once per resource in `span_resources`, keyed by a hash of the
--    map; a span keeps only `resource_hash`. The collector writes a resource row the first time
--    it sees a hash (a re-delivered row collapses: ReplacingMergeTree on the same key). Only span
--    detail (and the explorer's attribute filter, as a semi-join on this small table) reads it;
--    no dashboard query joins it. The keys queries group by are columns: `host` (0004),
--    `service_instance`, `k8s_namespace`, `k8s_pod`.
-- 2. `attributes_promoted`: bit i set = span attribute PROMOTED_ATTRIBUTES[i]
--    (packages/store/src/schema/promoted.ts, append-only) was left out of `attributes` because
--    its column holds the same value; span detail rebuilds it. 0 on rows written before.
CREATE TABLE IF NOT EXISTS span_resources
(
    project_id     LowCardinality(String),
    resource_hash  UInt64,
    attributes     Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    first_seen     DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (project_id, resource_hash);

ALTER TABLE spans ADD COLUMN IF NOT EXISTS resource_hash UInt64 DEFAULT sipHash64(resource_attributes) AFTER host;
ALTER TABLE spans ADD COLUMN IF NOT EXISTS service_instance LowCardinality(String) DEFAULT resource_attributes['service.instance.id'] AFTER resource_hash;
ALTER TABLE spans ADD COLUMN IF NOT EXISTS k8s_namespace LowCardinality(String) DEFAULT resource_attributes['k8s.namespace.name'] AFTER service_instance;
ALTER TABLE spans ADD COLUMN IF NOT EXISTS k8s_pod LowCardinality(String) DEFAULT resource_attributes['k8s.pod.name'] AFTER k8s_namespace;
ALTER TABLE spans ADD COLUMN IF NOT EXISTS attributes_promoted UInt32 AFTER attributes;

-- Existing rows: their resources into span_resources, the derived columns materialized (the
-- mutations run synchronously), then the map column goes.
INSERT INTO span_resources (project_id, resource_hash, attributes)
SELECT project_id, sipHash64(resource_attributes) AS h, any(resource_attributes) FROM spans GROUP BY project_id, h;
ALTER TABLE spans MATERIALIZE COLUMN host SETTINGS mutations_sync = 2;
ALTER TABLE spans MATERIALIZE COLUMN resource_hash SETTINGS mutations_sync = 2;
ALTER TABLE spans MATERIALIZE COLUMN service_instance SETTINGS mutations_sync = 2;
ALTER TABLE spans MATERIALIZE COLUMN k8s_namespace SETTINGS mutations_sync = 2;
ALTER TABLE spans MATERIALIZE COLUMN k8s_pod SETTINGS mutations_sync = 2;
ALTER TABLE spans MODIFY COLUMN host REMOVE DEFAULT;
ALTER TABLE spans MODIFY COLUMN resource_hash REMOVE DEFAULT;
ALTER TABLE spans MODIFY COLUMN service_instance REMOVE DEFAULT;
ALTER TABLE spans MODIFY COLUMN k8s_namespace REMOVE DEFAULT;
ALTER TABLE spans MODIFY COLUMN k8s_pod REMOVE DEFAULT;
ALTER TABLE spans DROP COLUMN IF EXISTS resource_attributes SETTINGS mutations_sync = 2;
