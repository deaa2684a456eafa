'use client';
import { forwardRef, useRef, useState, type KeyboardEvent } from 'react';
import {
  FILTER_LABELS,
  hasActiveFilters,
  LIST_FILTER_LABELS,
  LIST_FILTERS,
  type ListFilterKey,
  parseAttributeFilter,
  TEXT_FILTERS,
  type TextFilterKey,
  type TraceFilters,
} from '@/lib/trace-filters';
import { MultiSelect } from './MultiSelect';

/**
 * Explorer filters. Text fields commit on Enter or blur (not per keystroke, so typing does not
 * fire a query per character); selects commit on change. Everything lands in the URL.
 */
export const FilterBar = forwardRef<
  HTMLInputElement,
  {
    filters: TraceFilters;
    onChange: (next: TraceFilters) => void;
    /** Known values per field, offered as <datalist> completions. */
    suggestions?: Partial<Record<TextFilterKey | ListFilterKey, string[]>>;
    onFocusWithin?: () => void;
  }
>(function FilterBar({ filters, onChange, suggestions, onFocusWithin }, searchRef) {
  const set = (patch: Partial<TraceFilters>) => {
    const next: TraceFilters = { ...filters, ...patch };
    // Only the patched keys: an untouched '' filter is the empty group and stays.
    for (const [k, v] of Object.entries(patch)) if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete next[k as keyof TraceFilters];
    onChange(next);
  };
  const [attrDraft, setAttrDraft] = useState('');
  const attrParsed = parseAttributeFilter(attrDraft);

  const addAttr = () => {
    if (!attrParsed) return;
    set({ attributes: [...(filters.attributes ?? []), attrParsed] });
    setAttrDraft('');
  };

  return (
    <div className="panel" data-testid="filters" onFocus={onFocusWithin}>
      <div className="filterbar" role="search">
        <div className="field wide">
          <label htmlFor="f-q">
            Span name contains <kbd>/</kbd>
          </label>
          <CommitInput id="f-q" ref={searchRef} value={filters.q ?? ''} placeholder="e.g. search, invoke_agent" onCommit={(v) => set({ q: v || undefined })} />
        </div>
        {LIST_FILTERS.map((key) => (
          <MultiSelect
            key={key}
            id={`f-${key}`}
            label={LIST_FILTER_LABELS[key]}
            values={filters[key] ?? []}
            suggestions={suggestions?.[key]}
            onChange={(values) => set({ [key]: values })}
          />
        ))}
        {TEXT_FILTERS.map((key: TextFilterKey) => (
          <div className="field" key={key}>
            <label htmlFor={`f-${key}`}>{FILTER_LABELS[key]}</label>
            <CommitInput
              id={`f-${key}`}
              value={filters[key] ?? ''}
              placeholder={filters[key] === '' ? '(none: empty value)' : key === 'model' ? 'gpt-4o (and its versions), claude*' : 'any'}
              list={suggestions?.[key]?.length ? `f-${key}-list` : undefined}
              onCommit={(v) => set({ [key]: v || undefined })}
            />
            {suggestions?.[key]?.length ? (
              <datalist id={`f-${key}-list`}>
                {suggestions[key]!.map((v) => (
                  <option key={v} value={v} />
                ))}
              </datalist>
            ) : null}
          </div>
        ))}
        <div className="field narrow">
          <label htmlFor="f-status">Status</label>
          <select
            id="f-status"
            className="select"
            value={filters.status ?? ''}
            onChange={(e) => set({ status: (e.target.value || undefined) as TraceFilters['status'] })}
          >
            <option value="">any</option>
            <option value="error">error</option>
            <option value="ok">ok</option>
          </select>
        </div>
        <div className="field narrow">
          <label htmlFor="f-mindur">Min dur. (ms)</label>
          <CommitInput
            id="f-mindur"
            type="number"
            value={filters.minDurationMs ? String(filters.minDurationMs) : ''}
            placeholder="0"
            onCommit={(v) => set({ minDurationMs: Number(v) > 0 ? Number(v) : undefined })}
          />
        </div>
        <div className="field narrow">
          <label htmlFor="f-mincost">Min cost ($)</label>
          <CommitInput
            id="f-mincost"
            type="number"
            step="any"
            value={filters.minCostUsd ? String(filters.minCostUsd) : ''}
            placeholder="0"
            onCommit={(v) => set({ minCostUsd: Number(v) > 0 ? Number(v) : undefined })}
          />
        </div>
        <div className="field wide">
          <label htmlFor="f-attr">Attribute key=value</label>
          <input
            id="f-attr"
            className="input"
            value={attrDraft}
            placeholder="e.g. http.route=/chat"
            aria-invalid={attrDraft !== '' && !attrParsed}
            onChange={(e) => setAttrDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addAttr();
              }
              if (e.key === 'Escape') e.currentTarget.blur();
            }}
          />
        </div>
        <button type="button" className="btn" onClick={addAttr} disabled={!attrParsed}>
          Add
        </button>
        {hasActiveFilters(filters) && (
          <button type="button" className="btn btn-ghost" onClick={() => onChange({})}>
            Clear all
          </button>
        )}
      </div>
      {(filters.attributes?.length ?? 0) > 0 && (
        <div className="chips" aria-label="Attribute filters">
          {filters.attributes!.map((a, i) => (
            <span className="chip mono" key={`${a.key}=${a.value}#${i}`}>
              {a.key}={a.value}
              <button
                type="button"
                aria-label={`Remove ${a.key}=${a.value}`}
                onClick={() => set({ attributes: filters.attributes!.filter((_, j) => j !== i) })}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
    </div>
  );
});

interface CommitInputProps {
  id: string;
  value: string;
  placeholder?: string;
  type?: string;
  step?: string;
  list?: string;
  onCommit: (value: string) => void;
}

/** Input that reports its value on Enter / blur; re-seeds itself when the URL value changes. */
const CommitInput = forwardRef<HTMLInputElement, CommitInputProps>(function CommitInput(props, ref) {
  return <CommitInputInner key={props.value} ref={ref} {...props} />;
});

const CommitInputInner = forwardRef<HTMLInputElement, CommitInputProps>(function CommitInputInner({ id, value, placeholder, type, step, list, onCommit }, ref) {
  const [draft, setDraft] = useState(value);
  const cancelled = useRef(false);
  const commit = () => {
    if (cancelled.current) {
      cancelled.current = false;
      return;
    }
    if (draft.trim() !== value) onCommit(draft.trim());
  };
  return (
    <input
      id={id}
      ref={ref}
      className="input"
      type={type ?? 'text'}
      step={step}
      list={list}
      autoComplete="off"
      min={type === 'number' ? 0 : undefined}
      value={draft}
      placeholder={placeholder}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') {
          cancelled.current = true;
          setDraft(value);
          e.currentTarget.blur();
        }
      }}
    />
  );
});
