import { DIMENSIONS, MEASURES, type DimensionKind, type SpanSet, type Unit } from './catalog.ts';

export interface MetricsCatalog {
  measures: { name: string; label: string; unit: Unit; spanSet: SpanSet; description: string }[];
  dimensions: { name: string; label: string; kind: DimensionKind }[];
}

/** The public vocabulary (for pickers, the REST docs and alert-rule editors); no SQL exposed. */
export function metricsCatalog(): MetricsCatalog {
  return {
    measures: MEASURES.map(({ name, label, unit, spanSet, description }) => ({ name, label, unit, spanSet, description })),
    dimensions: DIMENSIONS.map(({ name, label, kind }) => ({ name, label, kind })),
  };
}
