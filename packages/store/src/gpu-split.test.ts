import { describe, expect, it } from 'vitest';
import { picoToUsd, splitExact, splitHostHour, usdToPico, type HostHour } from './gpu-split.ts';

const USD = 1_000_000_000_000n;
const S = 1_000_000_000n; // ns per second
const hh = (over: Partial<HostHour>): HostHour => ({ hour: 0, host: 'gpu-1', costPico: 4n * USD, utilization: 0.5, busyNs: new Map(), ...over });
const byTenant = (lines: ReturnType<typeof splitHostHour>) => Object.fromEntries(lines.map((l) => [l.tenant ?? '(idle)', picoToUsd(l.costPico)]));

describe('GPU cost split across tenants (hand-computed)', () => {
  it('busy part by busy-time share, idle as its own line', () => {
    // $4 at 50 % utilization: $2 idle; $2 busy split 30 s : 10 s → $1.50 / $0.50.
    const lines = splitHostHour(hh({ busyNs: new Map([['acme', 30n * S], ['globex', 10n * S]]) }), false);
    expect(byTenant(lines)).toEqual({ acme: '1.5', globex: '0.5', '(idle)': '2' });
  });

  it('spreading idle gives each tenant its share of the whole cost', () => {
    const lines = splitHostHour(hh({ busyNs: new Map([['acme', 30n * S], ['globex', 10n * S]]) }), true);
    expect(byTenant(lines)).toEqual({ acme: '3', globex: '1' });
  });

  it('an hour without traffic is all idle; a tenant with no busy time gets nothing', () => {
    expect(byTenant(splitHostHour(hh({ busyNs: new Map([['acme', 0n]]) }), false))).toEqual({ '(idle)': '4' });
    expect(byTenant(splitHostHour(hh({ busyNs: new Map([['acme', 0n]]) }), true))).toEqual({ '(idle)': '4' });
    const lines = splitHostHour(hh({ utilization: 1, busyNs: new Map([['acme', 5n * S], ['quiet', 0n]]) }), false);
    expect(byTenant(lines)).toEqual({ acme: '4' });
  });

  it('unknown utilization: all busy', () => {
    expect(byTenant(splitHostHour(hh({ utilization: null, busyNs: new Map([['acme', S]]) }), false))).toEqual({ acme: '4' });
  });

  it('sums exactly: thirds of a cent to the picodollar, leftovers to the largest remainders', () => {
    const parts = splitExact(1n, new Map([['a', 1n], ['b', 1n], ['c', 1n]]));
    expect([...parts.values()].reduce((x, y) => x + y, 0n)).toBe(1n);
    expect(parts.get('a')).toBe(1n); // tie → first by name
    const amount = usdToPico('2.000000000001');
    const weights = new Map([['x', 7n], ['y', 11n], ['z', 13n]]);
    const split = splitExact(amount, weights);
    expect([...split.values()].reduce((x, y) => x + y, 0n)).toBe(amount);
    // x = 2.000000000001 × 7/31 = 0.451612903226 (rounded up: it has the largest remainder)
    expect(picoToUsd(split.get('x')!)).toBe('0.451612903226');
    const lines = splitHostHour(hh({ costPico: amount, utilization: 0.333333, busyNs: weights }), false);
    expect(lines.reduce((s, l) => s + l.costPico, 0n)).toBe(amount);
  });

  it('exact USD text both ways', () => {
    expect(picoToUsd(usdToPico('2.5'))).toBe('2.5');
    expect(picoToUsd(0n)).toBe('0');
    expect(() => usdToPico('1e3')).toThrow(/USD/);
  });
});
