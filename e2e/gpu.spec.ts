import { expect, test, type Page } from '@playwright/test';
import { expectTheme, login, screenshot, useTheme, type Theme } from './helpers.ts';

/**
 * The GPU page over the demo's GPU metrics (global-setup sends them through the real collector
 * with the demo workload: gpu-node-1 = 2 × H100 serving the self-hosted model, gpu-node-2 = 2 ×
 * idle A100): per-GPU lines, idle GPUs called out, the model server linked to its traces, and the
 * tenant split of GPU cost once a GPU-hour price exists.
 */
const EXACT = /\$([\d.]+) exactly/;
const exact = async (page: Page, locator: ReturnType<Page['getByTestId']>) => {
  const t = await locator.getAttribute('title');
  const m = EXACT.exec(t ?? '');
  if (!m) throw new Error(`no exact amount in ${JSON.stringify(t)}`);
  return m[1]!;
};
/** Exact decimal strings → picodollars (BigInt), so the sum check is exact. */
const pico = (usd: string) => {
  const [w, f = ''] = usd.split('.');
  return BigInt(w!) * 10n ** 12n + BigInt(f.padEnd(12, '0'));
};

test('GPU page: per-GPU lines, idle GPUs, model server → traces, GPU cost split by tenant', async ({ page }) => {
  await login(page);
  await page.goto('/gpu?range=1h');
  await expect(page.getByTestId('gpu-row')).toHaveCount(4);
  // gpu-node-2's A100s never serve: idle. (The H100s serve only the few seconds of the workload,
  // so over the hour they may read as idle too: the KPI counts whatever the table marks.)
  const idleRows = page.locator('[data-testid="gpu-row"][data-idle="true"]');
  await expect(page.locator('[data-testid="gpu-row"]', { hasText: 'gpu-node-2' }).and(idleRows)).toHaveCount(2);
  await expect(page.getByTestId('gpu-idle').locator('.kpi-value')).toHaveText(String(await idleRows.count()));
  // One line per GPU on the utilization chart, with the unit on the axis.
  const util = page.getByTestId('gpu-util-chart');
  await expect(util.locator('.recharts-line')).toHaveCount(4);
  await expect(util).toContainText('% busy');
  await expect(page.getByTestId('gpu-mem-chart')).toContainText('GiB');
  await expect(page.getByTestId('gpu-power-chart')).toContainText('W');
  // Per host: one line for each of the two GPU nodes.
  await expect(page.getByTestId('host-util-chart').locator('.recharts-line')).toHaveCount(2);

  const server = page.getByTestId('server-row');
  await expect(server).toHaveCount(1);
  await expect(server).toContainText('meta-llama/Llama-3.1-8B-Instruct');
  await expect(server).toContainText('tok/s');
  // The server's own TTFT p95 (its histogram) reflects the workload's calls to the served model.
  await expect(server.locator('td').nth(9)).toHaveText(/^\d[\d.,]*\s*(ms|s)$/);
  const href = await server.getByTestId('server-traces').getAttribute('href');
  expect(href).toContain('model=meta-llama');

  // No price yet: the cost says so; adding one prices the H100 hours and splits them.
  await expect(page.getByTestId('gpu-unpriced')).toBeVisible();
  const form = page.getByTestId('gpu-price-form');
  await form.getByLabel('GPU model or host').fill('NVIDIA H100 80GB HBM3');
  await form.getByLabel('USD per GPU-hour').fill('3.5');
  await form.getByRole('button', { name: 'Add price' }).click();
  await expect(page.getByTestId('gpu-price-row')).toHaveCount(1);
  const tenants = page.getByTestId('gpu-cost-tenant');
  await expect(tenants.first()).toBeVisible();
  await expect(page.getByTestId('gpu-cost-idle')).toBeVisible();
  await expect(page.getByTestId('gpu-method')).toContainText('served model');
  // The split adds up exactly to the total.
  const parts = [await exact(page, page.getByTestId('gpu-cost-idle').locator('td.num').nth(1))];
  for (let i = 0; i < (await tenants.count()); i++) parts.push(await exact(page, tenants.nth(i).locator('td.num').nth(1)));
  const total = await exact(page, page.getByTestId('gpu-cost-total'));
  expect(parts.reduce((s, p) => s + pico(p), 0n)).toBe(pico(total));
  expect(pico(total)).toBeGreaterThan(0n);

  // Another join, under which no call matches (the workload's spans carry no k8s.pod.name): the
  // table says so instead of showing a bare $0 total, and the method names the join in use.
  await page.getByTestId('gpu-join').selectOption('k8s_pod');
  await expect(page.getByTestId('gpu-cost-no-calls')).toContainText('by k8s_pod');
  await expect(page.getByTestId('gpu-method')).toContainText('k8s.pod.name');
  await expect(tenants).toHaveCount(0);

  // The cost page shows the same self-hosted spend (a tile linking here).
  await page.goto('/cost?range=1h');
  await expect(page.getByTestId('cost-self-hosted-gpu')).toContainText('$');
  await expect(page.getByTestId('cost-self-hosted-gpu')).toHaveAttribute('href', '/gpu');

  // The model server's link opens that model's traces.
  await page.goto(href!);
  await expect(page.locator('[data-testid="trace-row"], table tbody tr').first()).toBeVisible();
});

for (const theme of ['light', 'dark'] as const satisfies readonly Theme[]) {
  test(`GPU page screenshots in the ${theme} theme`, async ({ page }) => {
    await login(page);
    await useTheme(page, theme);
    await page.goto('/gpu?range=1h');
    await expectTheme(page, theme);
    await expect(page.getByTestId('gpu-row')).toHaveCount(4);
    await expect(page.getByTestId('gpu-util-chart').locator('.recharts-line')).toHaveCount(4);
    await expect(page.getByTestId('gpu-distribution')).toContainText('GPUs');
    await screenshot(page, 'gpu', theme);
    await page.goto('/cost?range=1h');
    await expect(page.getByTestId('cost-self-hosted-gpu')).toContainText('$');
    await screenshot(page, 'cost-self-hosted-gpu', theme);
    // A window before any GPU reported: the empty state says how to send metrics.
    const from = Date.now() - 20 * 86_400_000;
    await page.goto(`/gpu?from=${new Date(from).toISOString()}&to=${new Date(from + 3_600_000).toISOString()}`);
    await expect(page.getByTestId('gpu-empty')).toContainText('dcgm-exporter');
    await screenshot(page, 'gpu-empty', theme);
  });
}
