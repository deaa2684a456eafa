'use client';
import { useState, type ChangeEvent, type KeyboardEvent } from 'react';

/**
 * A multi-value filter field: the chosen values as removable chips, then an input with the known
 * values as <datalist> suggestions. A value is added on Enter, on blur, or when a suggestion is
 * picked; Backspace in an empty input removes the last chip; Escape drops the draft. `onChange`
 * gets the whole new list (the caller puts it in the URL).
 */
export function MultiSelect({
  id,
  label,
  values,
  suggestions,
  onChange,
  placeholder = 'any',
}: {
  id: string;
  label: string;
  values: readonly string[];
  suggestions?: readonly string[];
  onChange: (next: string[]) => void;
  placeholder?: string;
}) {
  const [draft, setDraft] = useState('');
  const offered = (suggestions ?? []).filter((s) => !values.includes(s));
  const listId = offered.length ? `${id}-list` : undefined;

  const add = (raw: string) => {
    const v = raw.trim();
    setDraft('');
    if (v && !values.includes(v)) onChange([...values, v]);
  };
  const remove = (v: string) => onChange(values.filter((x) => x !== v));

  const onInput = (e: ChangeEvent<HTMLInputElement>) => {
    const v = e.target.value;
    // Picking a datalist option is an input event without a typed character: take it at once.
    const inputType = (e.nativeEvent as InputEvent).inputType as string | undefined;
    if ((inputType === undefined || inputType === 'insertReplacementText') && offered.includes(v)) add(v);
    else setDraft(v);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      add(draft);
    } else if (e.key === 'Backspace' && draft === '' && values.length > 0) {
      remove(values[values.length - 1]!);
    } else if (e.key === 'Escape') {
      setDraft('');
      e.currentTarget.blur();
    }
  };

  return (
    <div className="field multi-field" data-testid={`filter-${id}`}>
      <label htmlFor={id}>{label}</label>
      <div className="multi">
        {values.map((v) => (
          <span className="chip" key={v} title={v}>
            <span className="chip-text">{v}</span>
            <button type="button" aria-label={`Remove ${label.toLowerCase()} ${v}`} onClick={() => remove(v)}>
              ×
            </button>
          </span>
        ))}
        <input
          id={id}
          className="input"
          value={draft}
          list={listId}
          autoComplete="off"
          placeholder={values.length ? '+' : placeholder}
          onChange={onInput}
          onKeyDown={onKeyDown}
          onBlur={() => draft.trim() && add(draft)}
        />
      </div>
      {listId && (
        <datalist id={listId}>
          {offered.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      )}
    </div>
  );
}
