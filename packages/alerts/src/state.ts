import type { Severity } from './evaluate.ts';
import type { RuleSpec } from './rule.ts';

/**
 * The instance state machine (Prometheus semantics, Grafana's extra states; methods.md C1, C4):
 *
 *   inactive ──breach──▶ pending ──breach for ≥ `for`──▶ firing ──no breach──▶ resolved
 *       ▲                  │ no breach                     │  (after keep_firing_for
 *       └──────────────────┘                               │   since the last breach)
 *   resolved ──breach──▶ pending (or firing when `for` = 0)
 *
 * plus `nodata` (no value / fewer samples than minSamples) and `error` (the query failed),
 * each mapped by the rule's policy: its own state (default), `alerting` (a critical breach, so
 * it goes through pending/`for` like one), `ok` (no breach) or `keep` (the last state, timers
 * untouched). Leaving `firing` for nodata/error ends the firing episode (resolvedAt is set, a
 * resolved notification follows), as in Grafana.
 *
 * `step` is a pure function of (previous instance, observation, rule, now): the persisted
 * instance is all the state there is, so a restarted worker continues exactly where the last
 * evaluation left off (pending timers keep counting; a firing alert stays firing, with its
 * original startsAt).
 */

export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved' | 'nodata' | 'error';
export const ALERT_STATES: readonly AlertState[] = ['inactive', 'pending', 'firing', 'resolved', 'nodata', 'error'];

export interface Instance {
  ruleId: string;
  fingerprint: string;
  /** Identity labels (fingerprint.ts instanceLabels). */
  labels: Record<string, string>;
  group: Record<string, string>;
  state: AlertState;
  severity: Severity | null;
  value: number | null;
  threshold: number | null;
  /** When the current breach began (pending since); null when not breaching. */
  activeAt: number | null;
  /** startsAt of the current (or last) firing episode. */
  firedAt: number | null;
  /** Last evaluation that breached (keep_firing_for counts from here). */
  lastBreachAt: number | null;
  resolvedAt: number | null;
  evaluatedAt: number;
  error: string;
}

export type Input =
  | { kind: 'value'; value: number | null; severity: Severity | null; threshold: number | null }
  | { kind: 'nodata'; value?: number | null }
  /** A grouped instance whose group is absent from this evaluation's results. */
  | { kind: 'absent' }
  | { kind: 'error'; message: string };

export interface Transition {
  ruleId: string;
  fingerprint: string;
  at: number;
  from: AlertState;
  to: AlertState;
  severity: Severity | null;
  value: number | null;
  /** Why: `breach`, `recovered`, `for elapsed`, `keep_firing_for elapsed`, `no data`, `error: …` */
  reason: string;
}

type Timing = Pick<RuleSpec, 'forMs' | 'keepFiringForMs' | 'noData' | 'onError'>;

export function newInstance(ruleId: string, fingerprint: string, labels: Record<string, string>, group: Record<string, string>, now: number): Instance {
  return { ruleId, fingerprint, labels, group, state: 'inactive', severity: null, value: null, threshold: null, activeAt: null, firedAt: null, lastBreachAt: null, resolvedAt: null, evaluatedAt: now, error: '' };
}

function breach(p: Instance, severity: Severity, value: number | null, threshold: number | null, r: Timing, now: number): [Instance, string] {
  const base = { ...p, severity, value, threshold, lastBreachAt: now, evaluatedAt: now, error: '' };
  if (p.state === 'firing') return [base, 'breach'];
  const activeAt = p.state === 'pending' && p.activeAt !== null ? p.activeAt : now;
  if (now - activeAt >= r.forMs) return [{ ...base, state: 'firing', activeAt, firedAt: now, resolvedAt: null }, r.forMs > 0 ? 'for elapsed' : 'breach'];
  return [{ ...base, state: 'pending', activeAt }, 'breach'];
}

function clear(p: Instance, value: number | null, threshold: number | null, r: Timing, now: number): [Instance, string] {
  const base = { ...p, value, threshold, evaluatedAt: now, error: '' };
  if (p.state === 'firing') {
    if (r.keepFiringForMs > 0 && p.lastBreachAt !== null && now - p.lastBreachAt < r.keepFiringForMs) return [base, 'keep_firing_for'];
    return [{ ...base, state: 'resolved', activeAt: null, resolvedAt: now }, r.keepFiringForMs > 0 ? 'keep_firing_for elapsed' : 'recovered'];
  }
  if (p.state === 'resolved' || p.state === 'inactive') return [{ ...base, severity: p.state === 'resolved' ? p.severity : null }, 'ok'];
  // pending (never fired: dropped), nodata / error (back to normal; resolved if it had fired).
  return [{ ...base, state: 'inactive', severity: null, activeAt: null }, 'recovered'];
}

function special(p: Instance, state: 'nodata' | 'error', error: string, value: number | null, now: number): [Instance, string] {
  const ended = p.state === 'firing';
  return [{ ...p, state, value, activeAt: null, resolvedAt: ended ? now : p.resolvedAt, evaluatedAt: now, error }, state === 'nodata' ? 'no data' : `error: ${error}`];
}

/** One evaluation of one instance. Returns the next instance and the transition, if the state (or a firing alert's severity) changed. */
export function step(prev: Instance, input: Input, r: Timing, now: number): { next: Instance; transition: Transition | null } {
  let next: Instance;
  let reason: string;
  if (input.kind === 'value') {
    [next, reason] = input.severity !== null ? breach(prev, input.severity, input.value, input.threshold, r, now) : clear(prev, input.value, input.threshold, r, now);
  } else if (input.kind === 'absent') {
    [next, reason] = clear(prev, null, prev.threshold, r, now);
  } else {
    const policy = input.kind === 'nodata' ? r.noData : r.onError;
    const value = input.kind === 'nodata' ? (input.value ?? null) : null;
    const error = input.kind === 'error' ? input.message : '';
    if (policy === 'keep') [next, reason] = [{ ...prev, evaluatedAt: now, error }, 'keep'];
    else if (policy === 'ok') [next, reason] = clear(prev, value, prev.threshold, r, now);
    else if (policy === 'alerting') [next, reason] = breach(prev, 'critical', value, prev.threshold, r, now);
    else [next, reason] = special(prev, input.kind === 'nodata' ? 'nodata' : 'error', error, value, now);
    if (policy !== 'nodata' && policy !== 'error') next = { ...next, error };
  }
  const changed = next.state !== prev.state || (next.state === 'firing' && next.severity !== prev.severity);
  return {
    next,
    transition: changed ? { ruleId: prev.ruleId, fingerprint: prev.fingerprint, at: now, from: prev.state, to: next.state, severity: next.severity, value: next.value, reason } : null,
  };
}

/** Worst state first, for a rule's summary and list ordering. */
export const STATE_RANK: Record<AlertState, number> = { firing: 0, error: 1, nodata: 2, pending: 3, resolved: 4, inactive: 5 };
