import { sql } from '../sql.ts';
import type { Store } from '../store.ts';
import { parseRange, type TimeInput } from '../semantic/errors.ts';

export interface FilterOptions {
  services: string[];
  environments: string[];
  tenants: string[];
  requestTypes: string[];
  models: string[];
  agents: string[];
}

const CAP = 500;

/**
 * Distinct non-empty values seen in [from, to) for the explorer's and the overview's filter suggestions (at most 500 each,
 * sorted). Distinct values need no FINAL: a duplicate row never adds a value.
 */
export async function filterOptions(store: Store, projectId: string, fromIn: TimeInput, toIn: TimeInput): Promise<FilterOptions> {
  const { from, to } = parseRange(fromIn, toIn);
  const [row] = await store.query<FilterOptions>(sql`SELECT
      groupUniqArrayIf(${CAP})(toString(service), service != '') AS services,
      groupUniqArrayIf(${CAP})(toString(environment), environment != '') AS environments,
      groupUniqArrayIf(${CAP})(toString(tenant), tenant != '') AS tenants,
      groupUniqArrayIf(${CAP})(toString(request_type), request_type != '') AS requestTypes,
      groupUniqArrayIf(${CAP})(toString(request_model), request_model != '') AS models,
      groupUniqArrayIf(${CAP})(toString(agent_name), agent_name != '') AS agents
    FROM spans
    WHERE project_id = ${projectId} AND start_time >= ${from} AND start_time < ${to}`);
  const sorted = (v: string[] | undefined) => [...(v ?? [])].sort();
  return {
    services: sorted(row?.services),
    environments: sorted(row?.environments),
    tenants: sorted(row?.tenants),
    requestTypes: sorted(row?.requestTypes),
    models: sorted(row?.models),
    agents: sorted(row?.agents),
  };
}
