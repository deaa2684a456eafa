import { expect, test, type Page } from '@playwright/test';
import { login } from './helpers.ts';

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
  await expect(tenantInput).toHaveValue(TENANT);
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
  await expect(page.getByTestId('filters').getByLabel('Tenant', { exact: true })).toHaveValue(TENANT);
  await expect.poll(() => shownTenants(page)).toEqual([TENANT]);
});
