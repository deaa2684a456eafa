import { formatValue } from './template.ts';

/**
 * Wire formats of the three receivers (methods.md C2, C3):
 * - Alertmanager webhook payload version "4" (notify/webhook/webhook.go): what any
 *   Alertmanager-webhook consumer parses;
 * - Slack incoming webhook (`text` + an attachment per alert);
 * - Alertmanager API v2 `POST /api/v2/alerts` (postableAlerts): Alertmanager then groups,
 *   silences and routes itself. A firing alert is sent with endsAt = now + 4·max(eval interval,
 *   resend delay) (Prometheus' rule manager: survives two missed evaluations), a resolved one
 *   with endsAt = the time it resolved.
 */

export interface OutAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  /** Identity labels + severity. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** Resolved: when; firing: null. */
  endsAt: number | null;
  generatorURL: string;
  value: number | null;
}

/** Go's zero time, which Alertmanager prints for a firing alert's endsAt. */
const ZERO_TIME = '0001-01-01T00:00:00Z';
const iso = (ms: number) => new Date(ms).toISOString();

function common(maps: readonly Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(maps[0]!)) if (maps.every((m) => m[k] === v)) out[k] = v;
  return out;
}

export interface WebhookV4 {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  notification_reason: string;
  alerts: { status: 'firing' | 'resolved'; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string; fingerprint: string }[];
}

export interface GroupMessage {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  externalURL: string;
  reason: string;
  alerts: readonly OutAlert[];
  /** Cap on alerts per message (0 = all): the rest are counted in truncatedAlerts. */
  maxAlerts?: number;
}

export function webhookV4(m: GroupMessage): WebhookV4 {
  const all = [...m.alerts].sort((a, b) => (a.status === b.status ? a.fingerprint.localeCompare(b.fingerprint) : a.status === 'firing' ? -1 : 1));
  const max = m.maxAlerts ?? 0;
  const kept = max > 0 ? all.slice(0, max) : all;
  return {
    version: '4',
    groupKey: m.groupKey,
    truncatedAlerts: all.length - kept.length,
    status: all.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: m.receiver,
    groupLabels: m.groupLabels,
    commonLabels: common(all.map((a) => a.labels)),
    commonAnnotations: common(all.map((a) => a.annotations)),
    externalURL: m.externalURL,
    notification_reason: m.reason,
    alerts: kept.map((a) => ({
      status: a.status, labels: a.labels, annotations: a.annotations, startsAt: iso(a.startsAt),
      endsAt: a.endsAt === null ? ZERO_TIME : iso(a.endsAt), generatorURL: a.generatorURL, fingerprint: a.fingerprint,
    })),
  };
}

export interface SlackMessage {
  text: string;
  attachments: { color: string; title: string; title_link: string; text: string; footer: string }[];
}

/** Slack incoming-webhook body: a summary line and one attachment per alert (max 20, then a count). */
export function slackMessage(m: GroupMessage): SlackMessage {
  const firing = m.alerts.filter((a) => a.status === 'firing');
  const resolved = m.alerts.filter((a) => a.status === 'resolved');
  const name = m.alerts[0]?.labels.alertname ?? 'alert';
  const head = firing.length > 0 ? `[FIRING:${firing.length}]` : `[RESOLVED:${resolved.length}]`;
  const shown = [...firing, ...resolved].slice(0, 20);
  const more = firing.length + resolved.length - shown.length;
  return {
    text: `${head} ${name}${more > 0 ? ` (+${more} more)` : ''}`,
    attachments: shown.map((a) => {
      const group = Object.entries(a.labels).filter(([k]) => !['alertname', 'rule_id', 'severity'].includes(k)).map(([k, v]) => `${k}=${v || '""'}`).join(', ');
      return {
        color: a.status === 'resolved' ? '#2eb67d' : a.labels.severity === 'critical' ? '#e01e5a' : '#ecb22e',
        title: `${a.status === 'firing' ? (a.labels.severity ?? 'firing').toUpperCase() : 'RESOLVED'}: ${a.labels.alertname ?? name}${group ? ` (${group})` : ''}`,
        title_link: a.generatorURL,
        text: a.annotations.summary ?? a.annotations.description ?? `value ${formatValue(a.value)}`,
        footer: `fingerprint ${a.fingerprint}`,
      };
    }),
  };
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/** Body of Alertmanager's `POST /api/v2/alerts`. */
export function alertmanagerV2(alerts: readonly OutAlert[], now: number, evalIntervalMs: number, resendDelayMs = 60_000): PostableAlert[] {
  const validFor = 4 * Math.max(evalIntervalMs, resendDelayMs);
  return alerts.map((a) => ({
    labels: a.labels, annotations: a.annotations, startsAt: iso(a.startsAt),
    endsAt: iso(a.status === 'resolved' ? (a.endsAt ?? now) : now + validFor), generatorURL: a.generatorURL,
  }));
}
