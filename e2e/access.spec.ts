import { expect, test, type Page } from '@playwright/test';
import { expectTheme, login, screenshot, useTheme, type Theme } from './helpers.ts';
import { E2E } from './playwright.config.ts';

/** CSP violations and script errors the browser reports while a page loads. */
function collectViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to (execute|load|apply|connect)/i.test(m.text())) seen.push(m.text());
  });
  page.on('pageerror', (e) => seen.push(String(e)));
  return seen;
}

test.describe('security headers', () => {
  test('pages carry a nonce CSP and the frame headers, and still work under it', async ({ page }) => {
    const violations = collectViolations(page);
    const loginPage = await page.goto('/login');
    const h = loginPage!.headers();
    expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('same-origin');
    // Next stamped its inline scripts with this request's nonce.
    const nonce = /'nonce-([^']+)'/.exec(h['content-security-policy']!)![1]!;
    expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => [...document.scripts].filter((s) => !s.src && !s.nonce).length)).toBe(0);
    expect(nonce.length).toBeGreaterThan(16);

    // The app hydrates and talks to tRPC under the policy: sign in through the form.
    await page.getByLabel('Email').fill(E2E.email);
    await page.getByLabel('Password').fill(E2E.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    await expect(page.getByTestId('kpis')).toBeVisible();
    await expect(page.getByTestId('chart-cost').locator('svg.recharts-surface').first()).toBeVisible();
    await page.goto('/traces');
    await expect(page.locator('table').first()).toBeVisible();
    expect(violations).toEqual([]);
  });

  test('API routes carry a CSP that allows nothing', async ({ request }) => {
    const r = await request.get('/api/v1/openapi.json');
    expect(r.status()).toBe(200);
    const h = r.headers();
    expect(h['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    const trpc = await request.get('/api/trpc/auth.me');
    expect(trpc.headers()['x-frame-options']).toBe('DENY');
  });

  test('the login redirect stays on this origin for a tab-smuggled next', async ({ page }) => {
    await page.goto(`/login?next=${encodeURIComponent('/\t/evil.example')}`);
    await page.getByLabel('Email').fill(E2E.email);
    await page.getByLabel('Password').fill(E2E.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${E2E.webPort}/(\\?.*)?$`));
  });
});

test.describe('API keys in Settings', () => {
  test('an admin creates a read key, it works at once over REST, and revoking it ends it', async ({ page }) => {
    const violations = collectViolations(page);
    await login(page);
    await page.goto('/settings');
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expect(page.getByTestId('keys-table').locator('.skeleton')).toHaveCount(0);

    // Keyboard only: type a name, Enter submits (read is preselected).
    await page.getByLabel('Name').fill('e2e reader');
    await expect(page.getByRole('checkbox', { name: /read/ })).toBeChecked();
    await page.getByLabel('Name').press('Enter');
    const secret = page.getByTestId('new-key-secret');
    await expect(secret).toBeVisible();
    await expect(secret).toBeFocused();
    const key = (await secret.textContent())!.trim();
    expect(key).toMatch(/^plb_[\w-]{32}$/);

    const row = page.getByTestId('key-row').filter({ hasText: 'e2e reader' });
    await expect(row).toContainText(`${key.slice(0, 8)}…`);
    await expect(row).toContainText('read');
    await expect(row).toContainText('active');

    const metrics = () => page.request.get('/api/v1/metrics?measures=requests', { headers: { authorization: `Bearer ${key}` } });
    expect((await metrics()).status()).toBe(200);

    // The secret is shown once: gone after Done and after a reload.
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(secret).toHaveCount(0);
    await page.reload();
    await expect(page.getByText(key)).toHaveCount(0);

    // Ticking ingest warns that the first ingest key ends keyless loopback ingest (no ingest key exists in e2e).
    await page.getByRole('checkbox', { name: /ingest/ }).check();
    await expect(page.getByTestId('first-ingest-warning')).toContainText('first ingest key');
    await page.getByRole('checkbox', { name: /ingest/ }).uncheck();
    await expect(page.getByTestId('first-ingest-warning')).toHaveCount(0);

    await row.getByRole('button', { name: 'Revoke e2e reader' }).click();
    await row.getByRole('button', { name: /Revoke “e2e reader”/ }).click();
    await expect(row).toContainText('revoked');
    expect((await metrics()).status()).toBe(401);
    expect(violations).toEqual([]);
  });

  for (const theme of ['light', 'dark'] as const satisfies readonly Theme[]) {
    test(`settings screenshot in the ${theme} theme`, async ({ page }) => {
      await login(page);
      await useTheme(page, theme);
      await page.goto('/settings');
      await expectTheme(page, theme);
      await expect(page.getByTestId('keys-table').locator('.skeleton')).toHaveCount(0);
      await page.getByLabel('Name').fill(`screenshot ${theme}`);
      await page.getByRole('checkbox', { name: /ingest/ }).check();
      await page.getByRole('checkbox', { name: /read/ }).uncheck();
      await page.getByRole('checkbox', { name: /ingest/ }).uncheck();
      await page.getByRole('checkbox', { name: /write/ }).check();
      await page.getByRole('checkbox', { name: /read/ }).check();
      await page.getByRole('button', { name: 'Create key' }).click();
      await expect(page.getByTestId('new-key-secret')).toBeVisible();
      await page.getByRole('checkbox', { name: /ingest/ }).check(); // show the first-ingest warning too
      await screenshot(page, 'settings', theme);
    });
  }
});
