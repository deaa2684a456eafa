import { DEMO_TENANTS } from '@plumb/demo';
import { expect, test } from '@playwright/test';
import { login, parseInteger, parseUsd, sentWorkload } from './helpers.ts';
import { PROBE } from './probe.ts';

test.beforeEach(async ({ page }) => {
  await login(page);
});

test('KPIs match the workload global-setup sent', async ({ page }) => {
  const sent = sentWorkload();
  await page.goto('/');
  const requests = page.getByTestId('kpi-requests');
  // The worker may still be inserting the last batch: reload until the count settles on what was sent.
  await expect(async () => {
    await page.reload();
    await expect(requests.locator('.kpi-sub')).toHaveText(/^[\d,]+ traces$/, { timeout: 5_000 });
    expect(parseInteger(await requests.locator('.kpi-sub').innerText())).toBe(sent.traces);
  }).toPass({ timeout: 30_000 });
  await expect(requests.locator('.kpi-value')).toHaveText(String(sent.traces));

  // Some demo traces fail (failureRate 0.15), so the error rate is above zero and the tile links to them.
  const errorRate = page.getByTestId('kpi-error-rate');
  await expect(errorRate.locator('.kpi-value')).toHaveText(/^\d+(\.\d+)?%$/);
  const failed = parseInteger(await errorRate.locator('.kpi-sub').innerText());
  expect(failed).toBeGreaterThan(0);
  expect(failed).toBeLessThan(sent.traces);
  await expect(errorRate).toHaveAttribute('href', /status=error/);

  const cost = page.getByTestId('kpi-cost').locator('.kpi-value');
  await expect(cost).toHaveText(/^\$/);
  expect(parseUsd(await cost.innerText())).toBeGreaterThan(0);
});

test('charts render with unit labels', async ({ page }) => {
  await page.goto('/');
  const charts = [
    { id: 'chart-requests', unit: /^traces per \d+[smhd]$/, axis: 'traces' },
    // Duration axes pick one unit from the data (ms, s, min or h) and say it.
    { id: 'chart-latency', unit: /^trace duration, (ms|s|min|h)$/, axis: /^(ms|s|min|h)$/ },
    { id: 'chart-tokens', unit: /^tokens per \d+[smhd]$/, axis: 'tokens' },
    { id: 'chart-cost', unit: /^USD per \d+[smhd]$/, axis: 'USD' },
  ];
  for (const c of charts) {
    const panel = page.getByTestId(c.id);
    await expect(panel.locator('.panel-header .unit')).toHaveText(c.unit);
    const chart = panel.locator('svg.recharts-surface[role="application"]');
    await expect(chart).toBeVisible();
    // The y-axis carries the unit too (recharts draws axis labels in a layer of their own).
    // (The x-axis label names the time zone: the unit label is the y-axis one.)
    await expect(chart.locator('.recharts-label').filter({ hasText: c.axis })).toHaveCount(1);
  }
  // Data is drawn, not just axes: the cost and request charts have at least one non-empty bar or area.
  await expect(page.getByTestId('chart-cost').locator('.recharts-bar-rectangle path').first()).toBeVisible();
  await expect(page.getByTestId('chart-requests').locator('.recharts-area-area, .recharts-bar-rectangle path').first()).toBeVisible();
});

test('top tenants lists the demo tenants and accounts for every request', async ({ page }) => {
  const sent = sentWorkload();
  await page.goto('/');
  const table = page.getByTestId('top-tenant');
  await expect(table.getByRole('heading', { name: 'Top tenants' })).toBeVisible();
  const rows = table.locator('tbody tr');
  for (const tenant of [...DEMO_TENANTS, PROBE.tenant]) {
    await expect(rows.filter({ has: page.getByRole('link', { name: tenant, exact: true }) })).toHaveCount(1);
  }
  // Requests per tenant (column 2) add up to every trace sent: each demo trace has a tenant.
  const counts = await rows.locator('td:nth-child(2)').allInnerTexts();
  expect(counts.reduce((sum, t) => sum + parseInteger(t), 0)).toBe(sent.traces);
  // Each row links to the explorer filtered to that tenant.
  await expect(table.getByRole('link', { name: 'acme', exact: true })).toHaveAttribute('href', /\/traces\?.*tenant=acme/);
});

// Buckets without traces have null latency; a percentile with data in one bucket only (this
// suite's 4 s workload, the first minutes of a fresh install) must still be visible.
test('the latency chart draws its percentiles even when the data fits one bucket', async ({ page }) => {
  await page.goto('/');
  const chart = page.getByTestId('chart-latency').locator('svg.recharts-surface[role="application"]');
  await expect(chart).toBeVisible();
  const drawn = await chart.locator('.recharts-line-curve, .recharts-line-dot').evaluateAll((els) =>
    els.filter((e) => {
      const box = (e as SVGGraphicsElement).getBBox();
      return box.width > 0 || box.height > 0;
    }).length,
  );
  expect(drawn).toBeGreaterThan(0);
});
