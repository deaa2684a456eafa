/**
 * Theme choice: 'system' follows prefers-color-scheme; 'light' / 'dark' are pinned. Persisted in a
 * cookie (not localStorage) so the server renders <html data-theme> and the first paint is right.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_COOKIE = 'plumb_theme';
const ONE_YEAR_S = 365 * 86_400;

export function parseTheme(value: string | undefined | null): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** Client only: applies and persists the choice. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') {
    delete root.dataset.theme;
    document.cookie = `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax`;
  } else {
    root.dataset.theme = choice;
    document.cookie = `${THEME_COOKIE}=${choice}; path=/; max-age=${ONE_YEAR_S}; samesite=lax`;
  }
}

export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'dark' : choice === 'dark' ? 'light' : 'system';
}
