/**
 * Annotation templates, a small subset of Prometheus' syntax: `{{ $value }}`,
 * `{{ $labels.<name> }}`, `{{ $threshold }}`, `{{ $severity }}`, `{{ $state }}`, `{{ $rule }}`,
 * `{{ $link }}` (the dashboard view pre-filtered to the alert's group and window). Anything else
 * inside `{{ }}` is refused when the rule is saved (checkTemplate), never at send time.
 */

const TAG = /\{\{\s*([^}]*?)\s*\}\}/g;
const VARS = new Set(['$value', '$threshold', '$severity', '$state', '$rule', '$link']);

export interface TemplateData {
  value: number | null;
  threshold: number | null;
  severity: string;
  state: string;
  rule: string;
  link: string;
  labels: Readonly<Record<string, string>>;
}

/** null when the template is valid; otherwise what is wrong. */
export function checkTemplate(t: string): string | null {
  for (const m of t.matchAll(TAG)) {
    const v = m[1]!;
    if (VARS.has(v) || /^\$labels\.[a-zA-Z_][a-zA-Z0-9_]*$/.test(v)) continue;
    return `unknown template variable {{ ${v} }}; use $value, $threshold, $severity, $state, $rule, $link or $labels.<name>`;
  }
  const opens = t.split('{{').length - 1;
  if (opens !== [...t.matchAll(TAG)].length) return 'unclosed {{ in template';
  return null;
}

/** A value as people read it: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatValue(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e15 || a < 1e-6) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

export function renderTemplate(t: string, d: TemplateData): string {
  return t.replace(TAG, (whole, v: string) => {
    switch (v) {
      case '$value': return formatValue(d.value);
      case '$threshold': return formatValue(d.threshold);
      case '$severity': return d.severity;
      case '$state': return d.state;
      case '$rule': return d.rule;
      case '$link': return d.link;
      default:
        return v.startsWith('$labels.') ? (d.labels[v.slice(8)] ?? '') : whole;
    }
  });
}

/** Semantic dimension → the trace explorer's URL key (lib/trace-filters.ts); others have none. */
const EXPLORER_KEYS: Record<string, string> = {
  tenant: 'tenant', request_type: 'requestType', service: 'service', environment: 'environment',
  model: 'model', response_model: 'model', agent: 'agent',
};

/**
 * The traces behind an alert: the explorer filtered to the instance's group and the rule's
 * filters over the evaluated window (`errors` / `error_rate` rules also filter status=error).
 */
export function dashboardLink(externalUrl: string, q: { measure: string; filters: Readonly<Record<string, readonly string[]>> }, group: Readonly<Record<string, string>>, fromMs: number, toMs: number): string {
  const p = new URLSearchParams({ from: String(fromMs), to: String(toMs) });
  for (const [d, values] of Object.entries(q.filters)) {
    const k = EXPLORER_KEYS[d];
    if (k && !(d in group)) for (const v of values) p.append(k, v);
  }
  for (const [d, v] of Object.entries(group)) {
    const k = EXPLORER_KEYS[d];
    if (k) p.append(k, v);
  }
  if (/error/.test(q.measure)) p.set('status', 'error');
  return `${externalUrl.replace(/\/$/, '')}/traces?${p.toString()}`;
}
