import { describe, expect, it } from 'vitest';
import { newInstance, step, type Input, type Instance } from './state.ts';
import { parseRule } from './rule.ts';

const M = 60_000;
const rule = (o: Record<string, unknown> = {}) => parseRule({ name: 'r', query: { measure: 'p95_latency_ms' }, condition: { op: '>', critical: 3000 }, ...o });
const hot: Input = { kind: 'value', value: 4000, severity: 'critical', threshold: 3000 };
const warm: Input = { kind: 'value', value: 2500, severity: 'warning', threshold: 2000 };
const cool: Input = { kind: 'value', value: 1000, severity: null, threshold: 3000 };

/** Runs inputs at one-minute steps from t=0; returns the states and transitions. */
function run(r: ReturnType<typeof rule>, inputs: Input[], start?: Instance) {
  let inst = start ?? newInstance('r1', 'fp', {}, {}, 0);
  const states: string[] = [];
  const transitions: string[] = [];
  inputs.forEach((input, i) => {
    const { next, transition } = step(inst, input, r, (start ? start.evaluatedAt : 0) + (i + 1) * M);
    inst = next;
    states.push(next.state);
    if (transition) transitions.push(`${transition.from}→${transition.to}`);
  });
  return { inst, states, transitions };
}

describe('state machine', () => {
  it('fires on the first breach without `for`', () => {
    const { states, inst } = run(rule(), [hot]);
    expect(states).toEqual(['firing']);
    expect(inst.firedAt).toBe(M);
  });

  it('pending → firing once the breach lasted `for`; startsAt is when it fired', () => {
    const { states, inst, transitions } = run(rule({ forMs: '3m' }), [hot, hot, hot, hot, hot]);
    expect(states).toEqual(['pending', 'pending', 'pending', 'firing', 'firing']);
    expect(transitions).toEqual(['inactive→pending', 'pending→firing']);
    expect(inst.activeAt).toBe(M);
    expect(inst.firedAt).toBe(4 * M);
  });

  it('a pending alert whose condition clears goes back to inactive and never fires', () => {
    const { states } = run(rule({ forMs: '3m' }), [hot, hot, cool, hot, hot, hot]);
    expect(states).toEqual(['pending', 'pending', 'inactive', 'pending', 'pending', 'pending']);
  });

  it('flapping every evaluation never fires with `for` > interval', () => {
    const inputs = Array.from({ length: 20 }, (_, i) => (i % 2 ? cool : hot));
    const { states } = run(rule({ forMs: '2m' }), inputs);
    expect(states).not.toContain('firing');
  });

  it('flapping while firing stays firing with keep_firing_for (one episode, one startsAt)', () => {
    const inputs = [hot, ...Array.from({ length: 10 }, (_, i) => (i % 2 ? hot : cool))];
    const { states, transitions, inst } = run(rule({ keepFiringForMs: '3m' }), inputs);
    expect(states.every((s) => s === 'firing')).toBe(true);
    expect(transitions).toEqual(['inactive→firing']);
    expect(inst.firedAt).toBe(M);
  });

  it('flapping while firing without keep_firing_for resolves and re-fires each time', () => {
    const { transitions } = run(rule(), [hot, cool, hot, cool]);
    expect(transitions).toEqual(['inactive→firing', 'firing→resolved', 'resolved→firing', 'firing→resolved']);
  });

  it('keep_firing_for counts from the last breach, then resolves', () => {
    const { states, inst } = run(rule({ keepFiringForMs: '3m' }), [hot, cool, cool, cool, cool]);
    expect(states).toEqual(['firing', 'firing', 'firing', 'resolved', 'resolved']);
    expect(inst.resolvedAt).toBe(4 * M);
  });

  it('escalation warning → critical is the same episode, recorded as a transition', () => {
    const r = rule({ condition: { op: '>', warning: 2000, critical: 3000 } });
    const { states, transitions, inst } = run(r, [warm, hot]);
    expect(states).toEqual(['firing', 'firing']);
    expect(transitions).toEqual(['inactive→firing', 'firing→firing']);
    expect(inst.severity).toBe('critical');
    expect(inst.firedAt).toBe(M);
  });

  it('no data: own state by default; leaving firing ends the episode', () => {
    const { states, inst } = run(rule(), [hot, { kind: 'nodata' }, cool]);
    expect(states).toEqual(['firing', 'nodata', 'inactive']);
    expect(inst.resolvedAt).toBe(2 * M);
  });

  it('no data as alerting honours `for`; as ok clears; as keep freezes the state and timers', () => {
    expect(run(rule({ noData: 'alerting', forMs: '2m' }), [{ kind: 'nodata' }, { kind: 'nodata' }, { kind: 'nodata' }]).states).toEqual(['pending', 'pending', 'firing']);
    expect(run(rule({ noData: 'ok' }), [hot, { kind: 'nodata' }]).states).toEqual(['firing', 'resolved']);
    const keep = run(rule({ noData: 'keep', forMs: '2m' }), [hot, { kind: 'nodata' }, { kind: 'nodata' }, hot]);
    expect(keep.states).toEqual(['pending', 'pending', 'pending', 'firing']);
  });

  it('error: own state with the message; alerting/keep policies', () => {
    const e = run(rule(), [hot, { kind: 'error', message: 'timeout' }]);
    expect(e.states).toEqual(['firing', 'error']);
    expect(e.inst.error).toBe('timeout');
    expect(run(rule({ onError: 'keep' }), [hot, { kind: 'error', message: 'x' }]).states).toEqual(['firing', 'firing']);
    expect(run(rule({ onError: 'alerting' }), [{ kind: 'error', message: 'x' }]).states).toEqual(['firing']);
  });

  it('an absent group clears like a false condition', () => {
    expect(run(rule({ forMs: '5m' }), [hot, { kind: 'absent' }]).states).toEqual(['pending', 'inactive']);
    expect(run(rule(), [hot, { kind: 'absent' }]).states).toEqual(['firing', 'resolved']);
  });

  it('restart: continuing from the persisted instance is the same as never stopping', () => {
    const r = rule({ forMs: '3m', keepFiringForMs: '2m' });
    const inputs = [hot, hot, hot, hot, cool, hot, cool, cool, cool, hot];
    const straight = run(r, inputs);
    // Stop after every prefix, persist (JSON round trip), resume: same states, same transitions.
    for (let cut = 1; cut < inputs.length; cut++) {
      const a = run(r, inputs.slice(0, cut));
      const restored = JSON.parse(JSON.stringify(a.inst)) as Instance;
      const b = run(r, inputs.slice(cut), restored);
      expect([...a.states, ...b.states]).toEqual(straight.states);
      expect([...a.transitions, ...b.transitions]).toEqual(straight.transitions);
    }
  });

  it('a firing alert keeps its startsAt across re-evaluation after a restart', () => {
    const a = run(rule(), [hot, hot]);
    const b = run(rule(), [hot], JSON.parse(JSON.stringify(a.inst)) as Instance);
    expect(b.transitions).toEqual([]);
    expect(b.inst.firedAt).toBe(M);
  });
});
