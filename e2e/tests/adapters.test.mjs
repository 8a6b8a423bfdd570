// Sources, destinations and encryption through the console: forms rendered from the
// adapter schemas, "Test connection" with the adapter's own words, health badges,
// write-only secrets, and a new age profile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { setupAdmin, stopAll } from '../lib/console.mjs';

const TYPED_SECRET = 'e2e-Typed-Secret-91x';
let server;
let browser;
let backupDir;

// The PostgreSQL to point a wrong login at: TEST_PG_URL's host and port, or a closed port.
function pgTarget() {
  if (!process.env.TEST_PG_URL) return { host: '127.0.0.1', port: '1', expect: /host unreachable/ };
  const url = new URL(process.env.TEST_PG_URL);
  return { host: url.hostname, port: url.port || '5432', expect: /authentication failed/ };
}

before(async () => {
  backupDir = mkdtempSync(join(tmpdir(), 'bulwark-e2e-dest-'));
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await stopAll(browser, server);
  rmSync(backupDir, { recursive: true, force: true });
});

test('destinations, sources and encryption profiles through the console', async () => {
  const { page, problems } = await openPage(browser);
  await setupAdmin(page, server);

  // A local directory destination, added through the schema-rendered form.
  await page.goto(`${server.url}/destinations`);
  await waitForHydration(page);
  await page.selectOption('#adapter-type', 'local');
  await page.waitForSelector('#field-path');
  // What the chosen destination can do, from its registry entry.
  assert.match(await page.textContent('#adapter-capabilities'), /deletes old backups \(retention\).*temporary name/);
  await page.selectOption('#adapter-type', 's3');
  await page.waitForFunction(() => /uploads in parts/.test(document.querySelector('#adapter-capabilities')?.textContent ?? ''));
  // A provider preset fills endpoint, region and addressing, and says what is left.
  await page.click('#adapter-presets button[data-preset="garage"]');
  assert.equal(await page.inputValue('#field-endpoint'), 'http://<garage-host>:3900');
  assert.equal(await page.inputValue('#field-region'), 'garage');
  assert.equal(await page.isChecked('#field-path_style'), true);
  assert.match(await page.textContent('#preset-note'), /Replace <garage-host>/);
  await page.click('#adapter-presets button[data-preset="aws"]');
  assert.equal(await page.inputValue('#field-endpoint'), '');
  assert.equal(await page.isChecked('#field-path_style'), false);
  await page.selectOption('#adapter-type', 'local');
  await page.waitForSelector('#field-path');
  await page.fill('#adapter-name', 'disk');
  await page.fill('#field-path', backupDir);
  await page.click('#adapter-form button[type=submit]');
  const row = 'tr[data-name="disk"]';
  await page.waitForSelector(row);
  assert.match(await page.textContent(`${row} .health-cell`), /UNKNOWN/);
  await page.click(`${row} .test-connection`);
  await page.waitForSelector(`${row} .test-result.ok`);
  assert.match(await page.textContent(`${row} .test-result`), /Connection OK \(\d+ ms\)/);
  await page.waitForSelector(`${row} .health-online`);
  assert.equal((await page.textContent(`${row} .badge.health`)).trim(), 'ONLINE');
  await page.screenshot({ path: `${ARTIFACTS}/destinations.png`, fullPage: true });

  // A PostgreSQL source with a wrong login: Test connection shows the precise error.
  const pg = pgTarget();
  await page.goto(`${server.url}/sources`);
  await waitForHydration(page);
  await page.selectOption('#adapter-type', 'postgres');
  await page.waitForSelector('#field-host');
  await page.fill('#adapter-name', 'wrong-login');
  await page.fill('#field-host', pg.host);
  await page.fill('#field-port', pg.port);
  await page.fill('#field-username', 'bulwark_nobody');
  await page.fill('#field-password', TYPED_SECRET);
  await page.selectOption('#field-sslmode', 'disable');
  await page.click('#adapter-form-test');
  await page.waitForSelector('#adapter-form .test-result.failed');
  assert.match(await page.textContent('#adapter-form .test-result'), pg.expect);
  await page.click('#adapter-form button[type=submit]');
  const source = 'tr[data-name="wrong-login"]';
  await page.waitForSelector(source);
  await page.click(`${source} .test-connection`);
  await page.waitForSelector(`${source} .test-result.failed`);
  assert.match(await page.textContent(`${source} .test-result`), pg.expect);
  await page.waitForSelector(`${source} .health-degraded`);
  assert.match(await page.textContent(`${source} .health-error`), pg.expect);

  // The secret is write-only: editing shows it as set, and no HTML carries it.
  await page.click(`${source} button:has-text("Edit")`);
  await page.waitForSelector('#adapter-form .secret-set');
  assert.equal(await page.inputValue('#field-password'), '');
  assert.equal(await page.getAttribute('#field-password', 'placeholder'), 'set — leave empty to keep');
  assert.ok(!(await page.content()).includes(TYPED_SECRET), 'the live page holds the password');
  const served = await page.request.get(`${server.url}/sources`);
  assert.ok(!(await served.text()).includes(TYPED_SECRET), 'the served HTML holds the password');
  const listed = await page.request.post(`${server.url}/api/list_adapters`, {
    form: { kind: 'source' },
    headers: { Origin: server.url },
  });
  assert.equal(listed.status(), 200);
  assert.ok(!(await listed.text()).includes(TYPED_SECRET), 'the list response holds the password');
  await page.screenshot({ path: `${ARTIFACTS}/sources-edit.png`, fullPage: true });

  // An encryption profile: a fresh age identity; the recipient is shown.
  await page.goto(`${server.url}/encryption`);
  await waitForHydration(page);
  await page.fill('#profile-name', 'offsite');
  await page.click('#create-profile-form button[type=submit]');
  await page.waitForSelector('#created-recipient');
  const recipient = (await page.textContent('#created-recipient')).trim();
  assert.match(recipient, /^age1[0-9a-z]{58}$/);
  const card = '.profile-card[data-name="offsite"]';
  await page.waitForSelector(card);
  assert.match(await page.textContent(card), new RegExp(recipient));

  // The identity downloads once, behind a warning.
  await page.click(`${card} .download-identity`);
  assert.match(await page.textContent(`${card} .warning`), /Whoever holds this file can read every backup/);
  await page.click(`${card} .confirm-download`);
  await page.waitForSelector('#identity-panel');
  assert.match(await page.inputValue('#identity-panel textarea'), /AGE-SECRET-KEY-1/);
  await page.waitForSelector(`${card} .identity-state.downloaded`);
  assert.equal(await page.$(`${card} .download-identity`), null, 'no second download offered');
  await page.screenshot({ path: `${ARTIFACTS}/encryption.png`, fullPage: true });

  assert.deepEqual(problems.filter((p) => !/status of (400|401|409)/.test(p)), [], 'no script errors');
});
