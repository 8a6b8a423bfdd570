// Jobs through the console: a SQLite source and a local destination made in the forms,
// a job whose schedule preview follows the typing, an invalid cron with the parser's
// reason, Run now, and the run ending in success with the backup on disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { setupAdmin, stopAll } from '../lib/console.mjs';

let server;
let browser;
let work;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-e2e-jobs-'));
  execFileSync('sqlite3', [join(work, 'shop.db'),
    "CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO items (body) VALUES ('one'), ('two');"]);
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await stopAll(browser, server);
  rmSync(work, { recursive: true, force: true });
});

async function addAdapter(page, path, type, name, fieldPath) {
  await page.goto(`${server.url}/${path}`);
  await waitForHydration(page);
  await page.selectOption('#adapter-type', type);
  await page.waitForSelector('#field-path');
  await page.fill('#adapter-name', name);
  await page.fill('#field-path', fieldPath);
  await page.click('#adapter-form button[type=submit]');
  await page.waitForSelector(`tr[data-name="${name}"]`);
}

async function textOf(page, selector) {
  return (await page.textContent(selector)).trim();
}

test('a job made in the console runs now and stores its backup', async () => {
  const { page, problems } = await openPage(browser);
  await setupAdmin(page, server);
  const backups = join(work, 'backups');
  execFileSync('mkdir', ['-p', backups]);
  await addAdapter(page, 'destinations', 'local', 'disk', backups);
  await addAdapter(page, 'sources', 'sqlite', 'shop', join(work, 'shop.db'));

  await page.goto(`${server.url}/jobs`);
  await waitForHydration(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.fill('#job-name', 'Nightly Shop');
  await page.selectOption('#job-add-destination', { index: 1 });
  await page.waitForSelector('#job-destinations li[data-id]');
  assert.match(await textOf(page, '#job-destinations'), /disk/);
  // No encryption profile exists: the form says plainly what that means.
  assert.match(await textOf(page, '#job-unencrypted-warning'), /will NOT be encrypted/);

  // The preview follows the typing: description and five next runs.
  await page.fill('#job-cron', '*/30 * * * * *');
  await page.waitForFunction(() => /30 seconds/i.test(document.querySelector('#cron-description')?.textContent ?? ''));
  assert.equal(await page.locator('#cron-next li').count(), 5);
  await page.fill('#job-timezone', 'Europe/Berlin');
  await page.fill('#job-cron', '0 2 * * *');
  await page.waitForFunction(() => /02:00/.test(document.querySelector('#cron-description')?.textContent ?? ''));
  await page.waitForFunction(() => [...document.querySelectorAll('#cron-next li')].every((li) => / 02:00:00 CE/.test(li.textContent)));
  assert.equal(await page.locator('#cron-next li').count(), 5);
  // Every second of 09:30: five adjacent seconds, none skipped.
  await page.fill('#job-cron', '* 30 9 * * *');
  await page.waitForFunction(() => {
    const runs = [...document.querySelectorAll('#cron-next li')].map((li) => li.textContent);
    return runs.length === 5 && runs.every((text, i) => text.includes(` 09:30:0${i} `));
  });
  await page.click('#cron-help summary');
  assert.match(await textOf(page, '#cron-help'), /runs at the end of the gap/);
  await page.fill('#job-cron', '61 * * * *');
  await page.waitForSelector('#cron-error');
  assert.match(await textOf(page, '#cron-error'), /invalid cron expression "61 \* \* \* \*"/);
  await page.click('.cron-presets button[data-cron="0 2 * * *"]');
  await page.waitForSelector('#cron-next li');
  assert.equal(await page.inputValue('#job-cron'), '0 2 * * *');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload while typing');
  await page.screenshot({ path: `${ARTIFACTS}/job-form.png`, fullPage: true });

  await page.click('#job-save');
  const row = 'tr[data-name="Nightly Shop"]';
  await page.waitForSelector(row);
  assert.match(await textOf(page, `${row} .job-schedule`), /02:00/);
  assert.match(await textOf(page, `${row} .job-next`), /02:00:00/);
  assert.match(await textOf(page, `${row} .job-last-run`), /never/);

  await page.click(`${row} .run-now`);
  await page.waitForSelector('#run-queued a[href^="/executions/"]');
  await page.waitForSelector(`${row} .job-last-run [data-status="success"]`, { timeout: 60_000 });
  const stored = readdirSync(join(backups, 'nightly_shop'));
  assert.ok(stored.some((f) => /_sqlite-shop\.sqlite\.zst$/.test(f)), `backup file in ${stored}`);
  assert.ok(stored.some((f) => f.endsWith('.manifest.json')), `manifest in ${stored}`);

  // Editing shows what the retention policy would do with the backup now there.
  await page.click(`${row} button:has-text("Edit")`);
  await page.waitForFunction(() => /1 backup\(s\), 0 would be deleted/.test(document.querySelector('#retention-preview')?.textContent ?? ''));
  await page.screenshot({ path: `${ARTIFACTS}/jobs.png`, fullPage: true });
  // The invalid expression's preview is answered 400, which the browser logs.
  const unexpected = problems.filter((p) => !/status of 400/.test(p));
  assert.deepEqual(unexpected, [], `no console errors: ${unexpected.join('\n')}`);
});
