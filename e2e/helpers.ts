import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { E2E } from './playwright.config.ts';

/** What global-setup sent to the collector (E2E_DATA_DIR/sent.json). */
export interface SentWorkload {
  demoTraces: number;
  demoSpans: number;
  /** Demo traces + the probe trace. */
  traces: number;
  spans: number;
}

export function sentWorkload(): SentWorkload {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set');
  return JSON.parse(readFileSync(join(dir, 'sent.json'), 'utf8')) as SentWorkload;
}

export type Theme = 'light' | 'dark';
const THEME_COOKIE = 'plumb_theme';

/** Signs in through the API (the cookie lands in the page's browser context). */
export async function login(page: Page): Promise<void> {
  const res = await page.request.post('/api/auth/login', { data: { email: E2E.email, password: E2E.password } });
  expect(res.status(), await res.text()).toBe(200);
}

/** Pins the theme the way the toggle does (cookie, read at render) and matches the OS scheme to it. */
export async function useTheme(page: Page, theme: Theme): Promise<void> {
  await page.context().addCookies([{ name: THEME_COOKIE, value: theme, url: `http://127.0.0.1:${E2E.webPort}/`, sameSite: 'Lax' }]);
  await page.emulateMedia({ colorScheme: theme });
}

export async function expectTheme(page: Page, theme: Theme): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** Parses "1,234" / "1.2k"-free integers shown by formatInteger. */
export function parseInteger(text: string): number {
  const digits = text.replace(/[^\d]/g, '');
  if (!digits) throw new Error(`no integer in ${JSON.stringify(text)}`);
  return Number(digits);
}

/** "$12.34" / "$0.0012" / "<$0.01" → dollars (upper bound for "<"). */
export function parseUsd(text: string): number {
  const m = /\$\s*([\d,]*\.?\d+)/.exec(text);
  if (!m) throw new Error(`no USD amount in ${JSON.stringify(text)}`);
  return Number(m[1]!.replace(/,/g, ''));
}

/** Where every spec's screenshots go: PLUMB_SHOTS_DIR, else e2e/screenshots (gitignored). */
export const SCREENSHOT_DIR = process.env.PLUMB_SHOTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

/** Full-page screenshot at SCREENSHOT_DIR/<name>-<theme>.png after fonts and layout settle. */
export async function screenshot(page: Page, name: string, theme: Theme): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${theme}.png`), fullPage: true, animations: 'disabled' });
}
