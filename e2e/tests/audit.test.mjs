// The audit log page: reached from the sidebar without a reload, it lists the setup and
// a failed sign-in, and its filter narrows the list through the URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration } from '../lib/browser.mjs';
import { ADMIN, setupAdmin, stopAll } from '../lib/console.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await stopAll(browser, server);
});

test('the audit log lists sign-ins and filters by outcome', async () => {
  // A failed sign-in first, from a fresh context (no session).
  const { page, problems } = await openPage(browser);
  await setupAdmin(page, server);
  const failed = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body: `email=${encodeURIComponent(ADMIN.email)}&password=not-the-password-at-all`,
  });
  assert.equal(failed.status, 400, 'a wrong password is refused');

  await waitForHydration(page);
  await page.evaluate(() => { window.__bulwarkNoReload = 'audit'; });
  await page.click('nav[aria-label="Main"] a[href="/audit"]');
  await page.waitForURL(`${server.url}/audit`);
  await page.waitForSelector('#audit-table');
  assert.equal(await page.evaluate(() => window.__bulwarkNoReload), 'audit', 'navigation happened in the page');
  const actions = await page.$$eval('#audit-table tr[data-action]', (rows) => rows.map((r) => r.dataset.action));
  assert.ok(actions.length >= 2, `entries listed: ${actions}`);
  assert.ok(actions.some((a) => a.startsWith('auth.')), `a sign-in entry is listed: ${actions}`);

  await page.selectOption('#audit-filter select[name="outcome"]', 'failure');
  await page.click('#audit-filter button[type=submit]');
  await page.waitForURL(/outcome=failure/);
  await page.waitForSelector('#audit-table');
  const failures = await page.$$eval('#audit-table tr[data-action]', (rows) => rows.map((r) => r.dataset.action));
  assert.ok(failures.length >= 1, 'the failed sign-in is listed');
  assert.ok(failures.length < actions.length, `the filter narrows the list: ${failures} vs ${actions}`);
  const text = await page.textContent('#audit-table');
  assert.ok(!text.includes('not-the-password-at-all'), 'no password in the audit log');

  assert.deepEqual(problems.filter((p) => !p.includes('status of 400') && !p.includes('status of 401')), [], 'no script errors');
});
