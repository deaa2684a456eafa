import { planQueries, ruleNeeds, type Need, type PlannedQuery, type Row, type RuleSpec } from '@plumb/alerts';
import { ALERT_CATALOG } from './alerts.ts';
import { queryMetrics } from './semantic/query.ts';
import type { Store } from './store.ts';

/**
 * Runs the semantic-layer queries of a batch of rules: each rule's needs (@plumb/alerts
 * ruleNeeds) are merged into one query per shape (planQueries), each query runs once through
 * `queryMetrics` — the same planner, compiler and rollups the dashboard uses — and its rows are
 * shared by every rule of that shape. A failed query fails only the rules that need it.
 */

export interface AlertQueryResults {
  needs: Map<string, Need[]>;
  rows: Map<string, Row[]>;
  /** Shape key → error message. */
  errors: Map<string, string>;
  queries: number;
  /** Query key → the rules' measures it answered (for the bench and logs). */
  planned: PlannedQuery[];
}

/** Groups per query: past this many groups a rule sees only the top ones (by the query's first measure). */
export const ALERT_GROUP_LIMIT = 10_000;

export async function runAlertQueries(
  store: Store, projectId: string, rules: readonly (RuleSpec & { id: string })[], at: (rule: RuleSpec) => number, signal?: AbortSignal,
): Promise<AlertQueryResults> {
  const needs = new Map<string, Need[]>();
  for (const r of rules) needs.set(r.id, ruleNeeds(r, at(r), ALERT_CATALOG));
  const planned = [...planQueries([...needs.values()].flat()).values()];
  const rows = new Map<string, Row[]>();
  const errors = new Map<string, string>();
  for (const q of planned) {
    if (signal?.aborted) break;
    try {
      const r = await queryMetrics(store, {
        projectId, measures: q.measures, groupBy: q.groupBy, filters: q.filters, from: new Date(q.fromMs), to: new Date(q.toMs), limit: ALERT_GROUP_LIMIT,
      });
      rows.set(q.key, r.rows);
    } catch (e) {
      errors.set(q.key, e instanceof Error ? e.message : String(e));
    }
  }
  return { needs, rows, errors, queries: planned.length, planned };
}
