'use client';
import './latency.css';
import Link from 'next/link';
import { TimeControls } from '@/components/TimeControls';
import { useUrlParams } from '@/lib/url-state';
import { Heatmap } from './Heatmap';
import { ModelsPanel } from './ModelsPanel';
import { PercentilesPanel } from './PercentilesPanel';
import { SaturationPanel } from './SaturationPanel';
import { dimensionLabel, DIMENSIONS, emptyLabel, parseState, type Dimension, type FilterKey } from './state';

/**
 * The /latency page: percentiles over time by any dimension, the heatmap with its region →
 * traces, throughput and saturation, model speed and LLM API health. Dimension, filters and the
 * percentile live in the URL (`by`, `f.<dimension>`, `p`), so a view is a link.
 */
export function LatencyExplorer() {
  const { params, update, hrefWith } = useUrlParams();
  const { by, filters, pct } = parseState(params);
  const setBy = (d: Dimension | null) => update((p) => (d ? p.set('by', d) : p.delete('by')), { push: true });
  const addFilter = (d: Dimension, v: string) => update((p) => {
    if (!p.getAll(`f.${d}`).includes(v)) p.append(`f.${d}`, v);
  }, { push: true });
  const removeFilter = (d: FilterKey, v: string) => update((p) => {
    const rest = p.getAll(`f.${d}`).filter((x) => x !== v);
    p.delete(`f.${d}`);
    for (const x of rest) p.append(`f.${d}`, x);
  }, { push: true });
  const chips = Object.entries(filters).flatMap(([d, vs]) => vs.map((v) => ({ d: d as FilterKey, v })));
  return (
    <>
      <div className="page-header">
        <h1>Latency</h1>
        <nav className="tabs" aria-label="Latency views">
          <Link href={hrefWith((p) => p)} aria-current="page" role="tab" aria-selected="true" className="tab-link">Explore</Link>
          <Link href={`/latency/regression${params.toString() ? `?${params.toString()}` : ''}`} role="tab" aria-selected="false" className="tab-link" data-testid="latency-regression-tab">Regression</Link>
        </nav>
        <span className="spacer" />
        <label className="field" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
          <span className="faint">Group by</span>
          <select className="select" style={{ minWidth: 150 }} aria-label="Group by" value={by ?? ''} onChange={(e) => setBy((e.target.value || null) as Dimension | null)} data-testid="latency-group-by">
            <option value="">(all requests)</option>
            {DIMENSIONS.map((d) => <option key={d.key} value={d.key}>{d.label}</option>)}
          </select>
        </label>
        <TimeControls />
      </div>
      {chips.length > 0 && (
        <div className="chips" style={{ marginBottom: 8 }} data-testid="latency-filters">
          {chips.map(({ d, v }) => (
            <span className="chip" key={`${d}=${v}`}>
              {dimensionLabel(d)}: {v === '' ? emptyLabel(d) : v}
              <button aria-label={`Remove filter ${dimensionLabel(d)} ${v}`} onClick={() => removeFilter(d, v)}>✕</button>
            </span>
          ))}
        </div>
      )}
      <PercentilesPanel by={by} filters={filters} pct={pct} onPct={(p) => update((x) => x.set('p', p))} onFilter={addFilter} />
      <Heatmap by={by} filters={filters} />
      <SaturationPanel filters={filters} />
      <ModelsPanel filters={filters} />
    </>
  );
}
