'use client';
import { useQuery } from '@tanstack/react-query';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { useZone } from '@/components/TimeZoneContext';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { RouterOutputs } from '@/lib/view';
import { STATE_BADGE, tracesHref } from './format';
import { formatMeasureValue, useMeasureUnits } from './useUnits';

type Rule = RouterOutputs['alerts']['rules'][number]['rule'];

/** Every state transition of the last 7 days with its value, newest first. */
export function HistoryTab({ rules }: { rules: Rule[] }) {
  const trpc = useTRPC();
  const { zone } = useZone();
  const unitOf = useMeasureUnits();
  const q = useQuery({ ...trpc.alerts.history.queryOptions({}), refetchInterval: 10_000 });
  const byId = new Map(rules.map((r) => [r.id, r]));
  if (q.isError) return <ErrorBox error={q.error} what="alert history" />;
  return (
    <Panel title="History" unit="transitions, last 7 days" flush testId="alerts-history">
      <table className="table">
        <thead>
          <tr><th>Time</th><th>Rule</th><th>Group</th><th>Transition</th><th className="num">Value</th><th>Reason</th></tr>
        </thead>
        <tbody>
          {!q.data ? <SkeletonRows rows={4} cols={6} /> : q.data.length === 0 ? (
            <tr><td colSpan={6} className="empty-cell">No transitions yet.</td></tr>
          ) : q.data.map((t) => {
            const rule = byId.get(t.ruleId);
            const group = Object.entries(t.labels).filter(([k]) => rule?.query.groupBy.includes(k));
            const unit = rule?.type === 'slo' ? 'burn' : rule ? unitOf(rule.query.measure) : undefined;
            return (
              <tr key={`${t.ruleId}-${t.fingerprint}-${t.at}`} data-testid="alert-transition">
                <td>{formatDateTime(t.at, zone)}</td>
                <td>{rule?.name ?? t.labels.alertname ?? t.ruleId}</td>
                <td><span className="alert-labels">{group.map(([k, v]) => <span key={k} className="alert-label">{k}={v || '""'}</span>)}</span></td>
                <td><span className={STATE_BADGE[t.from].cls}>{STATE_BADGE[t.from].text}</span> → <span className={STATE_BADGE[t.to].cls}>{STATE_BADGE[t.to].text}</span>{t.severity && t.to === 'firing' ? ` (${t.severity})` : ''}</td>
                <td className="num">{rule ? <a href={tracesHref(rule, Object.fromEntries(group), t.at)}>{formatMeasureValue(t.value, unit)}</a> : formatMeasureValue(t.value, unit)}</td>
                <td className="muted">{t.reason}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}
