/**
 * Notification grouping with Alertmanager's timers and decisions (methods.md C2,
 * dispatch/route.go + notify `needsUpdate`): alerts routed to a contact point are grouped by the
 * contact point's `groupBy` labels; a group's first notification waits `group_wait` (an alert
 * resolved before that is never notified), later changes go out at most every `group_interval`,
 * an unchanged firing group is re-sent every `repeat_interval` (rounded up to a multiple of
 * group_interval).
 *
 * The group state is persisted after each successful send, so a restarted worker does not
 * notify a firing group again (the decision below sees it was already notified); a crash between
 * a send and the write repeats that one notification, with the same fingerprints.
 */

export interface Timers {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  sendResolved: boolean;
}

export const DEFAULT_TIMERS: Timers = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000, sendResolved: true };

export interface GroupState {
  contactPointId: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  /** When the group (re)gained firing alerts while it had none notified; group_wait counts from here. */
  firstSeenAt: number | null;
  lastNotifiedAt: number | null;
  /** Fingerprints sent as firing in the last notification. */
  notifiedFiring: string[];
}

export type Reason = 'first notification' | 'new alerts added' | 'some alerts resolved' | 'all alerts resolved' | 'repeat interval elapsed';

export type Decision =
  | { send: false; state: GroupState }
  /** Send `firing` + `resolved` (fingerprints); on success persist `state`. */
  | { send: true; reason: Reason; firing: string[]; resolved: string[]; state: GroupState };

/** repeat_interval rounded up to a multiple of group_interval, as Alertmanager does. */
export function effectiveRepeat(t: Timers): number {
  return Math.ceil(t.repeatIntervalMs / t.groupIntervalMs) * t.groupIntervalMs;
}

/**
 * What a group flush at `now` does. `firing`: fingerprints of the group's alerts firing now (not
 * silenced). Alerts notified as firing before and not firing now are the resolved ones.
 */
export function decide(g: GroupState, firing: readonly string[], now: number, t: Timers): Decision {
  const prev = new Set(g.notifiedFiring);
  const now_ = new Set(firing);
  const resolved = g.notifiedFiring.filter((f) => !now_.has(f));
  const sorted = [...now_].sort();
  const sent = (reason: Reason, res: string[]): Decision => ({
    send: true, reason, firing: sorted, resolved: res,
    state: { ...g, firstSeenAt: sorted.length > 0 ? (g.firstSeenAt ?? now) : null, lastNotifiedAt: now, notifiedFiring: sorted },
  });
  if (prev.size === 0) {
    if (sorted.length === 0) return { send: false, state: { ...g, firstSeenAt: null } };
    const first = g.firstSeenAt ?? now;
    if (now - first < t.groupWaitMs) return { send: false, state: { ...g, firstSeenAt: first } };
    return sent('first notification', []);
  }
  if (g.lastNotifiedAt !== null && now - g.lastNotifiedAt < t.groupIntervalMs) return { send: false, state: g };
  if (sorted.some((f) => !prev.has(f))) return sent('new alerts added', t.sendResolved ? resolved : []);
  if (sorted.length === 0) return sent('all alerts resolved', resolved);
  if (resolved.length > 0 && t.sendResolved) return sent('some alerts resolved', resolved);
  if (g.lastNotifiedAt === null || now - g.lastNotifiedAt >= effectiveRepeat(t)) return sent('repeat interval elapsed', []);
  return { send: false, state: g };
}

/** Group labels of an alert: its values for the contact point's groupBy (`...` = every label, one group per alert). */
export function groupLabelsOf(labels: Readonly<Record<string, string>>, groupBy: readonly string[]): Record<string, string> {
  if (groupBy.includes('...')) return { ...labels };
  return Object.fromEntries(groupBy.filter((k) => k in labels).map((k) => [k, labels[k]!]));
}

/** Alertmanager's group key shape: `{}:{name="value",…}` prefixed with the contact point. */
export function groupKeyOf(contactPointId: string, groupLabels: Readonly<Record<string, string>>): string {
  const inner = Object.keys(groupLabels).sort().map((k) => `${k}=${JSON.stringify(groupLabels[k])}`).join(',');
  return `${contactPointId}:{${inner}}`;
}
