import { describe, expect, it } from 'vitest';
import { decide, effectiveRepeat, groupKeyOf, groupLabelsOf, type GroupState, type Timers } from './grouping.ts';

const S = 1000;
const t: Timers = { groupWaitMs: 30 * S, groupIntervalMs: 300 * S, repeatIntervalMs: 3600 * S, sendResolved: true };
const g0: GroupState = { contactPointId: 'cp', groupKey: 'cp:{}', groupLabels: {}, firstSeenAt: null, lastNotifiedAt: null, notifiedFiring: [] };

/** Applies decide at each (time, firing) step, persisting state only when sent (as the notifier does on success). */
function play(steps: [number, string[]][], timers = t, start = g0) {
  let g = start;
  const out: string[] = [];
  for (const [at, firing] of steps) {
    const d = decide(g, firing, at * S, timers);
    g = d.state;
    if (d.send) out.push(`${at}:${d.reason}:${d.firing.join(',')}|${d.resolved.join(',')}`);
  }
  return { out, g };
}

describe('grouping', () => {
  it('waits group_wait before the first notification, then batches changes per group_interval', () => {
    const { out } = play([[0, ['a']], [10, ['a', 'b']], [30, ['a', 'b']], [60, ['a', 'b', 'c']], [330, ['a', 'b', 'c']]]);
    expect(out).toEqual(['30:first notification:a,b|', '330:new alerts added:a,b,c|']);
  });

  it('an alert resolved before group_wait is never notified', () => {
    expect(play([[0, ['a']], [20, []], [40, []], [400, []]]).out).toEqual([]);
  });

  it('resolved: some, then all; re-sent only after repeat_interval otherwise', () => {
    const { out } = play([[0, ['a', 'b']], [30, ['a', 'b']], [400, ['a']], [800, ['a']], [3700, ['a']], [4100, ['a']], [4500, []]]);
    expect(out).toEqual([
      '30:first notification:a,b|', '400:some alerts resolved:a|b', '4100:repeat interval elapsed:a|', '4500:all alerts resolved:|a',
    ]);
  });

  it('send_resolved false still clears with "all alerts resolved"', () => {
    const { out } = play([[0, ['a', 'b']], [30, ['a', 'b']], [400, ['a']], [800, []]], { ...t, sendResolved: false });
    expect(out).toEqual(['30:first notification:a,b|', '800:all alerts resolved:|a,b']);
  });

  it('a restarted notifier with the persisted state sends nothing new for the same firing set', () => {
    const first = play([[0, ['a']], [30, ['a']]]);
    const again = play([[31, ['a']], [90, ['a']], [400, ['a']]], t, JSON.parse(JSON.stringify(first.g)) as GroupState);
    expect(again.out).toEqual([]);
  });

  it('repeat_interval rounds up to group_interval; labels and keys', () => {
    expect(effectiveRepeat({ ...t, repeatIntervalMs: 301 * S })).toBe(600 * S);
    expect(groupLabelsOf({ alertname: 'x', tenant: 't', model: 'm' }, ['alertname', 'tenant', 'nope'])).toEqual({ alertname: 'x', tenant: 't' });
    expect(groupLabelsOf({ a: '1' }, ['...'])).toEqual({ a: '1' });
    expect(groupKeyOf('cp1', { tenant: 't', alertname: 'x' })).toBe('cp1:{alertname="x",tenant="t"}');
  });
});
