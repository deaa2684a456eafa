import { expect, test, type Page } from '@playwright/test';
import { runWorkload, type WorkloadResult } from '@plumb/demo';
import { expectTheme, login, screenshot, useTheme, type Theme } from './helpers.ts';
import { E2E } from './playwright.config.ts';

/**
 * Issue 10 item 8: the demo injects a latency regression (one model decodes 25 s longer for one
 * tenant); the regression view must rank that model and that tenant first and show the time in
 * the decode stage. Both windows are sent through the real OTel SDK and collector, stamped in the
 * past (a baseline a week before the comparison), so no other spec's traffic dominates them.
 * The demo's agent requests are long (p50 ≈ 12 s, p95 ≈ 42 s), so the slowdown must be large for
 * the slowed requests to pass the baseline p95: at +8 s only 8 of 74 did, at +25 s most do.
 */
const HOUR = 3_600_000;
const MODEL = 'claude-sonnet-4-20250514';
const TENANT = 'acme';
const SHIFT = -3 * HOUR;
const WEEK = 7 * 24 * HOUR;

interface Windows { from: number; to: number; baselineFrom: number; baselineTo: number }
let windows: Windows;
let sent: { baseline: WorkloadResult; comparison: WorkloadResult };

test.describe.configure({ mode: 'serial' });

/** The analysis through tRPC with the page's session (superjson input envelope). */
async function analyze(page: Page, w: Windows): Promise<{ p95: { baselineCount: number; comparisonCount: number } }> {
  const input = encodeURIComponent(JSON.stringify({ json: w }));
  const r = await page.request.get(`/api/trpc/latencyRegression.analyze?input=${input}`);
  expect(r.status(), await r.text()).toBe(200);
  return ((await r.json()) as { result: { data: { json: { p95: { baselineCount: number; comparisonCount: number } } } } }).result.data.json;
}

test.describe('Latency regression', () => {
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const endpoint = `http://127.0.0.1:${E2E.collectorPort}`;
    const common = { endpoint, tracesPerSecond: 40, durationSec: 8, protocol: 'http/protobuf' as const, failureRate: 0, retryRate: 0 };
    const t0 = Date.now();
    const baseline = await runWorkload({ ...common, seed: 101, timeShiftMs: SHIFT - WEEK });
    const comparison = await runWorkload({
      ...common, seed: 202, timeShiftMs: SHIFT,
      regression: { model: MODEL, tenant: TENANT, fromMs: 0, stage: 'decode', extraMs: 25_000 },
    });
    const t1 = Date.now();
    for (const r of [baseline, comparison]) if (r.failed || r.exportedSpans === 0) throw new Error(`workload not delivered: ${JSON.stringify(r)}`);
    sent = { baseline, comparison };
    // Traces are stamped to end just before they are sent: a window starting 3 min before the
    // first send holds every trace (the slowest, with several slowed calls, lasts about a minute).
    windows = { from: t0 + SHIFT - 3 * 60_000, to: t1 + SHIFT + 1000, baselineFrom: t0 + SHIFT - WEEK - 3 * 60_000, baselineTo: t1 + SHIFT - WEEK + 1000 };
  });

  test('ranks the slowed model and tenant first and shows the time in decode', async ({ page }) => {
    test.setTimeout(180_000);
    await login(page);
    // The worker computes stage rows once a root has settled (≤ 15 s job interval + 10 s settle).
    await expect(async () => {
      const r = await analyze(page, windows);
      expect(r.p95.comparisonCount).toBeGreaterThanOrEqual(sent.comparison.traces);
      expect(r.p95.baselineCount).toBeGreaterThanOrEqual(sent.baseline.traces);
    }).toPass({ timeout: 120_000, intervals: [2000] });

    const qs = new URLSearchParams(Object.entries(windows).map(([k, v]) => [k, String(v)]));
    await page.goto(`/latency/regression?${qs}`);
    await expect(page.getByRole('heading', { name: 'Latency regression' })).toBeVisible();
    const first = (dimension: string) =>
      page.locator(`[data-testid="regression-dimension"][data-dimension="${dimension}"] [data-testid="regression-segment"]`).first();
    await expect(first('model')).toHaveAttribute('data-value', MODEL);
    await expect(first('tenant')).toHaveAttribute('data-value', TENANT);
    // The p95 went up, and the bootstrap interval excludes zero.
    await expect(page.getByTestId('regression-p95-change')).toHaveClass(/is-bad/);
    await expect(page.getByTestId('regression-p95-change')).toContainText('95% CI +');
    // Where the time went: decode grew the most, prefill and queue did not.
    const decode = page.locator('[data-testid="regression-stage"][data-stage="decode"]');
    await expect(decode).toHaveClass(/is-top/);
    await expect(page.locator('[data-testid="regression-stage"][data-stage="queue"] [data-testid="regression-stage-delta"]')).toHaveText(/^[+−]0ms$/);
    // Exemplars of the worst segment open the trace view.
    const exemplar = page.getByTestId('regression-exemplar').first();
    await expect(exemplar).toBeVisible();
    await expect(page.getByTestId('regression-exemplars')).toContainText(/Model = claude-sonnet-4|Tenant = acme|Model version = claude-sonnet-4/);
    const href = await exemplar.getByRole('link').getAttribute('href');
    expect(href).toMatch(/^\/traces\/[0-9a-f]{32}$/);
    // A segment's share links to its slow traces in the explorer.
    await expect(first('tenant').getByRole('link').first()).toHaveAttribute('href', /\/traces\?.*tenant=acme/);
    await exemplar.getByRole('link').click();
    await expect(page.getByTestId('waterfall')).toBeVisible();
  });

  for (const theme of ['light', 'dark'] as const satisfies readonly Theme[]) {
    test(`screenshot in the ${theme} theme`, async ({ page }) => {
      await login(page);
      await useTheme(page, theme);
      const qs = new URLSearchParams(Object.entries(windows).map(([k, v]) => [k, String(v)]));
      await page.goto(`/latency/regression?${qs}`);
      await expectTheme(page, theme);
      await expect(page.getByTestId('regression-exemplar').first()).toBeVisible();
      await expect(page.locator('.skeleton')).toHaveCount(0, { timeout: 20_000 });
      await screenshot(page, 'latency-regression', theme);
    });
  }
});
