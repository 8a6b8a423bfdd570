// Steps most browser tests share: the first administrator, and stopping cleanly.
import assert from 'node:assert/strict';
import { waitForHydration } from './browser.mjs';

export const ADMIN = { email: 'admin@example.com', name: 'Ada Admin', password: 'correct horse battery staple' };

/// Completes first-run setup through the form; the page ends signed in on the dashboard.
export async function setupAdmin(page, server) {
  await page.goto(`${server.url}/setup`);
  await waitForHydration(page);
  await page.fill('#setup-email', ADMIN.email);
  await page.fill('#setup-name', ADMIN.name);
  await page.fill('#setup-password', ADMIN.password);
  await page.fill('#setup-password-confirm', ADMIN.password);
  await page.click('#setup-form button[type=submit]');
  await page.waitForURL(`${server.url}/`);
}

/// Closes the browser and stops the server, which must exit 0 on SIGTERM.
export async function stopAll(browser, server) {
  await browser?.close();
  if (server) {
    const { code, signal } = await server.stop();
    assert.equal(code, 0, `server exit after SIGTERM: code=${code} signal=${signal}; log ${server.logPath}`);
  }
}
