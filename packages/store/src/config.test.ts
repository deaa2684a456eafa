import { describe, expect, it } from 'vitest';
import { storeConfigFromEnv } from './config.ts';

describe('storeConfigFromEnv', () => {
  it("treats '' as unset", () => {
    const defaults = storeConfigFromEnv({});
    expect(storeConfigFromEnv({ CLICKHOUSE_URL: '', CLICKHOUSE_CLUSTER: '', PLUMB_RETENTION_DAYS: '' })).toEqual(defaults);
    expect(defaults).toEqual({ target: { kind: 'embedded', path: './data/clickhouse' }, cluster: '', retentionDays: 30 });
  });

  it('still rejects a set but invalid value, naming the variable', () => {
    expect(() => storeConfigFromEnv({ PLUMB_RETENTION_DAYS: '0' })).toThrow(/PLUMB_RETENTION_DAYS/);
  });
});
