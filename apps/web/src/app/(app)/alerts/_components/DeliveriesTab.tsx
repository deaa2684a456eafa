'use client';
import { useQuery } from '@tanstack/react-query';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { useZone } from '@/components/TimeZoneContext';
import { formatDateTime, formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

/** Every delivery attempt (retries included) of the last 7 days: where, why, how it went. */
export function DeliveriesTab() {
  const trpc = useTRPC();
  const { zone } = useZone();
  const q = useQuery({ ...trpc.alerts.deliveries.queryOptions({}), refetchInterval: 5_000 });
  const contacts = useQuery(trpc.alerts.contactPoints.queryOptions());
  const name = new Map((contacts.data ?? []).map((c) => [c.id, c.name]));
  if (q.isError) return <ErrorBox error={q.error} what="the delivery log" />;
  return (
    <Panel title="Delivery log" unit="attempts, last 7 days" flush testId="alerts-deliveries">
      <table className="table">
        <thead>
          <tr><th>Time</th><th>Contact point</th><th>Group</th><th>Reason</th><th className="num">Firing</th><th className="num">Resolved</th><th className="num">Attempt</th><th>Outcome</th><th className="num">HTTP</th><th className="num">Took</th></tr>
        </thead>
        <tbody>
          {!q.data ? <SkeletonRows rows={4} cols={10} /> : q.data.length === 0 ? (
            <tr><td colSpan={10} className="empty-cell">Nothing sent yet. Rules notify the contact points they name once an instance fires.</td></tr>
          ) : q.data.map((d) => (
            <tr key={d.id} data-testid="alert-delivery" data-outcome={d.outcome}>
              <td>{formatDateTime(d.at, zone)}</td>
              <td>{name.get(d.contactPointId) ?? d.contactPointId} <span className="faint">({d.kind})</span></td>
              <td className="mono faint">{d.groupKey.slice(d.groupKey.indexOf(':') + 1)}</td>
              <td>{d.reason}</td>
              <td className="num">{d.firing}</td>
              <td className="num">{d.resolved}</td>
              <td className="num">{d.attempt}</td>
              <td>
                <span className={d.outcome === 'ok' ? 'badge is-ok' : d.outcome === 'retrying' ? 'badge is-warn' : 'badge is-error'}>{d.outcome}</span>
                {d.error && <div className="error-text" style={{ fontSize: 11 }}>{d.error}</div>}
              </td>
              <td className="num">{d.httpStatus || '—'}</td>
              <td className="num">{formatDuration(d.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
