import type { TraceFilters } from '@/lib/trace-filters';

/** Dimensions the cost page groups by (semantic-layer names) and how each drills into the
 *  explorer: its own filter where the explorer has one, else an attribute filter on the
 *  attribute the column is normalized from. */
export const COST_DIMS = ['tenant', 'model', 'provider', 'request_type', 'agent', 'service', 'environment'] as const;
export type CostDim = (typeof COST_DIMS)[number];

export const DIM_LABEL: Record<CostDim, string> = {
  tenant: 'Tenant',
  model: 'Model',
  provider: 'Provider',
  request_type: 'Request type',
  agent: 'Agent',
  service: 'Service',
  environment: 'Environment',
};

export const NOT_SET: Record<CostDim, string> = {
  tenant: '(untagged: no tenant)',
  model: '(no model)',
  provider: '(no provider)',
  request_type: '(untyped)',
  agent: '(no agent)',
  service: '(no service)',
  environment: '(no environment)',
};

export function isCostDim(v: string | null): v is CostDim {
  return v !== null && (COST_DIMS as readonly string[]).includes(v);
}

/** Explorer filters selecting the traces behind one cell (`values` per grouped dimension). */
export function drillFilters(values: Partial<Record<CostDim, string>>): TraceFilters {
  const f: TraceFilters = {};
  const attributes: { key: string; value: string }[] = [];
  for (const [dim, value] of Object.entries(values) as [CostDim, string][]) {
    // '' is the empty group ('(no tenant)'): the explorer filters for it (trace-filters.ts).
    switch (dim) {
      case 'tenant':
        f.tenant = [value];
        break;
      case 'model':
        f.model = value;
        break;
      case 'request_type':
        f.requestType = [value];
        break;
      case 'agent':
        f.agent = value;
        break;
      case 'service':
        f.service = [value];
        break;
      case 'provider':
        // No explorer filter for provider: an attribute filter (the empty provider drills wider).
        if (value !== '') attributes.push({ key: 'gen_ai.provider.name', value });
        break;
      case 'environment':
        f.environment = [value];
        break;
    }
  }
  if (attributes.length > 0) f.attributes = attributes;
  return f;
}
