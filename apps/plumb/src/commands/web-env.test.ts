import { describe, expect, it } from 'vitest';
import { webEnvFromEnv } from './web-env.ts';

describe('webEnvFromEnv', () => {
  it("treats '' as unset (docker compose passes ${PLUMB_ADMIN_PASSWORD:-} as an empty string)", () => {
    expect(webEnvFromEnv({ PORT: '', HOST: '', PLUMB_ADMIN_EMAIL: '', PLUMB_ADMIN_PASSWORD: '' })).toEqual(webEnvFromEnv({}));
    expect(webEnvFromEnv({ PLUMB_ADMIN_PASSWORD: '' }).PLUMB_ADMIN_PASSWORD).toBeUndefined();
    expect(webEnvFromEnv({}).PORT).toBe(3000);
  });

  it('still rejects a set but invalid value, naming the variable', () => {
    expect(() => webEnvFromEnv({ PLUMB_ADMIN_PASSWORD: 'short' })).toThrow(/PLUMB_ADMIN_PASSWORD: must be at least 8/);
    expect(() => webEnvFromEnv({ PLUMB_ADMIN_EMAIL: 'nope' })).toThrow(/PLUMB_ADMIN_EMAIL/);
  });
});
