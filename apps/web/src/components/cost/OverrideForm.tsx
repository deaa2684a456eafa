'use client';
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { Panel } from '../ui';

const FIELDS = [
  ['inputPerMTok', 'Input'],
  ['outputPerMTok', 'Output'],
  ['cacheReadPerMTok', 'Cache read'],
  ['cacheWritePerMTok', 'Cache write'],
] as const;

/**
 * Add or edit (same id) a price override: model match, provider, start, and how the model is
 * priced — per token (per-bucket prices) or, for a self-hosted model, per GPU-hour (never both:
 * the token prices are cleared and disabled; its spend is GPU-hours × the GPU-hour prices of
 * the GPUs page, split across tenants).
 */
export function OverrideForm({ onSaved }: { onSaved: () => unknown }) {
  const trpc = useTRPC();
  const [v, setV] = useState<Record<string, string>>({ id: '', provider: '', modelPattern: '', effectiveFrom: '1970-01-01', unit: 'token', inputPerMTok: '', outputPerMTok: '', cacheReadPerMTok: '', cacheWritePerMTok: '' });
  const save = useMutation(trpc.cost.saveOverride.mutationOptions({ onSuccess: () => void onSaved() }));
  const set = (k: string) => (e: { target: { value: string } }) => setV((o) => ({ ...o, [k]: e.target.value }));
  const perGpuHour = v.unit === 'gpu_hour';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (v.unit === 'gpu_hour') {
      save.mutate({ id: v.id || (v.modelPattern ?? '').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64), provider: v.provider ?? '', modelPattern: v.modelPattern ?? '', effectiveFrom: `${v.effectiveFrom}T00:00:00Z`, unit: 'gpu_hour' });
      return;
    }
    save.mutate({
      id: v.id || (v.modelPattern ?? '').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64),
      provider: v.provider ?? '',
      modelPattern: v.modelPattern ?? '',
      effectiveFrom: `${v.effectiveFrom}T00:00:00Z`,
      inputPerMTok: v.inputPerMTok ?? '',
      outputPerMTok: v.outputPerMTok ?? '',
      ...(v.cacheReadPerMTok ? { cacheReadPerMTok: v.cacheReadPerMTok } : {}),
      ...(v.cacheWritePerMTok ? { cacheWritePerMTok: v.cacheWritePerMTok } : {}),
    });
  };
  return (
    <Panel title="Add or edit a price override" unit={perGpuHour ? 'self-hosted: priced per GPU-hour' : 'USD per 1M tokens'} testId="override-form">
      <form onSubmit={submit} className="form-grid" style={{ display: 'grid', gridTemplateColumns: 'repeat(4, minmax(0, 1fr))', gap: 6 }}>
        <label>
          <span className="faint">Model (exact, prefix*, /regex/)</span>
          <input className="input" style={{ width: '100%' }} required value={v.modelPattern} onChange={set('modelPattern')} name="modelPattern" />
        </label>
        <label>
          <span className="faint">Provider (blank = any)</span>
          <input className="input" style={{ width: '100%' }} value={v.provider} onChange={set('provider')} name="provider" />
        </label>
        <label>
          <span className="faint">Id (blank = from model)</span>
          <input className="input" style={{ width: '100%' }} value={v.id} onChange={set('id')} name="id" />
        </label>
        <label>
          <span className="faint">Effective from (UTC day)</span>
          <input className="input" style={{ width: '100%' }} type="date" value={v.effectiveFrom} onChange={set('effectiveFrom')} name="effectiveFrom" />
        </label>
        <label style={{ gridColumn: '1 / -1' }}>
          <span className="faint">Priced </span>
          <select className="select" name="unit" value={v.unit} onChange={set('unit')} data-testid="override-unit">
            <option value="token">per token (prices below)</option>
            <option value="gpu_hour">per GPU-hour (self-hosted: GPU-hour prices on the GPUs page; no token price)</option>
          </select>
        </label>
        {FIELDS.map(([k, label]) => (
          <label key={k}>
            <span className="faint">
              {label}
              {k.startsWith('cache') ? ' (blank = input)' : ''}
            </span>
            <input
              className="input"
              style={{ width: '100%' }}
              inputMode="decimal"
              required={!perGpuHour && !k.startsWith('cache')}
              disabled={perGpuHour}
              value={perGpuHour ? '' : v[k]}
              onChange={set(k)}
              name={k}
              placeholder={perGpuHour ? 'per GPU-hour' : '0.00'}
            />
          </label>
        ))}
        <div style={{ gridColumn: '1 / -1', display: 'flex', gap: 8, alignItems: 'center' }}>
          <button type="submit" className="btn" disabled={save.isPending} data-testid="save-override">
            Save override
          </button>
          {save.isError && <span className="error-text">{save.error.message}</span>}
          {save.isSuccess && <span className="faint">Saved. New spans use it within a minute; reprice to apply it to stored spans.</span>}
        </div>
      </form>
    </Panel>
  );
}
