// The Settings page (server-side validation messages, save, values kept after reload)
// and a destination's health log on the Destinations page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { setupAdmin, stopAll } from '../lib/console.mjs';

let server;
let browser;
let backupDir;

before(async () => {
  backupDir = mkdtempSync(join(tmpdir(), 'bulwark-e2e-settings-'));
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await stopAll(browser, server);
  rmSync(backupDir, { recursive: true, force: true });
});

test('settings are validated by the server, saved, and the health log shows checks', async () => {
  const { page, problems } = await openPage(browser);
  await setupAdmin(page, server);

  await page.goto(`${server.url}/settings`);
  await waitForHydration(page);
  assert.equal(await page.inputValue('#setting-max-concurrent-jobs'), '2');
  assert.equal(await page.inputValue('#setting-retention-audit-logs-days'), '365');
  await page.fill('#setting-max-concurrent-jobs', '0');
  await page.click('#settings-form button[type=submit]');
  await page.waitForSelector('#settings-form .form-error');
  assert.match(await page.textContent('#settings-form .form-error'), /Max concurrent jobs must be between 1 and 64/);
  await page.fill('#setting-max-concurrent-jobs', '3');
  await page.fill('#setting-health-check-interval-secs', '10');
  await page.click('#settings-form button[type=submit]');
  await page.waitForSelector('#settings-form .form-ok');
  await page.screenshot({ path: `${ARTIFACTS}/settings.png`, fullPage: true });
  await page.reload();
  await waitForHydration(page);
  assert.equal(await page.inputValue('#setting-max-concurrent-jobs'), '3');
  assert.equal(await page.inputValue('#setting-health-check-interval-secs'), '10');

  // A destination: the background checks (now every 10 s) fill its health log.
  await page.goto(`${server.url}/destinations`);
  await waitForHydration(page);
  await page.selectOption('#adapter-type', 'local');
  await page.waitForSelector('#field-path');
  await page.fill('#adapter-name', 'disk');
  await page.fill('#field-path', backupDir);
  await page.click('#adapter-form button[type=submit]');
  const row = 'tr[data-name="disk"]';
  await page.waitForSelector(row);
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.reload();
    await waitForHydration(page);
    if (await page.$(`${row} .health-online`)) break;
    assert.ok(Date.now() < deadline, 'the background check never marked the destination ONLINE');
    await new Promise((r) => setTimeout(r, 1000));
  }
  await page.click(`${row} .health-log-toggle`);
  await page.waitForSelector(`${row} .health-log-table .check-ok`);
  assert.match(await page.textContent(`${row} .health-log-table`), /OK\s*\d+ ms/);
  await page.screenshot({ path: `${ARTIFACTS}/health-log.png`, fullPage: true });
  assert.deepEqual(readdirSync(backupDir), [], 'a health check wrote into the destination');
  assert.deepEqual(problems.filter((p) => !/status of (400|401|409)/.test(p)), [], 'no script errors');
});
