import { expect, test, type Page } from '@playwright/test';
import { expectTheme, login, parseInteger, screenshot, sentWorkload, useTheme, type Theme } from './helpers.ts';

const TENANT = 'globex';

/** The distinct tenant cells of the rows shown (after loading finished). */
async function shownTenants(page: Page): Promise<string[]> {
  const cells = page.getByTestId('trace-table').locator('tbody tr[data-trace-id] [data-testid="cell-tenant"]');
  return [...new Set((await cells.allInnerTexts()).map((t) => t.trim()))].sort();
}

test('filtering by tenant narrows every row, lives in the URL and survives a reload', async ({ page }) => {
  await login(page);
  await page.goto('/traces');
  const rows = page.getByTestId('trace-table').locator('tbody tr[data-trace-id]');
  await expect(rows.first()).toBeVisible();
  // Unfiltered, the demo spreads traffic over several tenants.
  expect((await shownTenants(page)).length).toBeGreaterThan(1);

  const tenantInput = page.getByTestId('filters').getByLabel('Tenant', { exact: true });
  await tenantInput.fill(TENANT);
  await tenantInput.press('Enter');

  await expect(page).toHaveURL(new RegExp(`[?&]tenant=${TENANT}(&|$)`));
  await expect.poll(() => shownTenants(page)).toEqual([TENANT]);
  const filteredCount = await rows.count();
  expect(filteredCount).toBeGreaterThan(0);

  await page.reload();
  await expect(page).toHaveURL(new RegExp(`[?&]tenant=${TENANT}(&|$)`));
  await expect(page.getByTestId('filters').getByRole('button', { name: `Remove tenant ${TENANT}` })).toBeVisible();
  await expect(rows.first()).toBeVisible();
  expect(await shownTenants(page)).toEqual([TENANT]);
  await expect(rows).toHaveCount(filteredCount);

  // Clearing the filter brings the other tenants back and drops the key from the URL.
  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(page).not.toHaveURL(/[?&]tenant=/);
  await expect.poll(async () => (await shownTenants(page)).length).toBeGreaterThan(1);
});

test('clicking a tenant cell applies it as a filter', async ({ page }) => {
  await login(page);
  await page.goto('/traces');
  const cell = page.getByTestId('cell-tenant').getByRole('button', { name: TENANT, exact: true }).first();
  await cell.click();
  await expect(page).toHaveURL(new RegExp(`[?&]tenant=${TENANT}(&|$)`));
  await expect(page.getByTestId('filters').getByRole('button', { name: `Remove tenant ${TENANT}` })).toBeVisible();
  await expect.poll(() => shownTenants(page)).toEqual([TENANT]);
});

/** The first integer of a summary item ("12 (10.0%)" → 12); -1 while it loads, so polls keep polling. */
async function summaryNumber(page: Page, id: string): Promise<number> {
  const m = /[\d,]+/.exec(await page.getByTestId(id).locator('.value').innerText());
  return m ? parseInteger(m[0]) : -1;
}

test('the summary answers for every trace of the filter, not just the page', async ({ page }) => {
  const sent = sentWorkload();
  await login(page);
  await page.goto('/traces');
  await expect.poll(() => summaryNumber(page, 'summary-traces'), { timeout: 30_000 }).toBe(sent.traces);
  // More traces than one page holds: the summary is over all of them.
  await expect(page.getByTestId('trace-table').locator('tbody tr[data-trace-id]')).toHaveCount(50);
  for (const id of ['summary-p50', 'summary-p95']) await expect(page.getByTestId(id).locator('.value')).toHaveText(/\d/);
  await expect(page.getByTestId('summary-cost').locator('.value')).toHaveText(/\$|unpriced/);
  await expect(page.getByTestId('summary-cost').locator('.value')).not.toHaveText('$0.00');
  await expect(page.getByTestId('summary-tokens').locator('.value')).toHaveText(/in · .* out/);
  const failed = await summaryNumber(page, 'summary-failed');
  expect(failed).toBeGreaterThan(0);

  // Filtered by status=error (its link): the count is the failed count, every one failed.
  await page.getByTestId('summary-failed').getByRole('link').click();
  await expect(page).toHaveURL(/[?&]status=error/);
  await expect.poll(() => summaryNumber(page, 'summary-traces')).toBe(failed);
  await expect(page.getByTestId('summary-recovered').locator('.value')).toHaveText('0');
});

// Root status beside the error count: errors all recovered (a retried call succeeded) ≠ a failed request.
test('a trace whose errors were all recovered is not shown like a failed one; errors and tokens sort', async ({ page }) => {
  await login(page);
  await page.goto('/traces?status=ok&sort=errorCount');
  const firstErrors = page.getByTestId('trace-table').locator('tbody tr[data-trace-id]').first().getByTestId('cell-errors');
  const recovered = firstErrors.locator('.badge');
  await expect(recovered).toHaveAttribute('data-status', 'recovered');
  await expect(recovered).toHaveText(/^\d+ errors? · recovered$/);
  await expect(recovered).not.toHaveClass(/is-error/);

  await page.goto('/traces?status=error');
  const failed = page.getByTestId('trace-table').locator('tbody tr[data-trace-id]').first().getByTestId('cell-errors').locator('.badge');
  await expect(failed).toHaveAttribute('data-status', 'failed');
  await expect(failed).toHaveClass(/is-error/);

  // Headers sort by errors and by tokens (descending first), through the URL.
  await page.goto('/traces');
  const table = page.getByTestId('trace-table');
  await table.getByRole('button', { name: /^Tokens/ }).click();
  await expect(page).toHaveURL(/[?&]sort=totalTokens/);
  await expect(table.locator('th[aria-sort="descending"]')).toHaveText(/Tokens/);
  await table.getByRole('button', { name: /^Errors/ }).click();
  await expect(page).toHaveURL(/[?&]sort=errorCount/);
  const counts = async () => (await table.locator('tbody tr[data-trace-id] [data-testid="cell-errors"]').allInnerTexts()).map((t) => Number(/^\d+/.exec(t.replace(/,/g, ''))?.[0] ?? 0));
  await expect.poll(async () => {
    const c = await counts();
    return c.length > 0 && c.every((v, i) => i === 0 || c[i - 1]! >= v);
  }).toBe(true);
});

// Screenshots for a human to look at (e2e/screenshots/, not compared against baselines).
for (const theme of ['light', 'dark'] as const satisfies readonly Theme[]) {
  test(`screenshots of the filtered overview and the explorer summary, ${theme}`, async ({ page }) => {
    await login(page);
    await useTheme(page, theme);
    await page.goto('/?tenant=globex&tenant=acme&environment=demo');
    await expectTheme(page, theme);
    await expect(page.getByTestId('overview-filters').getByRole('button', { name: 'Remove tenant acme' })).toBeVisible();
    await expect(page.locator('.skeleton')).toHaveCount(0, { timeout: 20_000 });
    await screenshot(page, 'overview-filtered', theme);

    await page.goto('/traces?tenant=globex&sort=errorCount');
    await expect(page.getByTestId('trace-table').locator('tbody tr[data-trace-id]').first()).toBeVisible();
    await expect(page.locator('.skeleton')).toHaveCount(0, { timeout: 20_000 });
    await screenshot(page, 'explorer-summary', theme);
  });
}
