import { expect, test } from '@playwright/test';
import { E2E } from './playwright.config.ts';

test.describe('sign-in', () => {
  test('an unauthenticated visit to / redirects to /login', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login(\?|$)/);
    await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  });

  test('a wrong password shows an error and stays on /login', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(E2E.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('form', { name: 'Sign in' }).getByRole('alert')).toContainText(/wrong|invalid|incorrect/i);
    await expect(page).toHaveURL(/\/login/);
    // No session was created: the app still bounces to /login.
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
  });

  test('the right password lands on the overview', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(E2E.email);
    await page.getByLabel('Password').fill(E2E.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(new RegExp(`127\\.0\\.0\\.1:${E2E.webPort}/(\\?.*)?$`));
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    await expect(page.getByTestId('kpis')).toBeVisible();
    await expect(page.getByText(E2E.email)).toBeVisible();
  });
});
