import { expect, test, type Page } from '@playwright/test';
import { login, screenshot, sentWorkload, useTheme } from './helpers.ts';

/**
 * Issue 10, the /latency page: percentiles by a dimension (counts checked against what was
 * sent), a heatmap region → its traces (mouse and keyboard) → the trace page, throughput and
 * saturation, LLM API health, the Regression tab slot, and screenshots in both themes.
 */

async function seriesRows(page: Page) {
  const rows = page.getByTestId('latency-series-row');
  await expect(rows.first()).toBeVisible();
  return rows;
}

test.describe('latency page', () => {
  test.beforeEach(async ({ page }) => {
    await login(page);
  });

  test('all requests: the count equals the traces sent; every percentile is shown with a unit', async ({ page }) => {
    const sent = sentWorkload();
    await page.goto('/latency');
    const rows = await seriesRows(page);
    await expect(rows).toHaveCount(1);
    const cells = rows.first().locator('td');
    await expect(cells.nth(1)).toHaveText(String(sent.traces));
    for (let i = 2; i <= 5; i++) await expect(cells.nth(i)).toHaveText(/^\d[\d.]*(µs|ms|s)$|^\dm \d\ds$/);
    // Four lines (p50/p90/p95/p99) and a duration unit on the axis.
    const panel = page.getByTestId('latency-percentiles');
    await expect(panel.locator('.recharts-legend-item')).toHaveCount(4);
    await expect(panel.locator('.recharts-label').filter({ hasText: /^(ms|s|min|h)$/ })).toHaveCount(1);
    // The Regression tab is the latency-regression view's slot.
    await expect(page.getByTestId('latency-regression-tab')).toHaveAttribute('href', /^\/latency\/regression/);
  });

  test('regression view without a baseline says so instead of ranking every segment as new', async ({ page }) => {
    // The e2e workload is live traffic only: the default baseline (the same hour a week earlier)
    // is empty. Stage rows appear within ~30 s of the requests (the worker's stages job).
    await expect
      .poll(async () => {
        await page.goto('/latency/regression');
        await expect(page.getByTestId('regression-kpis')).toBeVisible();
        return page.getByTestId('regression-empty-baseline').isVisible();
      }, { timeout: 90_000, intervals: [2_000, 5_000] })
      .toBe(true);
    await expect(page.getByTestId('regression-empty-baseline')).toContainText('No requests in the baseline window');
    await expect(page.getByTestId('regression-p95-change')).toContainText('no CI');
    await expect(page.getByTestId('regression-dimension')).toHaveCount(0);
  });

  test('grouped by model: one row per model of the model calls, a row filters the page', async ({ page }) => {
    await page.goto('/latency?by=model');
    const rows = await seriesRows(page);
    const n = await rows.count();
    expect(n).toBeGreaterThan(1);
    const keys = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    expect(keys).toContain('gpt-4o-mini');
    // p95 per model, and the chart draws one line per model.
    await expect(page.getByTestId('latency-percentiles').locator('.recharts-legend-item')).toHaveCount(n);
    const first = rows.first();
    const model = (await first.getAttribute('data-key'))!;
    await first.locator('td').first().getByRole('button').click();
    await expect(page).toHaveURL(new RegExp(`f\\.model=${encodeURIComponent(model).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await expect(page.getByTestId('latency-filters')).toContainText(model);
    await expect(page.getByTestId('latency-series-row')).toHaveCount(1);
    // The count links to the explorer filtered by that model.
    await expect(page.getByTestId('latency-series-row').first().locator('td').nth(1).getByRole('link')).toHaveAttribute('href', /\/traces\?.*model=/);
  });

  test('a heatmap region lists its traces, which open the trace view', async ({ page }) => {
    const sent = sentWorkload();
    await page.goto('/latency');
    const grid = page.getByTestId('latency-heatmap');
    await expect(grid).toBeVisible();
    const box = (await grid.boundingBox())!;
    // Drag across the whole grid: every request of the window.
    await page.mouse.move(box.x + 1, box.y + 1);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width - 1, box.y + box.height - 1, { steps: 4 });
    await page.mouse.up();
    const region = page.getByTestId('latency-region');
    await expect(region).toContainText(`${sent.traces} spans`);
    const regionRows = region.getByTestId('latency-region-row');
    await expect(regionRows).toHaveCount(Math.min(25, sent.traces));
    await expect(region.getByRole('link', { name: /Open in explorer/ })).toHaveAttribute('href', /\/traces\?.*from=/);
    const link = regionRows.first().getByRole('link');
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^\/traces\/[0-9a-f]{32}\?span=/);
    await link.click();
    await expect(page).toHaveURL(/\/traces\/[0-9a-f]{32}/);
    await expect(page.getByTestId('trace-header')).toBeVisible();
  });

  test('keyboard: focus the heatmap, move, Enter lists the traces of the cell', async ({ page }) => {
    await page.goto('/latency');
    const grid = page.getByTestId('latency-heatmap');
    await grid.focus();
    // Up the duration rows until a non-empty cell is under the cursor is not knowable here; select
    // a wide region instead: Shift+Right across time and Shift+Up across durations.
    for (let i = 0; i < 80; i++) await page.keyboard.press('Shift+ArrowRight');
    for (let i = 0; i < 40; i++) await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('latency-region-row').first()).toBeVisible();
    await page.keyboard.press('Escape');
  });

  test('throughput, saturation and LLM API health', async ({ page }) => {
    await page.goto('/latency');
    const sat = page.getByTestId('latency-saturation');
    await expect(sat.locator('.recharts-wrapper')).toHaveCount(4);
    await expect(sat).toContainText(/peak \d+ in flight/);
    const deps = page.getByTestId('latency-dependency-row');
    await expect(deps.first()).toBeVisible();
    const providers = await deps.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-provider')));
    expect(providers).toEqual(expect.arrayContaining(['openai', 'anthropic']));
    // The demo sends server.address on its model calls: endpoints are named.
    await expect(deps.filter({ hasText: 'openai' }).first()).toContainText(/api\.openai\.com/);
    await expect(page.getByTestId('latency-model-speed').locator('tbody tr').first()).toBeVisible();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`screenshot (${theme})`, async ({ page }) => {
      await useTheme(page, theme);
      await page.goto('/latency?by=model');
      await seriesRows(page);
      // Every panel drawn first, so the layout (and the grid's box) no longer moves.
      await expect(page.getByTestId('latency-dependency-row').first()).toBeVisible();
      await expect(page.getByTestId('latency-saturation').locator('.recharts-wrapper')).toHaveCount(4);
      const grid = page.getByTestId('latency-heatmap');
      await grid.scrollIntoViewIfNeeded();
      const box = (await grid.boundingBox())!;
      // The workload's few seconds are the last column of the window: select the right half.
      await page.mouse.move(box.x + box.width * 0.5, box.y + 1);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 1, box.y + box.height - 1, { steps: 4 });
      await page.mouse.up();
      await expect(page.getByTestId('latency-region-row').first()).toBeVisible();
      await expect(page.getByTestId('latency-dependency-row').first()).toBeVisible();
      await page.mouse.move(0, 0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'latency-explore', theme);
    });
  }
});
