import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { login, screenshot, useTheme } from './helpers.ts';

/**
 * Alerts end to end: in the browser, add a webhook contact point (HMAC secret), create a rule on
 * the demo traffic with a live preview, watch it go pending → firing as the worker evaluates it,
 * and see the delivery in the log; the local receiver gets the v4 payload with a valid signature.
 */

const SECRET = 'e2e-alert-secret';
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let server: Server;
let hookUrl = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alert-hook`;
});
test.afterAll(async () => {
  await new Promise((r) => server.close(r));
});

test('create a rule on demo data: pending → firing, delivered and logged', async ({ page }) => {
  test.setTimeout(180_000);
  await login(page);
  await page.goto('/alerts?tab=contacts');
  await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
  const cp = page.getByTestId('contact-form');
  await cp.getByLabel('Name').fill('e2e hook');
  await cp.getByLabel('URL').fill(hookUrl);
  await cp.getByLabel('HMAC secret (optional)').fill(SECRET);
  await cp.getByLabel('Group wait (s)').fill('0');
  await cp.getByTestId('cp-save').click();
  await expect(page.getByTestId('alert-contact').filter({ hasText: 'e2e hook' })).toContainText('HMAC-SHA256');

  await page.getByTestId('alerts-new').click();
  const form = page.getByTestId('alert-rule-form');
  await form.getByTestId('rule-name').fill('Demo traffic by tenant');
  await form.getByLabel('Measure').selectOption('requests');
  await form.getByLabel('Group by').selectOption(['tenant']);
  await form.getByLabel('Window').fill('6h');
  await form.getByTestId('rule-critical').fill('0');
  await form.getByTestId('rule-for').fill('20s');
  await form.getByTestId('rule-interval').fill('10s');
  await form.getByLabel('Summary template').fill('{{ $labels.tenant }}: {{ $value }} requests');
  await form.getByTestId('rule-contact-e2e hook').check();
  // The live preview charts the query over the last day with the threshold line.
  await expect(form.getByTestId('alert-preview-chart')).toBeVisible();
  await expect(form.getByTestId('alert-preview-chart')).toContainText('critical > 0');
  await form.getByTestId('rule-save').click();

  const row = page.getByTestId('alert-rule').filter({ hasText: 'Demo traffic by tenant' });
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'pending', { timeout: 40_000 });
  // Saving opened the new rule (?rule=); its instances are listed under it.
  await expect(row).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('alert-instance').first()).toHaveAttribute('data-state', 'pending');
  await expect(row).toHaveAttribute('data-state', 'firing', { timeout: 60_000 });
  await expect(page.getByTestId('alert-instance').first()).toHaveAttribute('data-state', 'firing');

  await page.getByTestId('alerts-tab-deliveries').click();
  const delivery = page.getByTestId('alert-delivery').first();
  await expect(delivery).toHaveAttribute('data-outcome', 'ok', { timeout: 30_000 });
  await expect(delivery).toContainText('first notification');

  expect(received.length).toBeGreaterThanOrEqual(1);
  const first = received[0]!;
  const ts = String(first.headers['x-plumb-timestamp']);
  expect(first.headers['x-plumb-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${first.body}`).digest('hex')}`);
  const payload = JSON.parse(first.body) as { version: string; status: string; alerts: { labels: Record<string, string>; annotations: Record<string, string>; fingerprint: string }[] };
  expect(payload.version).toBe('4');
  expect(payload.status).toBe('firing');
  expect(payload.alerts.length).toBeGreaterThan(0);
  expect(payload.alerts[0]!.labels.alertname).toBe('Demo traffic by tenant');
  expect(payload.alerts[0]!.annotations.summary).toMatch(/: \d+ requests$/);

  await page.getByTestId('alerts-tab-history').click();
  await expect(page.getByTestId('alert-transition').first()).toBeVisible();
});

for (const theme of ['light', 'dark'] as const) {
  test(`alerts screenshots in the ${theme} theme`, async ({ page }) => {
    await useTheme(page, theme);
    await login(page);
    const rule = page.getByTestId('alert-rule').filter({ hasText: 'Demo traffic by tenant' });
    await page.goto('/alerts');
    await rule.click();
    await expect(page.getByTestId('alert-instance').first()).toBeVisible();
    await screenshot(page, 'alerts-rules', theme);
    await rule.getByTestId('alert-rule-edit').click();
    await expect(page.getByTestId('alert-preview-chart')).toBeVisible();
    await screenshot(page, 'alerts-edit-preview', theme);
    await page.goto('/alerts?tab=deliveries');
    await expect(page.getByTestId('alert-delivery').first()).toBeVisible();
    await screenshot(page, 'alerts-deliveries', theme);
    await page.goto('/alerts?tab=history');
    await expect(page.getByTestId('alert-transition').first()).toBeVisible();
    await screenshot(page, 'alerts-history', theme);
    await page.goto('/alerts?tab=silences');
    await screenshot(page, 'alerts-silences', theme);
    await page.goto('/alerts?tab=contacts');
    await screenshot(page, 'alerts-contacts', theme);
  });
}
