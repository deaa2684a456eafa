import { randomUUID } from 'node:crypto';
import {
  alertmanagerV2, dashboardLink, decide, formatValue, groupKeyOf, groupLabelsOf, renderTemplate, silencedBy, slackMessage, webhookV4,
  type GroupState, type Instance, type OutAlert, type Timers,
} from '@plumb/alerts';
import {
  listContactPoints, listSilences, loadGroups, loadInstances, logDeliveries, saveGroups, type ContactPoint, type Delivery, type StoredRule, type Store,
} from '@plumb/store';
import { post, type SendOptions } from './alerts-send.ts';

/**
 * Notification flush for one project: per contact point, the firing (unsilenced) instances of the
 * rules routed to it are grouped by the contact point's groupBy labels, each group goes through
 * Alertmanager's decision (@plumb/alerts decide), and a group that must be notified is sent
 * (webhook v4 + HMAC, Slack, or Alertmanager API v2) with retries. The group's state is written
 * only after a successful send: a failed one is tried again on the next tick, and a restart
 * finds groups already notified and sends nothing for them.
 */

export interface NotifyOptions {
  /** Base URL of the dashboard for links (PLUMB_EXTERNAL_URL; default http://localhost:3000). */
  externalUrl?: string;
  send?: SendOptions;
}

export interface NotifyStats {
  groups: number;
  sent: number;
  failed: number;
}

/** Alertmanager itself groups, silences and dedups; Plumb re-sends firing alerts every minute (Prometheus' resend delay). */
const ALERTMANAGER_TIMERS: Timers = { groupWaitMs: 0, groupIntervalMs: 60_000, repeatIntervalMs: 60_000, sendResolved: true };

export function timersOf(cp: ContactPoint): Timers {
  if (cp.kind === 'alertmanager') return ALERTMANAGER_TIMERS;
  return { groupWaitMs: cp.groupWaitMs, groupIntervalMs: Math.max(1000, cp.groupIntervalMs), repeatIntervalMs: cp.repeatIntervalMs, sendResolved: cp.sendResolved };
}

/** An instance as a notified alert: identity labels + severity, rendered annotations, link. */
export function outAlert(rule: StoredRule | undefined, i: Instance, status: 'firing' | 'resolved', now: number, externalUrl: string): OutAlert {
  const labels = { ...i.labels, severity: i.severity ?? 'critical' };
  const base = externalUrl.replace(/\/$/, '');
  const windowMs = rule?.windowMs ?? 300_000;
  const link = rule ? dashboardLink(base, rule.query, i.group, i.evaluatedAt - windowMs, i.evaluatedAt) : `${base}/alerts`;
  const data = { value: i.value, threshold: i.threshold, severity: labels.severity, state: status, rule: rule?.name ?? i.labels.alertname ?? '', link, labels };
  const annotations: Record<string, string> = {};
  for (const [k, t] of Object.entries(rule?.annotations ?? {})) annotations[k] = renderTemplate(t, data);
  annotations.summary ??= `${data.rule}: ${rule?.type === 'slo' ? 'error budget burn rate' : (rule?.query.measure ?? 'value')} ${formatValue(i.value)}${i.threshold !== null ? ` (threshold ${formatValue(i.threshold)})` : ''}`;
  annotations.dashboard ??= link;
  return {
    fingerprint: i.fingerprint, status, labels, annotations, value: i.value,
    startsAt: i.firedAt ?? i.evaluatedAt,
    endsAt: status === 'resolved' ? (i.state === 'firing' ? now : (i.resolvedAt ?? now)) : null,
    generatorURL: `${base}/alerts?rule=${encodeURIComponent(i.ruleId)}`,
  };
}

function body(cp: ContactPoint, g: GroupState, reason: string, alerts: OutAlert[], now: number, externalUrl: string, evalMs: number): string {
  const msg = { receiver: cp.name, groupKey: g.groupKey, groupLabels: g.groupLabels, externalURL: externalUrl, reason, alerts, maxAlerts: cp.maxAlerts };
  if (cp.kind === 'slack') return JSON.stringify(slackMessage(msg));
  if (cp.kind === 'alertmanager') return JSON.stringify(alertmanagerV2(alerts, now, evalMs));
  return JSON.stringify(webhookV4(msg));
}

function targetUrl(cp: ContactPoint): string {
  return cp.kind === 'alertmanager' ? `${cp.url.replace(/\/$/, '')}/api/v2/alerts` : cp.url;
}

export async function notifyProject(store: Store, projectId: string, rules: readonly StoredRule[], now: number, o: NotifyOptions, signal?: AbortSignal): Promise<NotifyStats> {
  const stats: NotifyStats = { groups: 0, sent: 0, failed: 0 };
  const routed = rules.filter((r) => r.contactPoints.length > 0);
  const cps = (await listContactPoints(store, projectId)).filter((c) => c.url !== '');
  const states = await loadGroups(store, projectId);
  if (cps.length === 0 || (routed.length === 0 && states.length === 0)) return stats;
  const externalUrl = o.externalUrl ?? process.env.PLUMB_EXTERNAL_URL ?? 'http://localhost:3000';
  const silences = await listSilences(store, projectId);
  const instances = await loadInstances(store, projectId);
  const rulesById = new Map(rules.map((r) => [r.id, r]));
  const byFp = new Map(instances.map((i) => [i.fingerprint, i]));
  const stateByKey = new Map(states.map((g) => [`${g.contactPointId}\n${g.groupKey}`, g]));
  const toSave: GroupState[] = [];
  for (const cp of cps) {
    const timers = timersOf(cp);
    const groups = new Map<string, { labels: Record<string, string>; firing: Instance[] }>();
    for (const g of states) if (g.contactPointId === cp.id) groups.set(g.groupKey, { labels: g.groupLabels, firing: [] });
    for (const i of instances) {
      const rule = rulesById.get(i.ruleId);
      if (!rule || i.state !== 'firing' || !rule.contactPoints.includes(cp.id)) continue;
      const labels = { ...i.labels, severity: i.severity ?? 'critical' };
      if (silencedBy(silences, labels, now).length > 0) continue;
      const gl = groupLabelsOf(labels, cp.groupBy.length > 0 ? cp.groupBy : ['alertname']);
      const key = groupKeyOf(cp.id, gl);
      const g = groups.get(key) ?? { labels: gl, firing: [] };
      g.firing.push(i);
      groups.set(key, g);
    }
    for (const [key, g] of groups) {
      if (signal?.aborted) return stats;
      const prev = stateByKey.get(`${cp.id}\n${key}`) ?? { contactPointId: cp.id, groupKey: key, groupLabels: g.labels, firstSeenAt: null, lastNotifiedAt: null, notifiedFiring: [] };
      const d = decide(prev, g.firing.map((i) => i.fingerprint), now, timers);
      stats.groups++;
      if (!d.send) {
        if (d.state.firstSeenAt !== prev.firstSeenAt) toSave.push(d.state);
        continue;
      }
      const firing = g.firing.map((i) => outAlert(rulesById.get(i.ruleId), i, 'firing', now, externalUrl));
      // Resolved: notified as firing, not firing now — unless it is still firing (then it was silenced: muted, not resolved).
      const resolved = d.resolved.flatMap((fp) => {
        const i = byFp.get(fp);
        return i && !(i.state === 'firing' && rulesById.has(i.ruleId)) ? [outAlert(rulesById.get(i.ruleId), i, 'resolved', now, externalUrl)] : [];
      });
      if (firing.length === 0 && resolved.length === 0) {
        toSave.push(d.state);
        continue;
      }
      const evalMs = Math.max(...[...firing, ...resolved].map((a) => rulesById.get(a.labels.rule_id ?? '')?.intervalMs ?? 60_000));
      const payload = body(cp, d.state, d.reason, [...firing, ...resolved], now, externalUrl, evalMs);
      const attempts = await post(targetUrl(cp), payload, cp.kind === 'webhook' ? cp.secret : '', { ...o.send, signal });
      const id = randomUUID();
      const log: Delivery[] = [];
      for (const a of attempts) {
        log.push({
          id: `${id}:${a.attempt}`, contactPointId: cp.id, kind: cp.kind, groupKey: key, at: a.at, attempt: a.attempt, outcome: a.ok ? 'ok' : a.willRetry ? 'retrying' : 'failed',
          httpStatus: a.httpStatus, error: a.error, reason: d.reason, firing: firing.length, resolved: resolved.length,
          fingerprints: [...firing, ...resolved].map((x) => x.fingerprint), durationMs: a.durationMs, payload,
        });
      }
      await logDeliveries(store, projectId, log);
      // Persisted right after the send: a crash before this line repeats this one notification only.
      if (attempts.at(-1)?.ok) {
        stats.sent++;
        await saveGroups(store, projectId, [d.state], now);
      } else stats.failed++;
    }
  }
  await saveGroups(store, projectId, toSave, now);
  return stats;
}
