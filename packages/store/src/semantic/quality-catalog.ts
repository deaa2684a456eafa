import type { DimensionDef, MeasureDef } from './catalog.ts';

/**
 * Quality measures (issue 12): three more views of the semantic layer, declared here, listed in
 * the one catalog (catalog.ts appends them) and compiled by quality-view.ts with the same Plan,
 * WHERE builder, row decoder and paging rules as span measures. REST `metrics`, tRPC and alert
 * rules name them like any measure (`score_avg` by score_name and response_model, `drift_score`
 * by drift_monitor).
 *
 * - `scores` (table `scores FINAL`; time = the scored request's start, so quality is charted by
 *   when requests happened, not when they were judged): API scores, OTel `gen_ai.evaluation.result`
 *   events, OpenInference evaluations, user feedback (score name `feedback`). The row carries its
 *   subject's context copied at write time: served model (response_model), service, service
 *   version, request type, tenant. Scores do not know the REQUESTED model: `model` is refused on
 *   score measures (use response_model, the served model version).
 * - `labels` (delayed ground truth): each label of `labels FINAL` joined to the prediction it
 *   labels — the labelled span, or for a trace-level label every span of the trace carrying the
 *   predicted-label attribute `prediction.label` (the default of the Quality page's panel; the
 *   panel can read another attribute, these measures use the default). Time = the prediction's
 *   start; dimensions are the prediction span's.
 * - `drift` (`drift_results FINAL` of live monitors; time = the end of the evaluated current
 *   window): the LATEST evaluation in the range (or bucket) per monitor. An alert rule's window
 *   must hold at least one evaluation (the worker evaluates each monitor hourly), else no data.
 */
export type QualityView = 'scores' | 'labels' | 'drift';

/** Labels that count as a pass / a fail for `score_pass_rate` (lower-cased; boolean scores read 'true' / 'false'). */
export const PASS_LABELS = ['pass', 'passed', 'true', 'yes', 'correct', 'relevant', 'factual', 'good', 'positive', 'ok', 'thumbs_up', 'up'] as const;
export const FAIL_LABELS = ['fail', 'failed', 'false', 'no', 'incorrect', 'irrelevant', 'unrelated', 'hallucinated', 'bad', 'negative', 'thumbs_down', 'down'] as const;
const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
const PASS = `lower(string_value) IN (${list(PASS_LABELS)})`;
const FAIL = `lower(string_value) IN (${list(FAIL_LABELS)})`;

/** The predicted-label attribute the label measures compare with. */
export const LABEL_PREDICTION_ATTRIBUTE = 'prediction.label';

/** Aggregate SQL of each quality measure over its view's rows (quality-view.ts). */
export const QUALITY_MEASURE_SQL: Readonly<Record<string, { view: QualityView; sql: string }>> = {
  score_count: { view: 'scores', sql: 'count()' },
  score_avg: { view: 'scores', sql: 'avgIf(value, isNotNull(value))' },
  score_pass_rate: { view: 'scores', sql: `countIf(${PASS}) / nullIf(countIf(${PASS} OR ${FAIL}), 0)` },
  label_count: { view: 'labels', sql: 'count()' },
  label_agreement: { view: 'labels', sql: 'countIf(predicted = actual) / nullIf(count(), 0)' },
  drift_score: { view: 'drift', sql: 'argMax(score, current_to)' },
  drift_flagged: { view: 'drift', sql: 'toUInt8(argMax(flagged, current_to))' },
  drift_psi: { view: 'drift', sql: 'argMax(psi, current_to)' },
  drift_evaluations: { view: 'drift', sql: 'count()' },
};

/** The measure is not defined over spans: fails loudly if it ever reaches the span compiler. */
const NOT_ON_SPANS = "throwIf(1, 'quality measures are compiled by quality-view.ts')";

const m = (view: QualityView, name: string, label: string, unit: MeasureDef['unit'], additive: boolean, description: string): MeasureDef => ({
  name, label, unit, additive, description, view, spanSet: 'all', expr: NOT_ON_SPANS, rollup: NOT_ON_SPANS,
});

export const QUALITY_MEASURES: readonly MeasureDef[] = [
  m('scores', 'score_count', 'Scores', 'count', true, 'Scores given (API, evaluation events, feedback), by the scored request\'s start time; one per score id.'),
  m('scores', 'score_avg', 'Score average', 'score', false, 'Mean value of numeric and boolean scores (boolean: 1 = true); categorical scores have no value.'),
  m('scores', 'score_pass_rate', 'Score pass rate', 'ratio', false,
    `Scores whose label passes / scores whose label passes or fails (0–1). Pass: ${PASS_LABELS.join(', ')}; fail: ${FAIL_LABELS.join(', ')} (case-insensitive; boolean scores read true/false). Other labels and numeric-only scores are not counted.`),
  m('labels', 'label_count', 'Labelled predictions', 'count', true, `Predictions (spans with the ${LABEL_PREDICTION_ATTRIBUTE} attribute) that received a true label, by prediction time.`),
  m('labels', 'label_agreement', 'Label agreement', 'ratio', false, `Labelled predictions whose ${LABEL_PREDICTION_ATTRIBUTE} equals the true label / labelled predictions (accuracy, 0–1).`),
  m('drift', 'drift_score', 'Drift score', 'score', false, 'The statistic of the latest evaluation of a drift monitor in the range (its method: PSI, JS, KS D, χ² or normalised Wasserstein).'),
  m('drift', 'drift_flagged', 'Drift flagged', 'count', false, '1 when the latest evaluation in the range crossed the monitor\'s threshold, else 0.'),
  m('drift', 'drift_psi', 'Drift PSI', 'score', false, 'PSI of the latest evaluation in the range (always reported, whatever the method).'),
  m('drift', 'drift_evaluations', 'Drift evaluations', 'count', true, 'Evaluations of drift monitors whose current window ended in the range.'),
];

/** Dimensions only the quality views have (kind 'quality'; refused on span and GPU measures). */
export const QUALITY_DIMENSIONS: readonly DimensionDef[] = [
  { name: 'score_name', label: 'Score name', expr: 'name', kind: 'quality', rollup: false },
  { name: 'score_source', label: 'Score source', expr: 'toString(source)', kind: 'quality', rollup: false },
  { name: 'label_name', label: 'Label set', expr: 'label_name', kind: 'quality', rollup: false },
  { name: 'drift_monitor', label: 'Drift monitor', expr: 'monitor_id', kind: 'quality', rollup: false },
];

const CONTEXT = ['response_model', 'service', 'service_version', 'request_type', 'tenant'] as const;
const byName = (names: readonly string[]) => new Map(QUALITY_DIMENSIONS.filter((d) => names.includes(d.name)).map((d) => [d.name, { expr: d.expr }]));

/** What each quality view can group and filter by, and the expression over its rows. */
export const QUALITY_VIEW_DIMENSIONS: Readonly<Record<QualityView, ReadonlyMap<string, { expr: string }>>> = {
  // The scores table names the served model `model`.
  scores: new Map([...byName(['score_name', 'score_source']), ...CONTEXT.map((d): [string, { expr: string }] => [d, { expr: d === 'response_model' ? 'model' : d }])]),
  labels: new Map([...byName(['label_name']), ...CONTEXT.map((d): [string, { expr: string }] => [d, { expr: d }])]),
  drift: byName(['drift_monitor']),
};

const QUALITY_VIEWS = new Set<string>(['scores', 'labels', 'drift']);
export const qualityViewOf = (m: Pick<MeasureDef, 'view'>): QualityView | null => (m.view && QUALITY_VIEWS.has(m.view) ? (m.view as QualityView) : null);

/**
 * Why a query mixes views or uses a dimension its view lacks, or null. Quality measures must all
 * be of one view; quality dimensions apply to quality measures only.
 */
export function qualityMismatch(measures: readonly MeasureDef[], dimensions: readonly { name: string; field: string }[]): { field: string; message: string } | null {
  const views = new Set(measures.map(qualityViewOf));
  const view = [...views][0] ?? null;
  if (views.size > 1) {
    const names = measures.filter((x) => qualityViewOf(x) !== null).map((x) => x.name).join(', ');
    return { field: 'measures', message: `measures of different views cannot be combined in one query (${names}): scores, labels, drift and span measures are queried separately` };
  }
  for (const d of dimensions) {
    if (view === null) {
      if (QUALITY_DIMENSIONS.some((q) => q.name === d.name)) {
        return { field: d.field, message: `dimension \`${d.name}\` applies to ${QUALITY_MEASURES.filter((x) => QUALITY_VIEW_DIMENSIONS[x.view as QualityView].has(d.name)).map((x) => x.name).join(', ')} only` };
      }
      continue;
    }
    const dims = QUALITY_VIEW_DIMENSIONS[view];
    if (!dims.has(d.name)) {
      const hint = view !== 'drift' && d.name === 'model' ? ' (scores and labels know the served model: use response_model)' : '';
      return { field: d.field, message: `dimension \`${d.name}\` does not apply to ${view} measures${hint}; use ${[...dims.keys()].join(', ')}` };
    }
  }
  return null;
}
