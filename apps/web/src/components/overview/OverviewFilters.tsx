'use client';
import { useState } from 'react';
import { useFilterOptions, type Window } from '@/lib/api';
import { LIST_FILTER_LABELS, LIST_FILTERS, type GlobalFilters, type ListFilterKey } from '@/lib/trace-filters';
import { MultiSelect } from '../traces/MultiSelect';

const OPTION_KEY: Record<ListFilterKey, 'services' | 'environments' | 'tenants' | 'requestTypes'> = {
  service: 'services',
  environment: 'environments',
  tenant: 'tenants',
  requestType: 'requestTypes',
};

/**
 * The overview's global filters (service, environment, tenant, request type; any of the values
 * within a field, all fields together). Suggestions come from the filter-options query once the
 * bar is focused. The page keeps them in the URL and applies them to every number on it.
 */
export function OverviewFilters({ filters, onChange, window: w }: { filters: GlobalFilters; onChange: (next: GlobalFilters) => void; window: Window }) {
  const [wantSuggestions, setWantSuggestions] = useState(false);
  const options = useFilterOptions(w, wantSuggestions).data;
  const active = LIST_FILTERS.some((k) => (filters[k]?.length ?? 0) > 0);
  return (
    <div className="panel" data-testid="overview-filters" onFocus={() => setWantSuggestions(true)}>
      <div className="filterbar" role="search" aria-label="Overview filters">
        {LIST_FILTERS.map((key) => (
          <MultiSelect
            key={key}
            id={`of-${key}`}
            label={LIST_FILTER_LABELS[key]}
            values={filters[key] ?? []}
            suggestions={options?.[OPTION_KEY[key]]}
            onChange={(values) => onChange({ ...filters, [key]: values })}
          />
        ))}
        {active ? (
          <>
            <span className="filters-active-note" data-testid="overview-filters-note">
              Every number below is for these filters only
            </span>
            <button type="button" className="btn btn-ghost" onClick={() => onChange({})}>
              Clear filters
            </button>
          </>
        ) : (
          <span className="filters-active-note">All traffic</span>
        )}
      </div>
    </div>
  );
}
