/**
 * Silences by label matchers with a start and an end (Alertmanager semantics, methods.md C2):
 * an alert is silenced while some active silence has every matcher matching its labels. A
 * label the alert lacks has the value '' (so `tenant=""` matches alerts without a tenant).
 * Regex matchers are anchored, as in Alertmanager.
 */
export const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatchOp = (typeof MATCH_OPS)[number];

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  return now < s.endsAt ? 'active' : 'expired';
}

const regexCache = new Map<string, RegExp>();
function anchored(src: string): RegExp {
  let r = regexCache.get(src);
  if (!r) {
    r = new RegExp(`^(?:${src})$`, 'u');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(src, r);
  }
  return r;
}

/** Throws with a message when a regex matcher does not compile (the schema reports it as 400). */
export function checkMatcher(m: Matcher): void {
  if (m.op === '=~' || m.op === '!~') anchored(m.value);
}

export function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    case '=~': return anchored(m.value).test(v);
    case '!~': return !anchored(m.value).test(v);
  }
}

/** Ids of the active silences that mute these labels (empty: not silenced). */
export function silencedBy(silences: readonly Silence[], labels: Readonly<Record<string, string>>, now: number): string[] {
  return silences.filter((s) => silenceState(s, now) === 'active' && s.matchers.length > 0 && s.matchers.every((m) => matches(m, labels))).map((s) => s.id);
}
