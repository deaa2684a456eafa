'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorBox, Panel } from '@/components/ui';
import { useTRPC } from '@/lib/trpc';

const NUMERIC = ['output_tokens', 'input_tokens', 'latency_ms', 'ttft_ms', 'cost_usd', 'attribute', 'score'] as const;
const CATEGORICAL = ['finish_reason', 'model', 'request_model', 'tool_name', 'error_type', 'request_type', 'tenant', 'service_version', 'attribute', 'score'] as const;
const METHODS = ['auto', 'psi', 'js', 'ks', 'chi2', 'wasserstein'] as const;

/** Create a monitor (editors). The server validates; its 400 message names the field. */
export function MonitorForm({ onCreated, onCancel }: { onCreated: (id: string) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'numeric' | 'categorical'>('numeric');
  const [field, setField] = useState<string>('output_tokens');
  const [key, setKey] = useState('');
  const [model, setModel] = useState('');
  const [refKind, setRefKind] = useState<'previous' | 'frozen'>('previous');
  const [days, setDays] = useState(7);
  const [refFrom, setRefFrom] = useState('');
  const [refTo, setRefTo] = useState('');
  const [windowH, setWindowH] = useState(24);
  const [method, setMethod] = useState<(typeof METHODS)[number]>('auto');
  const create = useMutation(
    trpc.drift.create.mutationOptions({
      onSuccess: (m) => {
        void qc.invalidateQueries({ queryKey: trpc.drift.pathKey() });
        onCreated(m.id);
      },
    }),
  );
  const fields = kind === 'numeric' ? NUMERIC : CATEGORICAL;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name,
      feature: { kind, field: field as never, ...(key ? { key } : {}) },
      filters: model ? { model: [model] } : {},
      reference: refKind === 'previous' ? { kind: 'previous', days } : { kind: 'frozen', from: refFrom ? new Date(refFrom) : new Date(NaN), to: refTo ? new Date(refTo) : new Date(NaN) },
      currentWindow: windowH * 3_600_000,
      method,
    });
  };
  return (
    <Panel title="New drift monitor">
      <form onSubmit={submit} data-testid="drift-form">
        <div className="form-grid">
          <label>
            Name
            <input aria-label="Name" className="input" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
          </label>
          <label>
            Feature type
            <select aria-label="Feature type" className="select" value={kind} onChange={(e) => { const k = e.target.value as 'numeric' | 'categorical'; setKind(k); setField(k === 'numeric' ? 'output_tokens' : 'finish_reason'); }}>
              <option value="numeric">numeric</option>
              <option value="categorical">categorical</option>
            </select>
          </label>
          <label>
            Feature
            <select aria-label="Feature" className="select" value={field} onChange={(e) => setField(e.target.value)}>
              {fields.map((f) => <option key={f} value={f}>{f.replaceAll('_', ' ')}</option>)}
            </select>
          </label>
          {(field === 'attribute' || field === 'score') && (
            <label>
              {field === 'attribute' ? 'Attribute key' : 'Score name'}
              <input aria-label={field === 'attribute' ? 'Attribute key' : 'Score name'} className="input" value={key} onChange={(e) => setKey(e.target.value)} required />
            </label>
          )}
          <label>
            Slice: served model (optional)
            <input aria-label="Slice: served model (optional)" className="input" value={model} onChange={(e) => setModel(e.target.value)} placeholder="all models" />
          </label>
          <label>
            Reference
            <select aria-label="Reference" className="select" value={refKind} onChange={(e) => setRefKind(e.target.value as 'previous' | 'frozen')}>
              <option value="previous">previous N days (rolling)</option>
              <option value="frozen">frozen window</option>
            </select>
          </label>
          {refKind === 'previous' ? (
            <label>
              Days
              <input aria-label="Days" className="input" type="number" min={1} max={90} value={days} onChange={(e) => setDays(Number(e.target.value))} />
            </label>
          ) : (
            <>
              <label>
                From (local time)
                <input aria-label="From (local time)" className="input" type="datetime-local" value={refFrom} onChange={(e) => setRefFrom(e.target.value)} required />
              </label>
              <label>
                To (local time)
                <input aria-label="To (local time)" className="input" type="datetime-local" value={refTo} onChange={(e) => setRefTo(e.target.value)} required />
              </label>
            </>
          )}
          <label>
            Current window, hours
            <input aria-label="Current window, hours" className="input" type="number" min={1} max={24 * 30} value={windowH} onChange={(e) => setWindowH(Number(e.target.value))} />
          </label>
          <label>
            Method
            <select aria-label="Method" className="select" value={method} onChange={(e) => setMethod(e.target.value as (typeof METHODS)[number])}>
              {METHODS.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </label>
        </div>
        {create.isError && <ErrorBox error={create.error} what="the monitor" action="create" />}
        <div style={{ display: 'flex', gap: 8, padding: '0 10px 10px' }}>
          <button className="btn btn-primary" type="submit" disabled={create.isPending}>Create</button>
          <button className="btn" type="button" onClick={onCancel}>Cancel</button>
        </div>
      </form>
    </Panel>
  );
}
