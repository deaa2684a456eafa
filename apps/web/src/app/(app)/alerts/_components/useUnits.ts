'use client';
import { useQuery } from '@tanstack/react-query';
import { formatCount, formatDuration, formatPercent, formatUsd } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { formatValue } from './format';

/** A measure's value with its unit (from the semantic catalog): ms, USD, %, counts. */
export function formatMeasureValue(v: number | null | undefined, unit: string | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'ms': return formatDuration(v);
    case 'usd': return formatUsd(v);
    case 'ratio': return formatPercent(v);
    case 'count':
    case 'tokens': return formatCount(v);
    case 'burn': return `${formatValue(v)}×`;
    default: return `${formatValue(v)}${unit ? ` ${unit}` : ''}`;
  }
}

/** Measure name → unit, from the catalog the server compiles every query from. */
export function useMeasureUnits(): (measure: string) => string | undefined {
  const trpc = useTRPC();
  const catalog = useQuery({ ...trpc.metrics.catalog.queryOptions(), staleTime: Infinity });
  return (m) => catalog.data?.measures.find((x) => x.name === m)?.unit;
}
