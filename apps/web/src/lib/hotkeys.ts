'use client';
import { useEffect, useRef } from 'react';

export type HotkeyMap = Record<string, (event: KeyboardEvent) => void>;

/** True when typing in a field, where single-letter shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit'].includes(type);
}

/**
 * Page-level single-key shortcuts. Keys are KeyboardEvent.key values ('j', '/', 'Enter',
 * 'Escape', '?'). Ignored while typing in a field (Escape excepted) and with Ctrl/Meta/Alt held,
 * so browser shortcuts keep working. The map may change every render.
 */
export function useHotkeys(map: HotkeyMap, enabled = true): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (isTypingTarget(event.target) && event.key !== 'Escape') return;
      // Enter on a focused link or button is that control's own activation.
      if (event.key === 'Enter' && event.target instanceof HTMLElement && event.target.closest('a,button')) return;
      const handler = ref.current[event.key];
      if (!handler) return;
      handler(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
