import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { login, useTheme, type Theme } from './helpers.ts';

/**
 * Issue 8, "pages": units and time zones, the sessions list, unknown pages, the sign-in page's
 * setup hints and the overview's first paint. The browser runs in New York so "local" (UTC−5 in
 * winter, −4 in summer) differs from UTC.
 */
test.use({ timezoneId: 'America/New_York' });

const SHOTS = process.env.PAGES_SHOTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shots', 'pages');
async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

const NY = /UTC−[45]/;
const zoneToggle = (page: Page) => page.getByTestId('zone-toggle');

test.describe('signed in', () => {
  test.beforeEach(async ({ page }) => {
    await login(page);
  });

  test('times carry their zone, and the UTC/local switch is in the top bar, keyboard-operable and persisted', async ({ page }) => {
    await page.goto('/traces');
    const table = page.getByTestId('trace-table');
    await expect(table.locator('tbody tr[data-trace-id]').first()).toBeVisible();
    // Local by default, labelled.
    await expect(table.locator('thead th').first()).toHaveText(NY);
    const cell = table.locator('tbody tr[data-trace-id] td').first();
    const localText = await cell.innerText();
    await expect(cell).toHaveAttribute('title', NY);

    // Switch with the keyboard: focus the UTC button and press Enter.
    const utc = zoneToggle(page).getByRole('button', { name: 'UTC', exact: true });
    await utc.focus();
    await page.keyboard.press('Enter');
    await expect(utc).toHaveAttribute('aria-pressed', 'true');
    await expect(table.locator('thead th').first()).toHaveText(/\(UTC\)/);
    await expect(cell).toHaveAttribute('title', / UTC$/);
    const utcText = await cell.innerText();
    expect(utcText).not.toBe(localText);
    // The wall clock moved by the zone's offset (4 or 5 hours).
    const hour = (t: string) => Number(/(\d{2}):\d{2}:\d{2}/.exec(t)![1]);
    expect([4, 5]).toContain((hour(utcText) - hour(localText) + 24) % 24);

    // Persisted: a reload (server render) keeps UTC.
    await page.reload();
    await expect(table.locator('thead th').first()).toHaveText(/\(UTC\)/);
    await expect(zoneToggle(page).getByRole('button', { name: 'UTC', exact: true })).toHaveAttribute('aria-pressed', 'true');

    // The trace header's start time says its zone too.
    await table.locator('tbody tr[data-trace-id] td').first().click();
    await expect(page.getByTestId('trace-header')).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC(?![+−])/);

    // Back to local.
    await zoneToggle(page).getByRole('button', { name: /^Local/ }).click();
    await expect(page.getByTestId('trace-header')).toContainText(NY);
  });

  test('the latency axis names one unit and its ticks are plain numbers in it; no "ms" under seconds', async ({ page }) => {
    await page.goto('/');
    const panel = page.getByTestId('chart-latency');
    const chart = panel.locator('svg.recharts-surface');
    await expect(chart.first()).toBeVisible();
    const yLabel = panel.locator('.recharts-yAxis .recharts-label, .recharts-label').filter({ hasText: /^(ms|s|min|h)$/ });
    await expect(yLabel).toHaveCount(1);
    const unit = ((await yLabel.textContent()) ?? '').trim();
    await expect(panel.locator('.panel-header .unit')).toHaveText(`trace duration, ${unit}`);
    const ticks = await panel.locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    for (const t of ticks) expect(t.trim()).toMatch(/^[\d.]+$/);
    // The x-axis says which zone its clock times are in.
    await expect(panel.locator('.recharts-label').filter({ hasText: NY })).toHaveCount(1);
    // The p50 tile does not claim "ms" under a value in seconds.
    await expect(page.getByTestId('kpis')).not.toContainText('median, ms');
  });

  test('durations in upper-cased titles keep their case ("total 1.2s", never "1.2S" or "1M 03S")', async ({ page }) => {
    await page.goto('/traces?sort=durationMs');
    await page.getByTestId('trace-table').locator('tbody tr[data-trace-id] td').first().click();
    const title = page.getByTestId('critical-path').locator('.section-title');
    await expect(title).toBeVisible();
    // innerText applies text-transform, as the reader sees it.
    const text = await title.innerText();
    expect(text).toMatch(/TOTAL (\d+(\.\d+)?(µs|ms|s)|\d+m \d{2}s|\d+h \d{2}m)\)$/);
  });

  test('/sessions lists sessions with their numbers, links each to its session view, and has a nav link', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await expect(page).toHaveURL(/\/sessions(\?|$)/);
    const table = page.getByTestId('sessions-table');
    const rows = table.locator('tbody tr[data-session-id]');
    await expect(rows.first()).toBeVisible();
    await expect(page.getByTestId('sessions-total')).toHaveText(/^[\d,]+ sessions? with activity in last 24 hours$/);
    await expect(table.locator('thead')).toContainText(NY);
    const first = rows.first();
    const id = (await first.getAttribute('data-session-id'))!;
    // The traces count links to the explorer filtered by the session.
    await expect(first.locator('td').nth(3).getByRole('link')).toHaveAttribute('href', new RegExp(`sessionId=${encodeURIComponent(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await first.getByRole('link', { name: id }).click();
    await expect(page).toHaveURL(new RegExp(`/sessions/${encodeURIComponent(id)}`));
    await expect(page.getByTestId('session-summary')).toBeVisible();

    // A filter that matches nothing shows the empty state, not a blank table.
    await page.goto('/sessions?q=no-such-session-anywhere');
    await expect(page.getByTestId('sessions-empty')).toBeVisible();
  });

  test('an unknown page keeps the app header and navigation, answering 404', async ({ page }) => {
    const res = await page.goto('/no-such-page/at-all');
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Overview', 'Traces', 'Sessions', 'Settings']) await expect(nav.getByRole('link', { name })).toBeVisible();
    await nav.getByRole('link', { name: 'Traces' }).click();
    await expect(page).toHaveURL(/\/traces/);
  });

  test('the overview paints the shell and a skeleton at once, then KPIs; never a blank page', async ({ page }) => {
    // Structure, not time (timings are logged for the report): the document itself — before any
    // script runs — carries the app shell, the loading skeleton, and then the KPIs with their
    // numbers (the overview query starts on the server with the request, not after hydration).
    const html = await (await page.request.get('/')).text();
    const nav = html.indexOf('aria-label="Main"');
    const skeleton = html.indexOf('data-testid="page-loading"');
    const kpis = html.search(/data-testid="kpi-requests"[^]*?\d+(<!-- -->)? traces</);
    expect(nav).toBeGreaterThan(-1);
    expect(skeleton).toBeGreaterThan(nav);
    expect(kpis).toBeGreaterThan(skeleton);

    const timings: number[] = [];
    let requestsFromBrowser = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/trpc/overview.get')) requestsFromBrowser++;
    });
    for (let i = 0; i < 3; i++) {
      await page.goto('about:blank');
      const t0 = Date.now();
      await page.goto('/', { waitUntil: 'commit' });
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      await expect(page.getByTestId('kpi-requests').locator('.kpi-sub')).toHaveText(/^[\d,]+ traces$/);
      timings.push(Date.now() - t0);
    }
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
    console.log(`overview: first contentful paint ${Math.round(fcp)} ms; KPIs visible after ${timings.join(', ')} ms (navigation start → numbers)`);
    expect(fcp).toBeGreaterThan(0);
    // The browser did not fetch the overview again after hydration: the server's result was used.
    expect(requestsFromBrowser).toBe(0);
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    test(`screenshots in the ${theme} theme, UTC and local`, async ({ page }) => {
      await useTheme(page, theme);
      for (const zone of ['local', 'utc'] as const) {
        await page.goto('/');
        await zoneToggle(page).getByRole('button', { name: zone === 'utc' ? 'UTC' : /^Local/, exact: zone === 'utc' }).click();
        await expect(page.getByTestId('kpi-requests').locator('.kpi-sub')).toHaveText(/traces$/);
        await expect(page.getByTestId('chart-latency').locator('svg.recharts-surface').first()).toBeVisible();
        await shot(page, `overview-${theme}-${zone}`);
        await page.goto('/sessions');
        await expect(page.getByTestId('sessions-table').locator('tbody tr[data-session-id]').first()).toBeVisible();
        await shot(page, `sessions-${theme}-${zone}`);
        await page.goto('/traces?sort=durationMs');
        await page.getByTestId('trace-table').locator('tbody tr[data-trace-id] td').first().click();
        await expect(page.getByTestId('critical-path')).toBeVisible();
        await shot(page, `trace-${theme}-${zone}`);
      }
      await page.goto('/no-such-page');
      await shot(page, `not-found-${theme}`);
    });
  }
});

test('the sign-in page shows no first-run setup hint once an admin exists', async ({ page }) => {
  // global setup's server was started with PLUMB_ADMIN_EMAIL / _PASSWORD: an admin exists.
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText('PLUMB_ADMIN_EMAIL')).toHaveCount(0);
  await expect(page.getByTestId('setup-hint')).toHaveCount(0);
  await shot(page, 'login');
});
