// The API keys page: create a scoped key through the form, see it once, use it on the
// REST API, find it gone after a reload, revoke it through the inline confirmation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { setupAdmin, stopAll } from '../lib/console.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await stopAll(browser, server);
});

const rest = (path, key) => fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });

test('an API key is created with one permission, shown once, works, and is revoked', async () => {
  const { page, problems } = await openPage(browser);
  await setupAdmin(page, server);
  await waitForHydration(page);

  // From the sidebar.
  await page.click('nav[aria-label="Main"] a[href="/api-keys"]');
  await page.waitForURL(`${server.url}/api-keys`);
  await page.waitForSelector('#create-api-key-form');
  assert.match(await page.textContent('h1'), /API keys/);
  // The SuperAdmin may grant everything.
  assert.ok(await page.$('#api-key-all-permissions'), 'no "All permissions" choice for the SuperAdmin');

  await page.fill('#api-key-name', 'ci reader');
  await page.check('#create-api-key-form input[data-permission="jobs:read"]');
  await page.fill('#api-key-expires', '30');
  await page.click('#create-api-key-form button[type=submit]');
  const shown = await page.waitForSelector('code[data-testid="new-api-key"]');
  const key = (await shown.textContent()).trim();
  assert.match(key, /^bwk_[0-9a-f]{40}$/);
  assert.match(await page.textContent('#new-api-key-panel'), /copy it now; it is stored hashed and cannot be shown again/i);
  const row = 'tr[data-key-name="ci reader"]';
  await page.waitForSelector(row);
  assert.match(await page.textContent(row), /jobs:read/);
  assert.match(await page.textContent(row), new RegExp(`${key.slice(0, 10)}…`));
  assert.equal(await page.getAttribute(row, 'data-state'), 'active');
  await page.screenshot({ path: `${ARTIFACTS}/api-keys-created.png`, fullPage: true });

  // The key opens what it holds, and only that.
  let r = await rest('/api/v1/jobs', key);
  assert.equal(r.status, 200, await r.text());
  r = await rest('/api/v1/executions', key);
  assert.equal(r.status, 403);

  // Dismissed, and gone for good after a reload.
  await page.click('.dismiss-api-key');
  await page.waitForSelector('code[data-testid="new-api-key"]', { state: 'detached' });
  await page.reload();
  await waitForHydration(page);
  await page.waitForSelector(row);
  assert.equal(await page.$('code[data-testid="new-api-key"]'), null);
  assert.ok(!(await page.content()).includes(key.slice(10)), 'the key is still in the page after a reload');

  // Revoke through the inline confirmation.
  await page.click(`${row} .revoke-api-key`);
  await page.waitForSelector(`${row} .revoke-confirm`);
  assert.match(await page.textContent(`${row} .revoke-confirm`), /Revoke ci reader\?/);
  await page.click(`${row} .confirm-revoke`);
  await page.waitForSelector(`${row}[data-state="revoked"]`);
  assert.equal(await page.$(`${row} .revoke-api-key`), null);
  await page.screenshot({ path: `${ARTIFACTS}/api-keys-revoked.png`, fullPage: true });

  r = await rest('/api/v1/jobs', key);
  assert.equal(r.status, 401);
  assert.deepEqual(problems, [], 'no script errors');
});
