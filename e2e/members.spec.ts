import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectTheme, login, screenshot, useTheme, type Theme } from './helpers.ts';

/**
 * Issue 14 in the browser: an admin invites a viewer from Settings (a new account: its first
 * password is shown once), the viewer signs in through the login form, sees the project and its
 * members read-only, and cannot change a price — the server refuses and the page says why.
 */
const VIEWER = `viewer-${Date.now()}@plumb.test`;
let viewerPassword = '';

async function signInAs(browser: Browser, email: string, password: string, theme: Theme): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await useTheme(page, theme);
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible({ timeout: 30_000 });
  return page;
}

test.describe.configure({ mode: 'serial' });

test('an admin invites a viewer, who cannot change a price', async ({ page, browser }) => {
  await login(page);
  await page.goto('/settings');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('project-row').first()).toContainText('admin');
  const invite = page.getByTestId('invite-member');
  await invite.getByLabel('Email').fill(VIEWER);
  await invite.getByLabel('Role').selectOption('viewer');
  await invite.getByRole('button', { name: 'Invite' }).click();
  const pw = page.getByTestId('invited-password');
  await expect(pw).toBeVisible({ timeout: 30_000 });
  viewerPassword = (await pw.textContent())!.trim();
  expect(viewerPassword.length).toBeGreaterThanOrEqual(16);
  await expect(page.getByTestId('member-row').filter({ hasText: VIEWER })).toBeVisible();

  const viewer = await signInAs(browser, VIEWER, viewerPassword, 'dark');
  // Settings: their project with the viewer role, members read-only, no invite form, no keys.
  await viewer.goto('/settings');
  await expect(viewer.getByTestId('project-row').first()).toContainText('viewer');
  await expect(viewer.getByTestId('member-row').filter({ hasText: VIEWER })).toBeVisible();
  await expect(viewer.getByTestId('invite-member')).toHaveCount(0);
  await expect(viewer.getByTestId('keys-forbidden')).toBeVisible();

  // Prices: the form is there, the change is refused by the server and nothing is saved.
  await viewer.goto('/cost/prices');
  await expect(viewer.getByTestId('price-row').first()).toBeVisible({ timeout: 30_000 });
  const form = viewer.getByTestId('override-form');
  await form.locator('input[name=modelPattern]').fill('viewer-model');
  await form.locator('input[name=provider]').fill('vllm');
  await form.locator('input[name=id]').fill('viewer-try');
  await form.locator('input[name=inputPerMTok]').fill('9');
  await form.locator('input[name=outputPerMTok]').fill('9');
  await viewer.getByTestId('save-override').click();
  await expect(form.locator('.error-text')).toContainText('needs the editor role');
  await viewer.getByTestId('price-search').fill('viewer-try');
  await expect(viewer.getByTestId('price-row').filter({ hasText: 'override:viewer-try' })).toHaveCount(0);
  // And straight at the API, with the viewer's session and the app's CSRF header: refused.
  const direct = await viewer.request.post('/api/trpc/cost.saveOverride', {
    headers: { 'content-type': 'application/json', 'x-plumb-csrf': '1', origin: new URL(viewer.url()).origin },
    data: { json: { id: 'viewer-try', provider: 'vllm', modelPattern: 'viewer-model', effectiveFrom: Date.now(), inputPerMTok: '9', outputPerMTok: '9' } },
  });
  expect(direct.status()).toBe(403);
  await viewer.context().close();
});

for (const theme of ['light', 'dark'] as const) {
  test(`members screenshots (${theme})`, async ({ page, browser }) => {
    test.skip(!viewerPassword, 'needs the invited viewer');
    await login(page);
    await useTheme(page, theme);
    await page.goto('/settings');
    await expectTheme(page, theme);
    await expect(page.getByTestId('member-row').first()).toBeVisible();
    await expect(page.getByTestId('content-controls').locator('select').first()).toBeVisible();
    await screenshot(page, 'settings-members-admin', theme);
    const viewer = await signInAs(browser, VIEWER, viewerPassword, theme);
    await viewer.goto('/cost/prices');
    await expect(viewer.getByTestId('price-row').first()).toBeVisible({ timeout: 30_000 });
    await viewer.getByTestId('override-form').locator('input[name=modelPattern]').fill('viewer-model');
    await viewer.getByTestId('override-form').locator('input[name=id]').fill('viewer-try');
    await viewer.getByTestId('override-form').locator('input[name=inputPerMTok]').fill('9');
    await viewer.getByTestId('override-form').locator('input[name=outputPerMTok]').fill('9');
    await viewer.getByTestId('save-override').click();
    await expect(viewer.getByTestId('override-form').locator('.error-text')).toBeVisible();
    await screenshot(viewer, 'prices-viewer-refused', theme);
    await viewer.goto('/settings');
    await expect(viewer.getByTestId('member-row').first()).toBeVisible();
    await screenshot(viewer, 'settings-viewer', theme);
    await viewer.context().close();
  });
}
