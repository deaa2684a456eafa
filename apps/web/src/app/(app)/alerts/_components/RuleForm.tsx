'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { ErrorBox, Panel, Skeleton } from '@/components/ui';
import { useTRPC } from '@/lib/trpc';
import type { RouterOutputs } from '@/lib/view';
import { formatDuration } from './format';
import { PreviewChart } from './PreviewChart';

type StoredRule = RouterOutputs['alerts']['rule'];

/** The form's state: text fields as typed; `toRule` builds the rule the server validates (its 400 names the field). */
interface Draft {
  name: string;
  type: 'threshold' | 'slo' | 'anomaly';
  measure: string;
  groupBy: string[];
  filters: string;
  window: string;
  op: string;
  warning: string;
  critical: string;
  forD: string;
  keepFiring: string;
  interval: string;
  noData: string;
  onError: string;
  minSamples: string;
  labels: string;
  summary: string;
  contactPoints: string[];
  sloTotal: string;
  sloBad: string;
  sloTarget: string;
  weeks: string;
  k: string;
  direction: string;
}

const EMPTY: Draft = {
  name: '', type: 'threshold', measure: 'p95_latency_ms', groupBy: [], filters: '', window: '5m', op: '>', warning: '', critical: '', forD: '0s', keepFiring: '0s',
  interval: '1m', noData: 'nodata', onError: 'error', minSamples: '0', labels: '', summary: '', contactPoints: [], sloTotal: 'requests', sloBad: 'errors', sloTarget: '0.995',
  weeks: '4', k: '3', direction: 'both',
};

const pairs = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => { const i = s.indexOf('='); return i < 0 ? [s, ''] : [s.slice(0, i).trim(), s.slice(i + 1).trim()]; });

function fromRule(r: StoredRule): Draft {
  return {
    ...EMPTY, name: r.name, type: r.type, measure: r.query.measure, groupBy: r.query.groupBy,
    filters: Object.entries(r.query.filters).flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`)).join(', '),
    window: formatDuration(r.windowMs), op: r.condition?.op ?? '>', warning: r.condition?.warning?.toString() ?? '', critical: r.condition?.critical?.toString() ?? '',
    forD: formatDuration(r.forMs), keepFiring: formatDuration(r.keepFiringForMs), interval: formatDuration(r.intervalMs), noData: r.noData, onError: r.onError,
    minSamples: String(r.minSamples), labels: Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(', '), summary: r.annotations.summary ?? '',
    contactPoints: r.contactPoints, sloTotal: r.slo?.total ?? 'requests', sloBad: r.slo?.bad ?? r.slo?.good ?? 'errors', sloTarget: String(r.slo?.target ?? 0.995),
    weeks: String(r.anomaly?.weeks ?? 4), k: String(r.anomaly?.k ?? 3), direction: r.anomaly?.direction ?? 'both',
  };
}

function toRule(d: Draft): Record<string, unknown> {
  const num = (s: string) => (s.trim() === '' ? null : Number(s));
  const filters: Record<string, string[]> = {};
  for (const [k, v] of pairs(d.filters)) filters[k!] = [...(filters[k!] ?? []), v!];
  return {
    name: d.name || '(unnamed)', type: d.type, query: { measure: d.type === 'slo' ? d.sloTotal : d.measure, groupBy: d.groupBy, filters }, windowMs: d.window,
    ...(d.type === 'threshold' ? { condition: { op: d.op, warning: num(d.warning), critical: num(d.critical) } } : {}),
    ...(d.type === 'slo' ? { slo: { total: d.sloTotal, bad: d.sloBad, target: Number(d.sloTarget) } } : {}),
    ...(d.type === 'anomaly' ? { anomaly: { weeks: Number(d.weeks), k: Number(d.k), direction: d.direction } } : {}),
    forMs: d.forD, keepFiringForMs: d.keepFiring, intervalMs: d.interval, noData: d.noData, onError: d.onError, minSamples: Number(d.minSamples),
    labels: Object.fromEntries(pairs(d.labels)), annotations: d.summary ? { summary: d.summary } : {}, contactPoints: d.contactPoints,
  };
}

export function RuleForm({ id, onDone }: { id: string | null; onDone: (id: string | null) => void }) {
  const trpc = useTRPC();
  const existing = useQuery({ ...trpc.alerts.rule.queryOptions({ id: id ?? '' }), enabled: id !== null });
  if (id !== null && !existing.data) {
    return <Panel title="Edit rule">{existing.isError ? <ErrorBox error={existing.error} what="the rule" /> : <Skeleton height={160} />}</Panel>;
  }
  return <RuleFormBody id={id} initial={existing.data ? fromRule(existing.data) : EMPTY} onDone={onDone} />;
}

function RuleFormBody({ id, initial, onDone }: { id: string | null; initial: Draft; onDone: (id: string | null) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [d, setD] = useState<Draft>(initial);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const catalog = useQuery({ ...trpc.metrics.catalog.queryOptions(), staleTime: Infinity });
  const contacts = useQuery(trpc.alerts.contactPoints.queryOptions());
  // The preview follows the form, 400 ms after the last keystroke.
  const [debounced, setDebounced] = useState(() => toRule(initial));
  useEffect(() => {
    const t = setTimeout(() => setDebounced(toRule(d)), 400);
    return () => clearTimeout(t);
  }, [d]);
  const preview = useQuery({ ...trpc.alerts.preview.queryOptions({ rule: debounced, hours: 24 }), retry: false, placeholderData: (prev) => prev });
  const done = { onSuccess: (r: { id: string }) => { void qc.invalidateQueries({ queryKey: trpc.alerts.pathKey() }); onDone(r.id); } };
  const create = useMutation(trpc.alerts.create.mutationOptions(done));
  const save = useMutation(trpc.alerts.update.mutationOptions(done));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (id === null) create.mutate(toRule(d) as never);
    else save.mutate({ id, rule: toRule(d) });
  };
  const measures = catalog.data?.measures ?? [];
  const dims = catalog.data?.dimensions ?? [];
  const unit = measures.find((m) => m.name === d.measure)?.unit;
  const failed = create.error ?? save.error;
  const text = (k: keyof Draft, label: string, o: { placeholder?: string; wide?: boolean; testId?: string } = {}) => (
    <label className={o.wide ? 'wide' : undefined}>
      {label}
      <input aria-label={label} className="input" value={d[k] as string} onChange={(e) => set(k, e.target.value as never)} placeholder={o.placeholder} data-testid={o.testId} />
    </label>
  );
  const select = (k: keyof Draft, label: string, options: readonly (string | [string, string])[], testId?: string) => (
    <label>
      {label}
      <select aria-label={label} className="select" value={d[k] as string} onChange={(e) => set(k, e.target.value as never)} data-testid={testId}>
        {options.map((o) => (Array.isArray(o) ? <option key={o[0]} value={o[0]}>{o[1]}</option> : <option key={o} value={o}>{o}</option>))}
      </select>
    </label>
  );
  const measureOptions = measures.map((m) => [m.name, `${m.label} (${m.name})`] as [string, string]);
  return (
    <Panel title={id === null ? 'New alert rule' : `Edit rule · ${initial.name}`} testId="alert-rule-form">
      <form onSubmit={submit}>
        <div className="alert-form-grid">
          {text('name', 'Name', { testId: 'rule-name' })}
          {select('type', 'Type', [['threshold', 'threshold'], ['slo', 'SLO burn rate'], ['anomaly', 'anomaly (same hour-of-week)']], 'rule-type')}
          {d.type !== 'slo' ? select('measure', 'Measure', measureOptions.length ? measureOptions : [d.measure], 'rule-measure') : (
            <>
              {select('sloTotal', 'Total events', measureOptions)}
              {select('sloBad', 'Bad events', measureOptions)}
              {text('sloTarget', 'Target (0–1)', { placeholder: '0.995' })}
            </>
          )}
          <label>
            Group by
            <select aria-label="Group by" className="select" multiple size={4} value={d.groupBy} onChange={(e) => set('groupBy', [...e.target.selectedOptions].map((o) => o.value))} data-testid="rule-groupby">
              {dims.map((x) => <option key={x.name} value={x.name}>{x.label}</option>)}
            </select>
          </label>
          {text('filters', 'Filters (dimension=value, …)', { placeholder: 'environment=prod, tenant=acme', wide: true })}
          {text('window', 'Window', { placeholder: '5m' })}
        </div>
        {d.type === 'threshold' && (
          <div className="alert-form-grid">
            {select('op', 'Condition', ['>', '>=', '<', '<='], 'rule-op')}
            {text('warning', `Warning threshold${unit ? ` (${unit})` : ''}`, { testId: 'rule-warning' })}
            {text('critical', `Critical threshold${unit ? ` (${unit})` : ''}`, { testId: 'rule-critical' })}
          </div>
        )}
        {d.type === 'anomaly' && (
          <div className="alert-form-grid">
            {text('weeks', 'Weeks of history (3–8)')}
            {text('k', 'Band width k (MADs)')}
            {select('direction', 'Direction', ['both', 'above', 'below'])}
          </div>
        )}
        <div className="alert-form-section">Timing and handling</div>
        <div className="alert-form-grid">
          {text('forD', 'For (pending)', { testId: 'rule-for' })}
          {text('keepFiring', 'Keep firing for')}
          {text('interval', 'Evaluate every', { testId: 'rule-interval' })}
          {select('noData', 'No data', [['nodata', 'no-data state'], ['alerting', 'alert'], ['ok', 'ok'], ['keep', 'keep last state']])}
          {select('onError', 'Error', [['error', 'error state'], ['alerting', 'alert'], ['ok', 'ok'], ['keep', 'keep last state']])}
          {text('minSamples', 'Min. samples')}
          {text('labels', 'Labels (name=value, …)', { placeholder: 'team=sre', wide: true })}
          {text('summary', 'Summary template', { placeholder: '{{ $labels.model }} p95 {{ $value }} ms', wide: true })}
          <label className="wide">
            Notify
            <span className="alert-labels">
              {(contacts.data ?? []).length === 0 ? <span className="faint">no contact points yet (Contact points tab)</span> : contacts.data!.map((c) => (
                <label key={c.id} style={{ flexDirection: 'row', gap: 4, alignItems: 'center' }}>
                  <input type="checkbox" checked={d.contactPoints.includes(c.id)} data-testid={`rule-contact-${c.name}`}
                    onChange={(e) => set('contactPoints', e.target.checked ? [...d.contactPoints, c.id] : d.contactPoints.filter((x) => x !== c.id))} />
                  {c.name} <span className="faint">({c.kind})</span>
                </label>
              ))}
            </span>
          </label>
        </div>
        <div className="alert-form-section">Preview · last 24 h{preview.isFetching ? ' · updating…' : ''}</div>
        {preview.isError ? (
          <div className="alert-preview-note error-text" data-testid="alert-preview-error">{preview.error.message}</div>
        ) : preview.data ? (
          preview.data.series.length === 0 ? <div className="alert-preview-note">No data for this query in the last 24 h.</div> : <PreviewChart preview={preview.data} unit={unit} />
        ) : (
          <div style={{ padding: 10 }}><Skeleton height={200} /></div>
        )}
        {preview.data && <div className="alert-preview-note">Buckets of {formatDuration(preview.data.bucketMs)}; top {preview.data.series.length} group{preview.data.series.length === 1 ? '' : 's'}.</div>}
        {failed && <ErrorBox error={failed} what="the rule" />}
        <div className="alert-actions">
          <button className="btn btn-primary" type="submit" disabled={create.isPending || save.isPending} data-testid="rule-save">{id === null ? 'Create rule' : 'Save'}</button>
          <button className="btn" type="button" onClick={() => onDone(null)}>Cancel</button>
        </div>
      </form>
    </Panel>
  );
}
