'use client';
import { useState } from 'react';
import { useHotkeys } from '@/lib/hotkeys';

const SHORTCUTS: [string, string][] = [
  ['?', 'Show / hide this help'],
  ['/', 'Focus the search box (trace explorer)'],
  ['j / k', 'Next / previous row or span'],
  ['Enter', 'Open the selected trace / span'],
  ['[ / ]', 'Previous / next page (trace explorer)'],
  ['h / l', 'Collapse / expand the selected span (waterfall)'],
  ['1 – 4', 'Trace view tabs: waterfall, agent graph, critical path, agents'],
  ['e', 'Jump to the failure-origin span (trace view)'],
  ['Esc', 'Close panel / leave the search box'],
];

/** The `?` overlay listing keyboard shortcuts; also reachable from the top bar. */
export function ShortcutHelp() {
  const [open, setOpen] = useState(false);
  useHotkeys({
    '?': () => setOpen((o) => !o),
    Escape: () => setOpen(false),
  });
  return (
    <div className="popover-anchor">
      <button type="button" className="btn btn-ghost" onClick={() => setOpen((o) => !o)} aria-expanded={open} title="Keyboard shortcuts (?)">
        <kbd>?</kbd>
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Keyboard shortcuts" style={{ width: 440 }}>
          <table className="table">
            <tbody>
              {SHORTCUTS.map(([k, v]) => (
                <tr key={k}>
                  <td style={{ width: 70 }}>
                    <kbd>{k}</kbd>
                  </td>
                  <td style={{ whiteSpace: 'normal', maxWidth: 'none' }}>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
