import { expect, test, type Locator, type Page } from '@playwright/test';
import { login, parseInteger, parseUsd } from './helpers.ts';
import { PROBE } from './probe.ts';

/**
 * Opens the costliest failed trace (root status error) from the explorer; returns its id. The
 * costliest one has LLM calls that were priced before the failure, so it exercises every view.
 */
async function openFailedTrace(page: Page): Promise<string> {
  await page.goto('/traces?status=error&sort=costUsd');
  const row = page.getByTestId('trace-table').locator('tbody tr[data-trace-id]').first();
  await expect(row).toBeVisible();
  const traceId = (await row.getAttribute('data-trace-id'))!;
  await row.locator('td').first().click();
  await expect(page).toHaveURL(new RegExp(`/traces/${traceId}`));
  await expect(page.getByTestId('trace-header')).toBeVisible();
  return traceId;
}

const waterfallRows = (page: Page): Locator => page.getByTestId('waterfall').getByRole('treeitem');
/** LLM spans carry the category dot titled "LLM"; errored ones an "error" or "recovered error" mark (and no usage). */
const okLlmRows = (page: Page): Locator =>
  waterfallRows(page)
    .filter({ has: page.locator('.dot[title="LLM"]') })
    .filter({ hasNot: page.getByLabel('error', { exact: true }) })
    .filter({ hasNot: page.getByLabel('recovered error', { exact: true }) });

/** A cost as the UI prints it: dollars, dollars plus the unpriced part, or only "N unpriced". */
const COST_TEXT = /^(\$[\d,.]+( \+ ([\d.,k]+ )?unpriced)?|([\d.,k]+ )?unpriced)$/;
const COST_TEXT_IN_NODE = /tok · (\$[\d,.]+( \+ ([\d.,k]+ )?unpriced)?|([\d.,k]+ )?unpriced)$/;

function detailValue(detail: Locator, key: string): Locator {
  const exact = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return detail.locator('dl.kv dt', { hasText: exact }).locator('xpath=following-sibling::dd[1]');
}

test.beforeEach(async ({ page }) => {
  await login(page);
});

test('a failed trace explains its failure, flags the origin and marks the critical path', async ({ page }) => {
  await openFailedTrace(page);

  const banner = page.getByTestId('failure-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Failed:');
  const explanation = (await banner.getByTestId('failure-explanation').innerText()).trim();
  expect(explanation.length).toBeGreaterThan(10);

  // Exactly one waterfall row carries the origin flag, and it is an error span.
  const origin = waterfallRows(page).filter({ has: page.getByTestId('origin-flag') });
  await expect(origin).toHaveCount(1);
  await expect(origin.getByLabel('error', { exact: true })).toBeVisible();
  const originId = await origin.getAttribute('data-span-id');

  // The `e` shortcut (the banner's button names it) selects that span; the detail says it is the origin.
  await page.keyboard.press('e');
  await expect(page).toHaveURL(new RegExp(`[?&]span=${originId}`));
  const detail = page.getByTestId('span-detail');
  await expect(detail).toBeVisible();
  await expect(detail.locator('.badge', { hasText: 'failure origin' })).toBeVisible();
  await detail.getByRole('button', { name: /Close span detail/ }).click();

  // Critical-path segments are drawn on the bars, and the side summary splits the path by category.
  expect(await page.getByTestId('critical-segment').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('critical-path').locator('.stackbar > span').first()).toBeVisible();

  await page.getByRole('tab', { name: 'Critical path' }).click();
  await expect(page.getByRole('tabpanel').getByTestId('critical-path').locator('tbody tr').first()).toBeVisible();
});

// Selecting a span and switching to the waterfall is one URL update (two would race).
test('the banner button "Go to origin span" selects the origin span', async ({ page }) => {
  await openFailedTrace(page);
  const originId = await waterfallRows(page).filter({ has: page.getByTestId('origin-flag') }).getAttribute('data-span-id');
  await page.getByTestId('failure-banner').getByRole('button', { name: /Go to origin span/ }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]span=${originId}`));
  await expect(page.getByTestId('span-detail').locator('.badge', { hasText: 'failure origin' })).toBeVisible();
});

test('agent graph and agents tab show per-agent cost', async ({ page }) => {
  await openFailedTrace(page);

  await page.getByRole('tab', { name: 'Agent graph' }).click();
  await expect(page).toHaveURL(/[?&]tab=graph/);
  const graph = page.getByTestId('agent-graph');
  await expect(graph.locator('svg[aria-label="Agent graph"]')).toBeVisible();
  const nodes = graph.locator('g[role="button"]');
  expect(await nodes.count()).toBeGreaterThan(1);
  expect(await graph.locator('g[role="button"][aria-label^="Agent "]').count()).toBeGreaterThan(0);
  // Every LLM node shows its tokens and dollars (or says its price is unknown), and some cost is above zero.
  const llmNodes = graph.locator('g[role="button"][aria-label^="LLM "]');
  expect(await llmNodes.count()).toBeGreaterThan(0);
  const llmCosts = await llmNodes.locator('text:last-of-type').allTextContents();
  for (const c of llmCosts) expect(c).toMatch(COST_TEXT_IN_NODE);
  expect(Math.max(...llmCosts.map(parseUsd))).toBeGreaterThan(0);

  await page.getByRole('tab', { name: /^Agents/ }).click();
  const rollup = page.getByTestId('agent-rollup');
  const rows = rollup.locator('tbody tr');
  // count() does not wait: let the tab render its first row before counting (flaked in CI).
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(0);
  const costs = await rows.locator('td:last-child').allInnerTexts();
  for (const c of costs) expect(c).toMatch(COST_TEXT);
  expect(Math.max(...costs.filter((c) => c.startsWith('$')).map(parseUsd))).toBeGreaterThan(0);
});

// A self-hosted model (vLLM) has no public price: its spend is unknown, never "$0".
test('unpriced spend reads "unpriced" wherever a cost appears, never $0', async ({ page }) => {
  const model = 'meta-llama/Llama-3.1-8B-Instruct';
  await page.goto('/');
  const top = page.getByTestId('top-model').locator('tbody tr', { has: page.getByRole('link', { name: model, exact: true }) });
  await expect(top.locator('td').last()).toHaveText(/unpriced/);
  await expect(page.getByTestId('kpi-cost').locator('.kpi-value')).toHaveText(/^\$[\d,.]+ \+ [\d.,k]+ unpriced$/);

  await page.goto(`/traces?model=${encodeURIComponent(model)}`);
  const row = page.getByTestId('trace-table').locator('tbody tr[data-trace-id]').first();
  await expect(row.getByTestId('cell-cost')).toHaveText(/unpriced/);
  await row.locator('td').first().click();
  await expect(page.getByTestId('trace-cost')).toHaveText(/unpriced/);

  await waterfallRows(page).filter({ hasText: model }).first().click();
  const detail = page.getByTestId('span-detail');
  await expect(detail.getByTestId('span-cost')).toHaveText('unpriced');
  await expect(detailValue(detail, 'Price')).toContainText('cost unknown');

  await page.getByRole('tab', { name: 'Agent graph' }).click();
  const node = page.getByTestId('agent-graph').locator('g[role="button"][aria-label^="LLM "]', { hasText: 'Llama' }).first();
  await expect(node.locator('text:last-of-type')).toHaveText(/tok · ([\d.]+ )?unpriced$/);
});

// Agent nodes carry what their direct calls spent.
test('agent nodes in the graph show their agent\'s cost', async ({ page }) => {
  await openFailedTrace(page);
  await page.getByRole('tab', { name: 'Agent graph' }).click();
  const agentNodes = page.getByTestId('agent-graph').locator('g[role="button"][aria-label^="Agent "]');
  const costs = await agentNodes.locator('text:last-of-type').allTextContents();
  expect(costs.filter((c) => /\$\d/.test(c)).length).toBeGreaterThan(0);
});

test('an LLM span opens its detail with tokens and the price used', async ({ page }) => {
  await openFailedTrace(page);
  const llm = okLlmRows(page).first();
  await expect(llm).toBeVisible();
  await llm.click();
  await expect(llm).toHaveAttribute('aria-selected', 'true');

  const detail = page.getByTestId('span-detail');
  await expect(detail).toBeVisible();
  await expect(detailValue(detail, 'Category')).toContainText('LLM');
  const buckets = detail.getByTestId('cost-buckets');
  const total = buckets.locator('tbody tr', { hasText: 'Total' });
  expect(parseInteger(await total.locator('td').nth(1).innerText())).toBeGreaterThan(0);
  await expect(detailValue(detail, 'Price').locator('.mono')).toHaveText(/\S+/);
  await expect(detailValue(detail, 'Model (requested)')).not.toBeEmpty();
});

test('prompt and completion text render as text, not markup', async ({ page }) => {
  await page.goto(`/traces/${PROBE.traceId}`);
  await expect(page.getByTestId('trace-header')).toContainText(PROBE.tenant);
  await waterfallRows(page).filter({ hasText: `chat ${PROBE.model}` }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]span=${PROBE.llmSpanId}`));

  const detail = page.getByTestId('span-detail');
  const blocks = detail.locator('.text-block');
  await expect(blocks).toHaveCount(2);
  await expect(blocks.nth(0)).toContainText(PROBE.prompt);
  await expect(blocks.nth(1)).toContainText(PROBE.answer);
  // Nothing in the content became an element or ran.
  await expect(page.locator('#xss-bold')).toHaveCount(0);
  await expect(detail.locator('img, script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __plumbXss?: number }).__plumbXss)).toBeUndefined();

  // The probe's usage was priced from the gpt-4o-mini price.
  const total = detail.getByTestId('cost-buckets').locator('tbody tr', { hasText: 'Total' });
  expect(parseInteger(await total.locator('td').nth(1).innerText())).toBe(PROBE.inputTokens + PROBE.outputTokens);
  await expect(detailValue(detail, 'Price').locator('.mono')).toContainText(/gpt-4o-mini/i);
  expect(parseUsd(await page.getByTestId('trace-cost').innerText())).toBeGreaterThan(0);
});
