import {
  evalTime, fingerprint, instanceLabels, newInstance, observe, shapeKey, step, type Input, type Instance, type Transition,
} from '@plumb/alerts';
import { ALERT_CATALOG, listAllAlertRules, loadInstances, runAlertQueries, saveInstances, saveTransitions, type StoredRule, type Store } from '@plumb/store';
import type { Job } from '../worker.ts';
import { notifyProject, type NotifyOptions, type NotifyStats } from './alerts-notify.ts';

/**
 * The `alerts` job: every tick (default 5 s) evaluates the rules that are due (each on its own
 * interval grid, default 1 min), then flushes notifications. Runs under the worker's lease, so
 * one worker evaluates at a time and another takes over when it dies.
 *
 * Per project: the due rules' queries are merged by shape and run once each (store
 * runAlertQueries); each rule's rows become one observation per group; each instance steps
 * through the state machine (@plumb/alerts step) from its persisted state; instances and
 * transitions are written back. Everything a restart needs is in those rows, so a restarted or
 * taken-over worker continues: a firing alert stays firing with its startsAt, and the
 * notification groups (persisted after each send) are not notified again.
 */

export interface AlertsJobOptions extends NotifyOptions {
  intervalMs?: number;
  now?: () => number;
  log?: (msg: string) => void;
}

export interface EvalStats {
  rules: number;
  queries: number;
  instances: number;
  transitions: number;
  failedQueries: number;
  /** Time in the semantic-layer queries (the rest: loading and writing instances, notifying). */
  queryMs: number;
  notify: NotifyStats;
  ms: number;
}

type ProjectRule = StoredRule & { projectId: string };

function inputOf(o: ReturnType<typeof observe>[number]): Input {
  return o.kind === 'nodata' ? { kind: 'nodata', value: o.value } : { kind: 'value', value: o.value, severity: o.severity, threshold: o.threshold };
}

/** Evaluates one project's due rules at `now`; returns the instances written and the transitions. */
export async function evaluateProject(store: Store, projectId: string, rules: readonly ProjectRule[], now: number, signal?: AbortSignal): Promise<{ instances: Instance[]; transitions: Transition[]; queries: number; failed: number; queryMs: number }> {
  const q0 = performance.now();
  const res = await runAlertQueries(store, projectId, rules, (r) => evalTime(r, now), signal);
  const queryMs = performance.now() - q0;
  const existing = await loadInstances(store, projectId, rules.map((r) => r.id));
  const byRule = new Map<string, Instance[]>();
  for (const i of existing) byRule.set(i.ruleId, [...(byRule.get(i.ruleId) ?? []), i]);
  const written: Instance[] = [];
  const transitions: (Transition & { labels: Record<string, string> })[] = [];
  for (const rule of rules) {
    const at = evalTime(rule, now);
    const needs = res.needs.get(rule.id) ?? [];
    const prev = new Map((byRule.get(rule.id) ?? []).map((i) => [i.fingerprint, i]));
    const apply = (inst: Instance, input: Input) => {
      const { next, transition } = step(inst, input, rule, at);
      written.push(next);
      if (transition) transitions.push({ ...transition, labels: next.labels });
    };
    const error = needs.map((n) => res.errors.get(shapeKey(n))).find((e) => e !== undefined);
    if (error !== undefined) {
      if (prev.size === 0) {
        const labels = instanceLabels(rule, {});
        prev.set(fingerprint(labels), newInstance(rule.id, fingerprint(labels), labels, {}, at));
      }
      for (const inst of prev.values()) apply(inst, { kind: 'error', message: error });
      continue;
    }
    const seen = new Set<string>();
    for (const o of observe(rule, needs, res.rows, ALERT_CATALOG)) {
      const labels = instanceLabels(rule, o.group);
      const fp = fingerprint(labels);
      seen.add(fp);
      apply(prev.get(fp) ?? newInstance(rule.id, fp, labels, o.group, at), inputOf(o));
    }
    // Known instances whose group did not appear: condition false for them (an inactive one is left as it is).
    for (const inst of prev.values()) if (!seen.has(inst.fingerprint) && inst.state !== 'inactive') apply(inst, { kind: 'absent' });
  }
  await saveInstances(store, projectId, written);
  await saveTransitions(store, projectId, transitions);
  return { instances: written, transitions, queries: res.queries, failed: res.errors.size, queryMs };
}

/** One pass: due rules of every project evaluated, then notifications flushed. `last` remembers each rule's last evaluation time. */
export async function runAlerts(store: Store, now: number, last: Map<string, number>, o: AlertsJobOptions = {}, signal?: AbortSignal): Promise<EvalStats> {
  const started = Date.now();
  const all = await listAllAlertRules(store);
  const stats: EvalStats = { rules: 0, queries: 0, instances: 0, transitions: 0, failedQueries: 0, queryMs: 0, notify: { groups: 0, sent: 0, failed: 0 }, ms: 0 };
  const projects = new Map<string, ProjectRule[]>();
  for (const r of all) projects.set(r.projectId, [...(projects.get(r.projectId) ?? []), r]);
  for (const [projectId, rules] of projects) {
    if (signal?.aborted) break;
    const due = rules.filter((r) => last.get(`${projectId}/${r.id}`) !== evalTime(r, now));
    if (due.length > 0) {
      const e = await evaluateProject(store, projectId, due, now, signal);
      for (const r of due) last.set(`${projectId}/${r.id}`, evalTime(r, now));
      stats.rules += due.length;
      stats.queries += e.queries;
      stats.instances += e.instances.length;
      stats.transitions += e.transitions.length;
      stats.failedQueries += e.failed;
      stats.queryMs += e.queryMs;
      for (const t of e.transitions) o.log?.(`alerts: ${projectId} rule ${t.ruleId} ${t.fingerprint} ${t.from} → ${t.to} (${t.reason})`);
    }
    const n = await notifyProject(store, projectId, rules, now, o, signal);
    stats.notify.groups += n.groups;
    stats.notify.sent += n.sent;
    stats.notify.failed += n.failed;
  }
  stats.ms = Date.now() - started;
  return stats;
}

export function alertsJob(o: AlertsJobOptions = {}): Job {
  const last = new Map<string, number>();
  const now = o.now ?? Date.now;
  return {
    name: 'alerts',
    intervalMs: o.intervalMs ?? 5_000,
    async run(store: Store, signal: AbortSignal): Promise<void> {
      await runAlerts(store, now(), last, o, signal);
    },
  };
}
