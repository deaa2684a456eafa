import { expect, test, type Page } from '@playwright/test';
import { expectTheme, login, parseUsd, screenshot, type Theme, useTheme } from './helpers.ts';

/**
 * Issue 9 in the browser: open Cost, group by tenant then model, drill into traces, add a price
 * for the demo's unknown self-hosted model and reprice, set a budget and see the forecast,
 * export CSV and check the file's total against the page, and the cost per bucket in span detail.
 */

/** An integer shown on the page; -1 while it is still loading (empty). */
const intOf = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, '') || -1);

function toPico(usd: string): bigint {
  const [i = '0', f = ''] = usd.split('.');
  return BigInt(i || '0') * 10n ** 12n + BigInt((f + '0'.repeat(12)).slice(0, 12));
}


test('cost: group, drill, export total = page total', async ({ page }) => {
  await login(page);
  await page.goto('/cost?range=24h&by=tenant&then=model');
  const total = page.getByTestId('cost-total');
  await expect(total).not.toContainText('$0', { timeout: 30_000 });
  await expect(page.getByTestId('cost-cell').first()).toBeVisible();
  const pageTotal = parseUsd((await total.locator('.kpi-value').textContent()) ?? '');

  // Export (the page's own link, with the session cookie) and add the file up.
  const href = await page.getByTestId('export-csv').getAttribute('href');
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  const lines = (await res.text()).trimEnd().split('\r\n');
  const at = lines[0]!.split(',').indexOf('BilledCost');
  const sum = lines.slice(1).reduce((a, l) => a + toPico(l.split(',')[at]!), 0n);
  // The page rounds to cents (or 3 significant digits); the file is exact.
  expect(Math.abs(Number(sum) / 1e12 - pageTotal)).toBeLessThan(Math.max(0.006, pageTotal * 0.001));

  // Unit economics per group: per model call (grouped by model) and per conversation (sessions).
  await expect(page.getByTestId('cost-per-request').first()).toContainText('$');
  await expect(page.getByTestId('cost-per-conversation').first()).toContainText('$', { timeout: 30_000 });
  await expect(page.getByTestId('unit-economics')).toContainText(/Cost per conversation\s*\$/);

  // Drill: a tenant × model cell opens the explorer filtered to both.
  await page.getByTestId('cost-cell').first().click();
  await expect(page).toHaveURL(/\/traces\?.*tenant=.*model=/);
});

test('cost: price the unknown model, reprice, budget', async ({ page }) => {
  await login(page);
  await page.goto('/cost?range=24h');
  const unpriced = page.getByTestId('cost-unpriced').locator('.kpi-value');
  await expect.poll(async () => intOf(await unpriced.textContent()), { timeout: 30_000 }).toBeGreaterThan(0);

  await page.goto('/cost/prices');
  await page.getByTestId('price-search').fill('openai/gpt-4o-mini');
  await expect(page.getByTestId('price-row').filter({ hasText: 'genai-prices:openai/gpt-4o-mini' }).first()).toContainText('0.15');
  const form = page.getByTestId('override-form');
  await form.locator('input[name=modelPattern]').fill('meta-llama/*');
  await form.locator('input[name=provider]').fill('vllm');
  await form.locator('input[name=id]').fill('llama-selfhosted');
  await form.locator('input[name=inputPerMTok]').fill('0.05');
  await form.locator('input[name=outputPerMTok]').fill('0.10');
  await page.getByTestId('save-override').click();
  await page.getByTestId('price-search').fill('llama');
  await expect(page.getByTestId('price-row').first()).toContainText('override:llama-selfhosted');

  await page.getByTestId('start-reprice').click();
  const log = page.getByTestId('reprice-log');
  await expect(log.locator('tbody tr').first()).toContainText('done', { timeout: 60_000 });
  await expect(log.locator('tbody tr').first().locator('td').last()).toHaveText(/→ 0$/);

  await page.goto('/cost?range=24h');
  await expect.poll(async () => intOf(await unpriced.textContent()), { timeout: 30_000 }).toBe(0);

  // The same self-hosted model priced per GPU-hour instead (never both: the token prices are
  // disabled): after a reprice its calls are neither token-priced nor unpriced; the self-hosted
  // GPU tile counts them (their spend is GPU-hours × GPU-hour prices, the GPUs page's split).
  await page.goto('/cost/prices');
  await form.locator('input[name=modelPattern]').fill('meta-llama/*');
  await form.locator('input[name=provider]').fill('vllm');
  await form.locator('input[name=id]').fill('llama-selfhosted');
  await form.getByTestId('override-unit').selectOption('gpu_hour');
  await expect(form.locator('input[name=inputPerMTok]')).toBeDisabled();
  await page.getByTestId('save-override').click();
  await page.getByTestId('price-search').fill('llama');
  await expect(page.getByTestId('price-row').first()).toContainText('per GPU-hour');
  // The log already holds the first run (done): wait for the new run's own row to finish.
  await expect(log.locator('tbody tr').first()).toContainText('done', { timeout: 15_000 });
  const runs = await log.locator('tbody tr').count();
  await page.getByTestId('start-reprice').click();
  await expect(log.locator('tbody tr')).toHaveCount(Math.min(runs + 1, 10), { timeout: 15_000 });
  await expect(log.locator('tbody tr').first()).toContainText('done', { timeout: 60_000 });
  await page.goto('/cost?range=24h');
  await expect(page.getByTestId('cost-self-hosted-gpu')).toContainText('calls priced per GPU-hour', { timeout: 30_000 });
  await expect.poll(async () => intOf(await unpriced.textContent()), { timeout: 30_000 }).toBe(0);

  await page.locator('input[name=budget-usd]').fill('0.01');
  await page.getByTestId('save-budget').click();
  await expect(page.getByTestId('budget-status').first()).toHaveText('over');
  await expect(page.getByTestId('budget-forecast').first()).toContainText('$');

  // Close last month... the demo's spend is this month: close this month, export twice, reopen.
  const month = new Date().toISOString().slice(0, 7);
  const panel = page.getByTestId('month-close');
  await panel.locator('input[type=month]').fill(month);
  await panel.getByRole('button', { name: 'Close month' }).click();
  await expect(panel.getByRole('button', { name: 'Reopen month' })).toBeVisible();
  const first = await (await page.request.get(`/api/cost-export/month?month=${month}`)).text();
  expect(first.split('\r\n').length).toBeGreaterThan(2);
  expect(await (await page.request.get(`/api/cost-export/month?month=${month}`)).text()).toBe(first);
  await panel.getByLabel('Reopen reason').fill('e2e: reopen');
  await panel.getByRole('button', { name: 'Reopen month' }).click();
  await expect(panel.locator('tbody tr').first()).toContainText('e2e: reopen');
});

test('span detail shows cost per token bucket and the price id', async ({ page }) => {
  await login(page);
  await page.goto('/traces?range=24h&model=gpt-4o');
  const row = page.locator('[data-trace-id]').first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  await page.goto(`/traces/${await row.getAttribute('data-trace-id')}`);
  await page.locator('[data-span-id]', { hasText: /chat gpt-4o/ }).first().click();
  await expect(page.getByTestId('bucket-cost-input')).toContainText('$');
  await expect(page.getByTestId('span-detail')).toContainText('genai-prices:openai/gpt-4o');
});

for (const theme of ['light', 'dark'] as const) {
  test(`cost screenshots (${theme})`, async ({ page }) => {
    await login(page);
    await useTheme(page, theme);
    await page.goto('/cost?range=24h&by=tenant&then=model');
    await expectTheme(page, theme);
    await expect(page.getByTestId('cost-cell').first()).toBeVisible({ timeout: 30_000 });
    if ((await page.getByTestId('budget-row').count()) === 0) {
      await page.locator('input[name=budget-tenant]').fill('acme');
      await page.locator('input[name=budget-usd]').fill('50');
      await page.getByTestId('save-budget').click();
    }
    await expect(page.getByTestId('budget-row').first()).toBeVisible();
    await page.waitForTimeout(500);
    await screenshot(page, 'cost', theme);
    // By tenant alone: each tenant's self-hosted GPU spend beside its token spend.
    await page.goto('/cost?range=24h&by=tenant');
    await expect(page.getByTestId('cost-gpu-cell').first()).toContainText('$', { timeout: 30_000 });
    await expect(page.getByTestId('cost-self-hosted-gpu')).toContainText('calls priced per GPU-hour');
    await page.waitForTimeout(500);
    await screenshot(page, 'cost-by-tenant', theme);
    await page.goto('/cost/prices');
    await expect(page.getByTestId('price-row').first()).toBeVisible();
    await screenshot(page, 'prices', theme);
    await page.goto('/traces?range=24h&model=gpt-4o');
    const row = page.locator('[data-trace-id]').first();
    await expect(row).toBeVisible();
    await page.goto(`/traces/${await row.getAttribute('data-trace-id')}`);
    await page.locator('[data-span-id]', { hasText: /chat gpt-4o/ }).first().click();
    await expect(page.getByTestId('bucket-cost-input')).toContainText('$');
    await screenshot(page, 'span-detail-buckets', theme);
  });
}
