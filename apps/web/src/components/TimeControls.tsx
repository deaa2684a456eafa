'use client';
import { useEffect, useRef, useState } from 'react';
import {
  describeTimeRange,
  fromZoneInput,
  PRESET_LABELS,
  RANGE_PRESETS,
  REFRESH_OPTIONS,
  toZoneInput,
  type RefreshValue,
} from '@/lib/time-range';
import { useTimeRange } from './TimeRangeContext';
import { useZone } from './TimeZoneContext';

/** Time-range picker (presets + custom from/to), auto-refresh selector and a refresh button. */
export function TimeControls() {
  return (
    <div className="topbar-tools">
      <TimeRangePicker />
      <RefreshPicker />
    </div>
  );
}

export function TimeRangePicker() {
  const { range, fromMs, toMs, setRange } = useTimeRange();
  const { zone, label: zoneText } = useZone();
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const anchor = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    setFrom(toZoneInput(fromMs, zone));
    setTo(toZoneInput(toMs, zone));
    const onDown = (e: MouseEvent) => {
      if (anchor.current && !anchor.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
    // Seed the custom inputs from the window shown when the popover opens.
  }, [open]); // eslint-disable-line react-hooks/exhaustive-deps

  const f = fromZoneInput(from, zone);
  const t = fromZoneInput(to, zone);
  const customValid = f !== null && t !== null && f < t;

  return (
    <div className="popover-anchor" ref={anchor}>
      <button type="button" className="btn" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen((o) => !o)} title="Time range">
        <ClockIcon /> {describeTimeRange(range, zone)} <span className="faint">▾</span>
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Time range">
          <div role="menu">
            {RANGE_PRESETS.map((p) => (
              <button
                key={p}
                type="button"
                role="menuitemradio"
                aria-checked={range.kind === 'preset' && range.preset === p}
                className="menu-item"
                onClick={() => {
                  setRange({ kind: 'preset', preset: p });
                  setOpen(false);
                }}
              >
                <span>{PRESET_LABELS[p]}</span>
                <span className="faint mono">{p}</span>
              </button>
            ))}
          </div>
          <hr />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!customValid) return;
              setRange({ kind: 'absolute', fromMs: f, toMs: t });
              setOpen(false);
            }}
            style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
          >
            <div className="field">
              <label htmlFor="tr-from">From ({zoneText})</label>
              <input id="tr-from" className="input" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} style={{ width: '100%' }} />
            </div>
            <div className="field">
              <label htmlFor="tr-to">To ({zoneText})</label>
              <input id="tr-to" className="input" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} style={{ width: '100%' }} />
            </div>
            {!customValid && from && to && <div className="error-text">“From” must be before “To”.</div>}
            <button type="submit" className="btn btn-primary" disabled={!customValid}>
              Apply custom range
            </button>
          </form>
        </div>
      )}
    </div>
  );
}

export function RefreshPicker() {
  const { refresh, setRefresh, refreshNow } = useTimeRange();
  return (
    <div style={{ display: 'inline-flex', gap: 4, alignItems: 'center' }}>
      <button type="button" className="btn" onClick={refreshNow} title="Refresh now">
        ↻
      </button>
      <label className="visually-hidden" htmlFor="auto-refresh">
        Auto-refresh
      </label>
      <select
        id="auto-refresh"
        className="select"
        value={refresh}
        onChange={(e) => setRefresh(e.target.value as RefreshValue)}
        title="Auto-refresh interval"
      >
        {REFRESH_OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.value === 'off' ? 'Auto-refresh off' : `Every ${o.label}`}
          </option>
        ))}
      </select>
    </div>
  );
}

function ClockIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}
