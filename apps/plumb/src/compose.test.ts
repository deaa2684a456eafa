import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The compose files, validated statically: no Docker engine runs here, but Debian's
 * docker-compose parses them (`config` resolves anchors, merges, variables and checks the
 * schema). Its YAML output is read back through python3-yaml (a docker-compose dependency).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const have = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
if (!have) console.warn('compose.test: docker-compose not installed (apt-get install docker-compose); skipping');

interface Service {
  environment?: Record<string, string>;
  volumes?: ({ type: string; source: string; target: string } | string)[];
  command?: string[];
  depends_on?: Record<string, unknown>;
}
function config(file: string): { services: Record<string, Service> } {
  const yaml = execFileSync('docker-compose', ['-f', join(root, file), 'config'], { cwd: root, encoding: 'utf8', env: { ...process.env, PLUMB_INGEST_KEY: '' } });
  const json = execFileSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: yaml, encoding: 'utf8' });
  return JSON.parse(json) as { services: Record<string, Service> };
}
const volumeSource = (v: Service['volumes'] extends (infer V)[] | undefined ? V : never) => (typeof v === 'string' ? v.split(':')[0]! : v.source);

describe.skipIf(!have)('compose files', () => {
  it('docker-compose.yml (one server) is valid', () => {
    expect(Object.keys(config('docker-compose.yml').services).sort()).toEqual(['clickhouse', 'collector', 'migrate', 'web', 'worker']);
  });

  it('the cluster file: 2 shards x 2 replicas, 3 keepers, collectors with their own WAL volumes', () => {
    const { services } = config('docker-compose.cluster.yml');
    const names = Object.keys(services);
    expect(names.filter((n) => n.startsWith('ch-')).sort()).toEqual(['ch-1-1', 'ch-1-2', 'ch-2-1', 'ch-2-2']);
    expect(names.filter((n) => n.startsWith('keeper-')).length).toBe(3);

    // Every server's shard/replica macros, and the hosts the cluster XML names, agree.
    const xml = readFileSync(join(root, 'deploy/cluster/clickhouse/cluster.xml'), 'utf8');
    const shards = [...xml.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((m) => [...m[1]!.matchAll(/<host>([^<]+)<\/host>/g)].map((h) => h[1]));
    expect(shards).toEqual([['ch-1-1', 'ch-1-2'], ['ch-2-1', 'ch-2-2']]);
    shards.forEach((hosts, i) => {
      for (const h of hosts) expect(services[h!]!.environment).toMatchObject({ CLICKHOUSE_SHARD: String(i + 1), CLICKHOUSE_REPLICA: h });
    });

    // Each collector has a WAL volume of its own: never shared with another service.
    const collectors = names.filter((n) => services[n]!.command?.[0] === 'collector');
    expect(collectors.length).toBeGreaterThanOrEqual(2);
    const wal = collectors.map((n) => {
      const dir = services[n]!.environment!.PLUMB_WAL_DIR!;
      const v = services[n]!.volumes!.find((x) => (typeof x === 'string' ? x.split(':')[1] : x.target) === dir);
      expect(v, `${n} mounts a volume at PLUMB_WAL_DIR`).toBeDefined();
      return volumeSource(v!);
    });
    expect(new Set(wal).size).toBe(collectors.length);
    for (const [n, s] of Object.entries(services)) {
      if (collectors.includes(n)) continue;
      for (const v of s.volumes ?? []) expect(wal).not.toContain(volumeSource(v));
    }

    // Every Plumb role runs in cluster mode against a server; migrations run before them.
    for (const n of [...collectors, 'worker', 'web', 'migrate']) {
      expect(services[n]!.environment).toMatchObject({ CLICKHOUSE_CLUSTER: 'plumb' });
      expect(services[n]!.environment!.CLICKHOUSE_URL).toMatch(/^http:\/\/plumb:plumb@ch-\d-\d:8123\/plumb$/);
    }
    for (const n of [...collectors, 'worker', 'web']) expect(services[n]!.depends_on).toHaveProperty('migrate');
    const nginx = readFileSync(join(root, 'deploy/cluster/nginx.conf'), 'utf8');
    for (const c of collectors) expect(nginx).toContain(`server ${c}:4318`);
  });
});
