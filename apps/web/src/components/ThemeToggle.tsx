'use client';
import { useState } from 'react';
import { applyTheme, nextTheme, type ThemeChoice } from '@/lib/theme';

const LABEL: Record<ThemeChoice, string> = { system: 'Auto', dark: 'Dark', light: 'Light' };
const ICON: Record<ThemeChoice, string> = { system: '◐', dark: '☾', light: '☀' };

/** Cycles Auto (OS) → Dark → Light. The server passes the cookie value so the first render matches. */
export function ThemeToggle({ initial }: { initial: ThemeChoice }) {
  const [choice, setChoice] = useState<ThemeChoice>(initial);
  return (
    <button
      type="button"
      className="btn btn-ghost"
      title={`Theme: ${LABEL[choice]} (click for ${LABEL[nextTheme(choice)]})`}
      aria-label={`Theme: ${LABEL[choice]}`}
      data-testid="theme-toggle"
      onClick={() => {
        const next = nextTheme(choice);
        applyTheme(next);
        setChoice(next);
      }}
    >
      <span aria-hidden="true">{ICON[choice]}</span> {LABEL[choice]}
    </button>
  );
}
