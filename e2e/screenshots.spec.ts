import { expect, test, type Page } from '@playwright/test';
import { expectTheme, login, screenshot, useTheme, type Theme } from './helpers.ts';

/**
 * Screenshots of the main views in both themes, written to e2e/screenshots/<view>-<theme>.png
 * for a human to look at (they are not compared against baselines).
 */

test('the theme toggle cycles Auto → Dark → Light and the choice survives a reload', async ({ page }) => {
  await login(page);
  await page.goto('/');
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAccessibleName('Theme: Auto');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);
  await toggle.click();
  await expectTheme(page, 'dark');
  await toggle.click();
  await expectTheme(page, 'light');
  await page.reload();
  await expectTheme(page, 'light');
  await expect(toggle).toHaveAccessibleName('Theme: Light');
  // The pinned theme changes the page's actual colours, not just the attribute.
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await toggle.click(); // → Auto
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(light);
});

async function settled(page: Page): Promise<void> {
  await expect(page.locator('.skeleton')).toHaveCount(0, { timeout: 20_000 });
}

for (const theme of ['light', 'dark'] as const satisfies readonly Theme[]) {
  test(`screenshots in the ${theme} theme`, async ({ page }) => {
    await login(page);
    await useTheme(page, theme);

    await page.goto('/');
    await expectTheme(page, theme);
    await expect(page.getByTestId('chart-cost').locator('svg.recharts-surface').first()).toBeVisible();
    await settled(page);
    await screenshot(page, 'overview', theme);

    await page.goto('/traces?status=error&sort=costUsd');
    const row = page.getByTestId('trace-table').locator('tbody tr[data-trace-id]').first();
    await expect(row).toBeVisible();
    await settled(page);
    await screenshot(page, 'explorer', theme);

    const traceId = await row.getAttribute('data-trace-id');
    await page.goto(`/traces/${traceId}`);
    await expect(page.getByTestId('waterfall')).toBeVisible();
    await settled(page);
    await screenshot(page, 'trace-waterfall', theme);

    // With a span selected: the detail panel replaces the critical-path sidebar.
    // The `e` shortcut selects the failure origin (the banner button does not: see trace.spec.ts).
    await page.keyboard.press('e');
    await expect(page.getByTestId('span-detail')).toBeVisible();
    await settled(page);
    await screenshot(page, 'trace-span-detail', theme);

    await page.goto(`/traces/${traceId}?tab=graph`);
    await expect(page.getByTestId('agent-graph')).toBeVisible();
    await settled(page);
    await screenshot(page, 'trace-graph', theme);

    // A trace with a self-hosted (unpriced) model: every cost must say "unpriced", never $0.
    await page.goto(`/traces?model=${encodeURIComponent('meta-llama/Llama-3.1-8B-Instruct')}&sort=costUsd`);
    const unpriced = page.getByTestId('trace-table').locator('tbody tr[data-trace-id]').first();
    await expect(unpriced).toBeVisible();
    await page.goto(`/traces/${await unpriced.getAttribute('data-trace-id')}?tab=graph`);
    await expect(page.getByTestId('agent-graph')).toBeVisible();
    await settled(page);
    await screenshot(page, 'trace-graph-unpriced', theme);
  });
}
