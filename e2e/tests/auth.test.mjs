// First-run setup, sign-out, a refused sign-in, sign-in, and proof that the page is
// hydrated (a control changes the page without a reload).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';

const ADMIN = { email: 'admin@example.com', name: 'Ada Admin', password: 'correct horse battery staple' };
let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (server) {
    const { code, signal } = await server.stop();
    assert.equal(code, 0, `server exit after SIGTERM: code=${code} signal=${signal}; log ${server.logPath}`);
  }
});

test('setup, sign out, refused sign-in, sign in, hydrated controls', async () => {
  const { page, problems } = await openPage(browser);

  // Every page leads to /setup while no user exists.
  await page.goto(`${server.url}/jobs`);
  assert.equal(new URL(page.url()).pathname, '/setup');
  await waitForHydration(page);

  // A mismatched repeat is refused by the server with a clear message.
  await page.fill('#setup-email', ADMIN.email);
  await page.fill('#setup-name', ADMIN.name);
  await page.fill('#setup-password', ADMIN.password);
  await page.fill('#setup-password-confirm', `${ADMIN.password} typo`);
  await page.click('#setup-form button[type=submit]');
  await page.waitForSelector('.form-error');
  assert.match(await page.textContent('.form-error'), /do not match/);

  // Hydration: the "show passwords" box changes the inputs without a reload.
  await page.evaluate(() => { window.__bulwarkNoReload = 'still here'; });
  assert.equal(await page.getAttribute('#setup-password', 'type'), 'password');
  await page.check('#setup-show-password');
  assert.equal(await page.getAttribute('#setup-password', 'type'), 'text');

  await page.fill('#setup-password-confirm', ADMIN.password);
  await page.click('#setup-form button[type=submit]');
  await page.waitForURL(`${server.url}/`);
  await page.waitForSelector('#user-menu-button');
  await waitForHydration(page);

  // The user menu opens without a reload (a hydrated control); then sign out.
  assert.equal(await page.$('#user-menu'), null, 'menu starts closed');
  await page.evaluate(() => { window.__bulwarkNoReload = 'dashboard'; });
  await page.click('#user-menu-button');
  await page.waitForSelector('#user-menu');
  assert.match(await page.textContent('#user-menu'), /admin@example\.com/);
  assert.equal(await page.evaluate(() => window.__bulwarkNoReload), 'dashboard', 'the page was not reloaded');
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-menu.png` });
  await page.click('#user-menu button[type=submit]');
  await page.waitForURL(`${server.url}/login`);

  // Setup is closed now.
  await page.goto(`${server.url}/setup`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await waitForHydration(page);

  // A wrong password gets the one generic message.
  await page.fill('#login-email', ADMIN.email);
  await page.fill('#login-password', 'not the password at all');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('.form-error');
  assert.equal((await page.textContent('.form-error')).trim(), 'Incorrect email or password.');
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.screenshot({ path: `${ARTIFACTS}/login-refused.png` });

  // The right one signs in.
  await page.fill('#login-password', ADMIN.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL(`${server.url}/`);
  await page.waitForSelector('.tiles');
  assert.match(await page.textContent('.tiles'), /Users/);

  // The sidebar navigates inside the page (no reload) and marks where it went.
  await waitForHydration(page);
  await page.evaluate(() => { window.__bulwarkNoReload = 'nav'; });
  await page.click('nav a[href="/notifications"]');
  await page.waitForURL(`${server.url}/notifications`);
  await page.waitForSelector('h1:has-text("Notification channels")');
  await page.waitForSelector('nav a[href="/notifications"][aria-current="page"]');
  assert.equal(await page.evaluate(() => window.__bulwarkNoReload), 'nav', 'navigation happened in the page');

  assert.deepEqual(problems.filter((p) => !p.includes('status of 400') && !p.includes('status of 401')), [], 'no script errors');
});
