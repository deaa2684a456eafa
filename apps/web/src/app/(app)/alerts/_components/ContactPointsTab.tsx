'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { useTRPC } from '@/lib/trpc';
import { formatDuration } from './format';

/** Contact points: webhook (Alertmanager v4 payload, HMAC-signed), Slack incoming webhook, Alertmanager API v2; grouping timers. */
export function ContactPointsTab({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.alerts.contactPoints.queryOptions());
  const [f, setF] = useState({ name: '', kind: 'webhook' as 'webhook' | 'slack' | 'alertmanager', url: '', secret: '', groupBy: 'alertname', groupWait: '30', groupInterval: '300', repeat: '14400' });
  const refresh = { onSuccess: () => qc.invalidateQueries({ queryKey: trpc.alerts.pathKey() }) };
  const save = useMutation(trpc.alerts.saveContactPoint.mutationOptions(refresh));
  const remove = useMutation(trpc.alerts.deleteContactPoint.mutationOptions(refresh));
  const set = (k: keyof typeof f, v: string) => setF((x) => ({ ...x, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      name: f.name, kind: f.kind, url: f.url, ...(f.secret ? { secret: f.secret } : {}), groupBy: f.groupBy.split(',').map((s) => s.trim()).filter(Boolean),
      groupWaitMs: Number(f.groupWait) * 1000, groupIntervalMs: Number(f.groupInterval) * 1000, repeatIntervalMs: Number(f.repeat) * 1000, sendResolved: true, maxAlerts: 0,
    });
  };
  const input = (k: keyof typeof f, label: string, type = 'text') => (
    <label>{label}<input aria-label={label} className="input" type={type} value={f[k]} onChange={(e) => set(k, e.target.value)} data-testid={`cp-${k}`} /></label>
  );
  return (
    <>
      {canEdit && (
        <Panel title="New contact point">
          <form onSubmit={submit} className="alert-form-grid" data-testid="contact-form">
            {input('name', 'Name')}
            <label>Kind
              <select aria-label="Kind" className="select" value={f.kind} onChange={(e) => set('kind', e.target.value)} data-testid="cp-kind">
                <option value="webhook">webhook (Alertmanager v4 JSON)</option>
                <option value="slack">Slack incoming webhook</option>
                <option value="alertmanager">Alertmanager (API v2)</option>
              </select>
            </label>
            <label className="wide">URL<input aria-label="URL" className="input" value={f.url} onChange={(e) => set('url', e.target.value)} placeholder={f.kind === 'alertmanager' ? 'http://alertmanager:9093' : 'https://…'} data-testid="cp-url" /></label>
            {f.kind === 'webhook' && input('secret', 'HMAC secret (optional)', 'password')}
            {f.kind !== 'alertmanager' && (
              <>
                {input('groupBy', 'Group by labels')}
                {input('groupWait', 'Group wait (s)', 'number')}
                {input('groupInterval', 'Group interval (s)', 'number')}
                {input('repeat', 'Repeat interval (s)', 'number')}
              </>
            )}
            <label>&nbsp;<button className="btn btn-primary" type="submit" disabled={save.isPending} data-testid="cp-save">Add</button></label>
          </form>
          {save.isError && <ErrorBox error={save.error} what="the contact point" action="save" />}
        </Panel>
      )}
      <Panel title="Contact points" flush testId="alerts-contacts">
        <table className="table">
          <thead><tr><th>Name</th><th>Kind</th><th>URL</th><th>Signed</th><th>Group by</th><th className="num">Wait</th><th className="num">Interval</th><th className="num">Repeat</th>{canEdit && <th />}</tr></thead>
          <tbody>
            {q.isError ? <tr><td colSpan={9}><ErrorBox error={q.error} what="contact points" /></td></tr> : !q.data ? <SkeletonRows rows={2} cols={8} /> : q.data.length === 0 ? (
              <tr><td colSpan={9} className="empty-cell">No contact points: rules are evaluated and shown, nothing is sent.</td></tr>
            ) : q.data.map((c) => (
              <tr key={c.id} data-testid="alert-contact">
                <td>{c.name}</td>
                <td>{c.kind}</td>
                <td className="mono">{c.url}</td>
                <td>{c.kind === 'webhook' ? (c.hasSecret ? 'HMAC-SHA256' : 'no') : '—'}</td>
                <td>{c.kind === 'alertmanager' ? '(Alertmanager groups)' : c.groupBy.join(', ')}</td>
                <td className="num">{c.kind === 'alertmanager' ? '—' : formatDuration(c.groupWaitMs)}</td>
                <td className="num">{c.kind === 'alertmanager' ? '1m' : formatDuration(c.groupIntervalMs)}</td>
                <td className="num">{c.kind === 'alertmanager' ? '1m' : formatDuration(c.repeatIntervalMs)}</td>
                {canEdit && <td><button className="btn btn-ghost" onClick={() => { if (window.confirm(`Delete contact point ${c.name}?`)) remove.mutate({ id: c.id }); }}>Delete</button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
