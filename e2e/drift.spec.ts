import { expect, test, type Page } from '@playwright/test';
import { DRIFT_MODELS, driftBodies } from './drift-data.ts';
import { login, screenshot, type Theme, useTheme } from './helpers.ts';
import { E2E } from './playwright.config.ts';



test.describe.configure({ mode: 'serial' });

test.describe('Drift and Quality', () => {
  test.beforeAll(async ({ request }) => {
    for (const body of driftBodies(Date.now())) {
      const r = await request.post(`http://127.0.0.1:${E2E.collectorPort}/v1/traces`, { headers: { 'content-type': 'application/json' }, data: body });
      expect(r.status(), await r.text()).toBe(200);
    }
  });

  test('a monitor on the canary output length is flagged and the moved bins are highlighted', async ({ page }) => {
    await login(page);
    await page.goto('/drift');
    await expect(page.getByRole('heading', { name: 'Drift' })).toBeVisible();
    await page.getByTestId('drift-new').click();
    const form = page.getByTestId('drift-form');
    await form.getByLabel('Name').fill('Canary output length');
    await form.getByLabel('Slice: served model (optional)').fill(DRIFT_MODELS.canary);
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByTestId('drift-detail')).toContainText('Canary output length');
    // Spans may still be on their way to the store: evaluate until the reference week is there.
    await expect(async () => {
      await page.getByTestId('drift-evaluate').click();
      await expect(page.getByTestId('drift-verdict')).toHaveText(/drift|critical/, { timeout: 3000 });
    }).toPass({ timeout: 45_000 });
    const moved = page.locator('[data-testid="drift-bins"] tr[data-moved="true"]');
    expect(await moved.count()).toBeGreaterThan(0);
    await expect(moved.first()).toHaveClass(/is-moved/);
    await expect(moved.first()).toContainText('moved');
    // The list shows the monitor flagged.
    await expect(page.getByTestId('drift-monitor').filter({ hasText: 'Canary output length' })).toHaveAttribute('data-flagged', 'true');

    // A categorical monitor on finish reason: `length` is a value the reference never had.
    await page.getByTestId('drift-new').click();
    await form.getByLabel('Name').fill('Finish reason');
    await form.getByRole('combobox', { name: 'Feature type' }).selectOption('categorical');
    await form.getByRole('combobox', { name: 'Feature', exact: true }).selectOption('finish_reason');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByTestId('drift-detail')).toContainText('Finish reason');
    await page.getByTestId('drift-evaluate').click();
    await expect(page.getByTestId('drift-verdict')).toHaveText(/drift|critical/);
    await expect(page.locator('[data-testid="drift-bins"] tr[data-moved="true"]').filter({ hasText: '(unseen)' })).toHaveCount(1);
  });

  test('the quality page compares the two versions with significance tests', async ({ page }) => {
    await login(page);
    await page.goto(`/quality?range=24h&a=${DRIFT_MODELS.stable}&b=${DRIFT_MODELS.canary}`);
    await expect(page.locator(`[data-testid="quality-row"][data-version="${DRIFT_MODELS.canary}"]`)).toBeVisible();
    const compare = page.getByTestId('compare-table');
    await expect(compare.locator('tr', { hasText: 'Output tokens per call' })).toHaveAttribute('data-significant', 'true');
    await expect(compare.locator('tr', { hasText: 'Truncation rate' })).toHaveAttribute('data-significant', 'true');
    await expect(compare.locator('tr', { hasText: 'Error rate' }).first()).toHaveAttribute('data-significant', 'false');
    // The semantic-layer panels: the judge's helpfulness per served model (the canary's truncated
    // answers score low) and finish-reason rates over time.
    const scoreRow = (v: string) => page.locator(`[data-testid="quality-score-row"][data-score="helpfulness"][data-version="${v}"]`);
    await expect(scoreRow(DRIFT_MODELS.canary)).toBeVisible();
    const avg = async (v: string) => Number(await scoreRow(v).getByTestId('score-avg').textContent());
    expect(await avg(DRIFT_MODELS.canary)).toBeLessThan(await avg(DRIFT_MODELS.stable) - 0.1);
    // (A flat 0 % line has an empty bounding box, so the lines are checked as drawn, not "visible".)
    const finish = page.getByTestId('quality-finish-series');
    await expect(finish.locator('.recharts-legend-wrapper')).toContainText(DRIFT_MODELS.canary);
    await expect(finish.locator('path.recharts-line-curve').first()).toBeAttached();
  });

  for (const theme of ['dark', 'light'] as const) {
    test(`screenshots (${theme})`, async ({ page }) => {
      await useTheme(page, theme);
      await login(page);
      await page.goto('/drift');
      await page.getByTestId('drift-monitor').filter({ hasText: 'Canary output length' }).click();
      await expect(page.getByTestId('drift-bins')).toBeVisible();
      await screenshot(page, 'drift', theme);
      await page.goto(`/quality?range=24h&a=${DRIFT_MODELS.stable}&b=${DRIFT_MODELS.canary}`);
      await expect(page.getByTestId('compare-table')).toBeVisible();
      await screenshot(page, 'quality', theme);
    });
  }
});
