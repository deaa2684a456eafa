import type { DriftResult } from '@plumb/analytics';
import type { DriftMonitor } from '@plumb/store';

export const METHOD_LABEL: Record<string, string> = {
  psi: 'PSI', js: 'Jensen–Shannon (base 2)', ks: 'Kolmogorov–Smirnov', chi2: 'χ² test', wasserstein: 'Wasserstein (normalised)',
};

/** The unit of the feature's values, for bin labels and axes. */
export function featureUnit(m: Pick<DriftMonitor, 'feature'>): string {
  switch (m.feature.field) {
    case 'input_tokens':
    case 'output_tokens':
      return 'tokens';
    case 'latency_ms':
    case 'ttft_ms':
      return 'ms';
    case 'cost_usd':
      return 'USD';
    default:
      return '';
  }
}

export function describeFeature(m: Pick<DriftMonitor, 'feature' | 'spanSet'>): string {
  const f = m.feature;
  const what = f.field === 'attribute' ? `attribute ${f.key ?? ''}` : f.field === 'score' ? `score ${f.key ?? ''}` : f.field.replaceAll('_', ' ');
  return f.field === 'score' ? what : `${what} (${m.spanSet === 'llm' ? 'model calls' : m.spanSet === 'tool' ? 'tool calls' : m.spanSet === 'root' ? 'requests' : 'all spans'})`;
}

/** "KS p = 0.0012 (< 0.05)" / "JS 0.183 (≥ 0.1)". */
export function describeScore(r: DriftResult): string {
  if (r.pValue !== null) return `${METHOD_LABEL[r.method] ?? r.method}: p = ${formatP(r.pValue)} (threshold < ${r.threshold})`;
  return `${METHOD_LABEL[r.method] ?? r.method}: ${r.score.toPrecision(3)} (threshold ≥ ${r.threshold})`;
}

export function formatP(p: number): string {
  if (p === 0) return '< 1e-300';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

export function severityBadge(severity: string | undefined): { cls: string; text: string } {
  switch (severity) {
    case 'critical':
      return { cls: 'badge is-error', text: 'critical' };
    case 'warn':
      return { cls: 'badge is-warn', text: 'drift' };
    case 'ok':
      return { cls: 'badge is-ok', text: 'ok' };
    case 'no-data':
      return { cls: 'badge', text: 'no data' };
    default:
      return { cls: 'badge', text: 'not evaluated' };
  }
}
