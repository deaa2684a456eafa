import { describe, expect, it } from 'vitest';
import { loadMigrations, splitStatements } from './migrations.ts';

describe('migrations', () => {
  it('splits statements and drops comments', () => {
    expect(splitStatements('-- hi;\nCREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x;\n\nSELECT 1;')).toEqual([
      'CREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x',
      'SELECT 1',
    ]);
  });

  it('loads the repository migrations in order with checksums', () => {
    const all = loadMigrations();
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.map((m) => m.name)).toEqual([...all.map((m) => m.name)].sort());
    for (const m of all) {
      expect(m.checksum).toMatch(/^[0-9a-f]{16}$/);
      expect(m.statements.length).toBeGreaterThan(0);
    }
  });
  // Cluster rendering: cluster.test.ts.
});
