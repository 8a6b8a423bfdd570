// A backup followed live in the console: a SQLite source and a local destination (made
// through the adapters' server functions), a job (through the jobs server function),
// "run", then the execution's page shows the log and progress growing and the status
// turning to success without a reload; the list shows it too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { ADMIN, setupAdmin, stopAll } from '../lib/console.mjs';

let server;
let browser;
let work;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-e2e-exec-'));
  // ~5 MB of poorly compressible rows: brotli at level 11 (debug build) takes ~30 s on it.
  execFileSync('python3', ['-c', `
import sqlite3, os, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
db.executemany("INSERT INTO items (body) VALUES (?)", ((os.urandom(100).hex(),) for _ in range(25000)))
db.commit()
`, join(work, 'shop.db')]);
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await stopAll(browser, server);
  rmSync(work, { recursive: true, force: true });
});

/// Calls a server function from the signed-in page, as its forms do.
async function serverFn(page, endpoint, fields) {
  const { status, body } = await page.evaluate(async ([endpoint, fields]) => {
    const res = await fetch(`/api/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, body: await res.text() };
  }, [endpoint, fields]);
  assert.equal(status, 200, `${endpoint}: ${body}`);
  return JSON.parse(body);
}

test('a run followed live on its execution page', async () => {
  const { page, problems } = await openPage(browser);
  await setupAdmin(page, server);
  const dest = join(work, 'backups');
  mkdirSync(dest);
  const source = await serverFn(page, 'create_adapter', {
    kind: 'source', adapter_id: 'sqlite', name: 'shop', 'config[path]': join(work, 'shop.db'),
  });
  const destination = await serverFn(page, 'create_adapter', {
    kind: 'destination', adapter_id: 'local', name: 'disk', 'config[path]': dest,
  });
  const job = await serverFn(page, 'create_job', {
    'job[name]': 'Shop nightly', 'job[source_id]': String(source), 'job[destinations][0]': String(destination),
    'job[compression]': 'brotli', 'job[compression_level]': '11', 'job[cron]': '0 3 * * *',
    'job[timezone]': 'UTC', 'job[retention][kind]': 'keep_all', 'job[enabled]': 'false',
  });
  const id = await serverFn(page, 'run_job', { id: String(job) });

  await page.goto(`${server.url}/executions/${id}`);
  await waitForHydration(page);
  await page.evaluate(() => { window.__bulwarkNoReload = 'live'; });
  assert.match(await page.textContent('h1'), new RegExp(`Execution #${id}`));
  // Live: the progress bar reports bytes and throughput, and log lines arrive.
  await page.waitForSelector('#execution-progress[data-stage="dumping"]', { timeout: 30_000 });
  await page.waitForFunction(() => /read · .* stored · [\d.]+ MB\/s/.test(document.querySelector('.progress-text')?.textContent ?? ''));
  const linesWhileRunning = await page.$$eval('#execution-log .log-line', (l) => l.length);
  await page.screenshot({ path: `${ARTIFACTS}/execution-running.png`, fullPage: true });
  assert.equal((await page.textContent('h1 .badge.status')).trim(), 'running');

  // It finishes on its own, without a reload: success, sizes, checksum and the final log.
  await page.waitForFunction(() => document.querySelector('h1 .badge.status')?.textContent.trim() === 'success',
    null, { timeout: 120_000 });
  await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('#execution-checksum')?.textContent.trim() ?? ''));
  assert.equal(await page.$('#execution-progress'), null, 'the progress bar goes away');
  assert.equal(await page.evaluate(() => window.__bulwarkNoReload), 'live', 'the page was not reloaded');
  const log = await page.textContent('#execution-log');
  assert.match(log, /disk: stored shop_nightly\//);
  const linesAtEnd = await page.$$eval('#execution-log .log-line', (l) => l.length);
  assert.ok(linesAtEnd > linesWhileRunning, `log grew live: ${linesWhileRunning} → ${linesAtEnd}`);
  assert.match(await page.textContent('#execution-stored'), /\d/);
  assert.match(await page.textContent('#execution-destinations'), /stored/);
  assert.equal(await page.$('#cancel-execution'), null, 'no cancel once finished');
  await page.screenshot({ path: `${ARTIFACTS}/execution-success.png`, fullPage: true });
  assert.ok(readdirSync(join(dest, 'shop_nightly')).length === 2, 'object and manifest stored');

  // The list shows it, and filters by status.
  await page.goto(`${server.url}/executions`);
  await waitForHydration(page);
  const row = `#executions-table tr[data-id="${id}"]`;
  await page.waitForSelector(row);
  assert.match(await page.textContent(row), /Shop nightly/);
  assert.match(await page.textContent(`${row} .badge.status`), /success/);
  await page.selectOption('#executions-filter select[name=status]', 'failed');
  await page.click('#executions-filter button[type=submit]');
  await page.waitForURL(/status=failed/);
  await page.waitForSelector('.empty-note');
  await page.screenshot({ path: `${ARTIFACTS}/executions-list.png`, fullPage: true });

  assert.deepEqual(problems, []);
});

test('cancelling a running execution from its page', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${server.url}/login`);
  await waitForHydration(page);
  await page.fill('#login-email', ADMIN.email);
  await page.fill('#login-password', ADMIN.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL(`${server.url}/`);
  const jobs = await serverFn(page, 'list_jobs', {});
  const id = await serverFn(page, 'run_job', { id: String(jobs[0].id) });
  await page.goto(`${server.url}/executions/${id}`);
  await waitForHydration(page);
  await page.waitForSelector('#execution-progress[data-stage="dumping"]', { timeout: 30_000 });
  page.once('dialog', (d) => d.accept());
  await page.click('#cancel-execution');
  await page.waitForFunction(() => document.querySelector('h1 .badge.status')?.textContent.trim() === 'cancelled',
    null, { timeout: 30_000 });
  assert.deepEqual(problems, []);
});
