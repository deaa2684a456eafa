'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { useZone } from '@/components/TimeZoneContext';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/** Silences (label matchers between a start and an end): list, create, expire. */
export function SilencesTab({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { zone } = useZone();
  const q = useQuery(trpc.alerts.silences.queryOptions());
  const [matchers, setMatchers] = useState('');
  const [hours, setHours] = useState('2');
  const [comment, setComment] = useState('');
  const [bad, setBad] = useState('');
  const refresh = { onSuccess: () => qc.invalidateQueries({ queryKey: trpc.alerts.pathKey() }) };
  const create = useMutation(trpc.alerts.createSilence.mutationOptions(refresh));
  const expire = useMutation(trpc.alerts.expireSilence.mutationOptions(refresh));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = matchers.split(',').filter((s) => s.trim()).map((s) => MATCHER.exec(s));
    if (parsed.length === 0 || parsed.some((m) => !m)) {
      setBad('matchers: write name=value, name!=value, name=~regex or name!~regex, separated by commas');
      return;
    }
    setBad('');
    create.mutate({ matchers: parsed.map((m) => ({ name: m![1]!, op: m![2] as '=', value: m![3]! })), endsAt: Date.now() + Number(hours) * 3_600_000, comment });
  };
  return (
    <>
      {canEdit && (
        <Panel title="New silence">
          <form onSubmit={submit} className="alert-form-grid" data-testid="silence-form">
            <label className="wide">Matchers<input aria-label="Matchers" className="input" value={matchers} onChange={(e) => setMatchers(e.target.value)} placeholder="alertname=p95 high, tenant=~acme.*" /></label>
            <label>Duration (hours)<input aria-label="Duration (hours)" className="input" type="number" min={0.1} step={0.1} value={hours} onChange={(e) => setHours(e.target.value)} /></label>
            <label className="wide">Comment<input aria-label="Comment" className="input" value={comment} onChange={(e) => setComment(e.target.value)} /></label>
            <label>&nbsp;<button className="btn btn-primary" type="submit" disabled={create.isPending}>Silence</button></label>
          </form>
          {bad && <div className="alert-preview-note error-text">{bad}</div>}
          {create.isError && <ErrorBox error={create.error} what="the silence" action="create" />}
        </Panel>
      )}
      <Panel title="Silences" flush testId="alerts-silences">
        <table className="table">
          <thead><tr><th>State</th><th>Matchers</th><th>Starts</th><th>Ends</th><th>By</th><th>Comment</th>{canEdit && <th />}</tr></thead>
          <tbody>
            {q.isError ? <tr><td colSpan={7}><ErrorBox error={q.error} what="silences" /></td></tr> : !q.data ? <SkeletonRows rows={2} cols={6} /> : q.data.length === 0 ? (
              <tr><td colSpan={7} className="empty-cell">No silences.</td></tr>
            ) : q.data.map((s) => (
              <tr key={s.id} data-testid="alert-silence">
                <td><span className={s.state === 'active' ? 'badge is-warn' : 'badge'}>{s.state}</span></td>
                <td><span className="alert-labels">{s.matchers.map((m, i) => <span key={i} className="alert-label">{m.name}{m.op}{m.value}</span>)}</span></td>
                <td>{formatDateTime(s.startsAt, zone)}</td>
                <td>{formatDateTime(s.endsAt, zone)}</td>
                <td>{s.createdBy}</td>
                <td className="muted">{s.comment}</td>
                {canEdit && <td>{s.state !== 'expired' && <button className="btn btn-ghost" onClick={() => expire.mutate({ id: s.id })}>Expire</button>}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
