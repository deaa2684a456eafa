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

/** The integer of a KPI tile's "N traces" line (-1 while it loads, so polls keep polling). */
async function kpiTraces(page: import('@playwright/test').Page): Promise<number> {
  const text = await page.getByTestId('kpi-requests').locator('.kpi-sub').innerText();
  return /\d/.test(text) ? parseInteger(text) : -1;
}

// Wrong answer 4 of issue 8: the headline numbers were over all traffic with no way to narrow them.
test('global filters narrow every tile and table, live in the URL and carry into the explorer', async ({ page }) => {
  const sent = sentWorkload();
  await page.goto('/');
  await expect.poll(() => kpiTraces(page), { timeout: 30_000 }).toBe(sent.traces);
  const errorsAll = await page.getByTestId('kpi-error-rate').locator('.kpi-sub').innerText();

  const bar = page.getByTestId('overview-filters');
  const tenant = bar.getByLabel('Tenant', { exact: true });
  await tenant.fill('globex');
  await tenant.press('Enter');
  await expect(page).toHaveURL(/[?&]tenant=globex(&|$)/);
  await expect(bar.getByRole('button', { name: 'Remove tenant globex' })).toBeVisible();

  // Tiles: fewer traces, but some. Tables: only globex among tenants.
  await expect.poll(async () => { const n = await kpiTraces(page); return n > 0 && n < sent.traces; }).toBe(true);
  const globex = await kpiTraces(page);
  expect(globex).toBeGreaterThan(0);
  const tenants = page.getByTestId('top-tenant').locator('tbody tr');
  await expect(tenants).toHaveCount(1);
  await expect(tenants.first().getByRole('link', { name: 'globex', exact: true })).toBeVisible();
  // Request types add up to the filtered count, not to all traffic.
  const perType = await page.getByTestId('top-requestType').locator('tbody tr td:nth-child(2)').allInnerTexts();
  expect(perType.reduce((a, t) => a + parseInteger(t), 0)).toBe(globex);
  expect(await page.getByTestId('kpi-error-rate').locator('.kpi-sub').innerText()).not.toBe(errorsAll);

  // A second value of the same field widens (any of), and removing it narrows again.
  await tenant.fill('acme');
  await tenant.press('Enter');
  await expect(page).toHaveURL(/tenant=globex&tenant=acme/);
  await expect.poll(() => kpiTraces(page)).toBeGreaterThan(globex);
  await bar.getByRole('button', { name: 'Remove tenant acme' }).click();
  await expect.poll(() => kpiTraces(page)).toBe(globex);

  // Reload keeps it.
  await page.reload();
  await expect(page).toHaveURL(/[?&]tenant=globex(&|$)/);
  await expect(bar.getByRole('button', { name: 'Remove tenant globex' })).toBeVisible();
  await expect.poll(() => kpiTraces(page)).toBe(globex);

  // Every link into the explorer carries the filter…
  for (const id of ['kpi-requests', 'kpi-error-rate', 'kpi-p95', 'kpi-cost']) {
    await expect(page.getByTestId(id)).toHaveAttribute('href', /[?&]tenant=globex(&|$)/);
  }
  await expect(page.getByTestId('top-model').locator('tbody tr a').first()).toHaveAttribute('href', /[?&]tenant=globex(&|$)/);
  // …so the traces behind the number are the same set: the explorer's summary counts what the tile said.
  await page.getByTestId('kpi-requests').click();
  await expect(page).toHaveURL(/\/traces\?.*tenant=globex/);
  await expect(page.getByTestId('filters').getByRole('button', { name: 'Remove tenant globex' })).toBeVisible();
  await expect(page.getByTestId('summary-traces').locator('.value')).toHaveText(String(globex));
});
