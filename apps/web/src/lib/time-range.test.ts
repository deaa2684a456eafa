import { describe, expect, it } from 'vitest';
import { describeTimeRange, fromZoneInput, parseInstant, parseRefresh, parseTimeRange, resolveTimeRange, timeRangeParams, toZoneInput } from './time-range.ts';

const p = (q: string) => new URLSearchParams(q);

describe('parseTimeRange', () => {
  it('defaults to the last 24 hours', () => {
    expect(parseTimeRange(p(''))).toEqual({ kind: 'preset', preset: '24h' });
    expect(parseTimeRange(p('range=banana'))).toEqual({ kind: 'preset', preset: '24h' });
  });

  it('reads a preset', () => {
    expect(parseTimeRange(p('range=15m'))).toEqual({ kind: 'preset', preset: '15m' });
  });

  it('prefers a valid absolute from/to (ISO or epoch ms) over range', () => {
    const r = parseTimeRange(p('range=1h&from=2025-03-04T10:00:00Z&to=1741086000000'));
    expect(r).toEqual({ kind: 'absolute', fromMs: Date.parse('2025-03-04T10:00:00Z'), toMs: 1741086000000 });
  });

  it('ignores an inverted or half absolute window', () => {
    expect(parseTimeRange(p('from=2025-03-05T00:00:00Z&to=2025-03-04T00:00:00Z')).kind).toBe('preset');
    expect(parseTimeRange(p('from=2025-03-05T00:00:00Z')).kind).toBe('preset');
  });
});

describe('resolveTimeRange', () => {
  it('ends a preset at now, rounded down to the second', () => {
    expect(resolveTimeRange({ kind: 'preset', preset: '1h' }, 10_000_500)).toEqual({ fromMs: 10_000_000 - 3_600_000, toMs: 10_000_000 });
  });
  it('passes an absolute window through', () => {
    expect(resolveTimeRange({ kind: 'absolute', fromMs: 1, toMs: 2 }, 99)).toEqual({ fromMs: 1, toMs: 2 });
  });
});

it('round-trips through URL params', () => {
  const abs = { kind: 'absolute' as const, fromMs: Date.parse('2025-03-04T10:00:00Z'), toMs: Date.parse('2025-03-04T11:30:00Z') };
  expect(parseTimeRange(p(new URLSearchParams(timeRangeParams(abs)).toString()))).toEqual(abs);
  expect(timeRangeParams({ kind: 'preset', preset: '7d' })).toEqual({ range: '7d' });
});

it('parseInstant rejects garbage', () => {
  expect(parseInstant('yesterday-ish')).toBeNull();
  expect(parseInstant('')).toBeNull();
});

it('parseRefresh only accepts known intervals', () => {
  expect(parseRefresh('30s')).toBe('30s');
  expect(parseRefresh('5s')).toBe('off');
  expect(parseRefresh(null)).toBe('off');
});

describe('custom range inputs in the chosen zone', () => {
  const t = Date.UTC(2025, 2, 4, 14, 3);
  it('shows and reads wall clocks of the zone (the API stays UTC)', () => {
    expect(toZoneInput(t, 'UTC')).toBe('2025-03-04T14:03');
    expect(toZoneInput(t, 'America/New_York')).toBe('2025-03-04T09:03');
    expect(fromZoneInput('2025-03-04T09:03', 'America/New_York')).toBe(t);
    expect(fromZoneInput('2025-03-04T14:03', 'UTC')).toBe(t);
    expect(fromZoneInput('2025-13-04T14:03', 'UTC')).toBeNull();
    expect(fromZoneInput('nonsense', 'UTC')).toBeNull();
  });
  it('an absolute window says its zone', () => {
    const r = { kind: 'absolute' as const, fromMs: t, toMs: t + 3_600_000 };
    expect(describeTimeRange(r, 'UTC')).toBe('2025-03-04 14:03 → 2025-03-04 15:03 UTC');
    expect(describeTimeRange(r, 'America/New_York')).toBe('2025-03-04 09:03 → 2025-03-04 10:03 UTC−5');
    expect(describeTimeRange({ kind: 'preset', preset: '1h' }, 'UTC')).toBe('Last hour');
  });
});
