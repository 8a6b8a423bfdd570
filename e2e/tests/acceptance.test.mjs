// The issue's acceptance scenario, end to end in the browser with real services:
// a PostgreSQL source and an S3 destination made through the forms (Test connection
// succeeds), an age encryption profile, a job on a seconds-level schedule that runs by
// itself; its execution page shows the log and the progress live and ends in success;
// the encrypted object and its manifest are in the bucket; restoring it from the
// storage explorer into a new database gives the same data, and Verify succeeds.
//
// Needs TEST_PG_URL, TEST_S3S_ENDPOINT and TEST_S3S_ROOT (the test services' env file).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { ADMIN, setupAdmin, stopAll } from '../lib/console.mjs';
import { assertNoSecrets } from '../lib/secrets.mjs';
import { createDatabase, databaseExists, dropDatabase, fingerprint, pgUrl, psql, uniqueName } from '../lib/pg.mjs';

// ~40 MB of random bytea (plus small tables): long enough (several seconds in a debug
// build) for the execution page to be watched while the run is going on.
const BULK_ROWS = 20_000;
const JOB = 'Acceptance PG';
const SOURCE = 'pg-acceptance';
const DESTINATION = 's3-acceptance';
const PROFILE = 'acceptance-key';
const PREFIX = 'acceptance';

const original = uniqueName('bulwark_e2e_acceptance');
const restored = `${original}_restored`;
const bucket = uniqueName('e2e-acceptance').replace(/_/g, '-');
let bucketDir;
let server;
let browser;

const SEED = `
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SEQUENCE invoice_no START 1000 INCREMENT 7;
CREATE TABLE customers (
  id serial PRIMARY KEY,
  name text NOT NULL,
  email text,
  city text,
  balance numeric(12,2),
  created_at timestamptz NOT NULL
);
INSERT INTO customers (name, email, city, balance, created_at)
SELECT (ARRAY['Zoë Ångström','Jürgen Groß','Łukasz Żółć','Đorđe Šćepanović','Søren Kierkegård',
              '名前 太郎','Фёдор Достоевский','Ελένη Παπαδοπούλου','O''Brien, "Tess"','emoji 🐘🚀'])[1 + g % 10] || ' #' || g,
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'user' || g || '@example.com' END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE (ARRAY['München','Kraków','Québec','東京','Αθήνα'])[1 + g % 5] END,
       CASE WHEN g % 11 = 0 THEN NULL ELSE round((g * 37.13) % 10000, 2) END,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 3000) g;
CREATE TABLE invoices (
  id integer PRIMARY KEY DEFAULT nextval('invoice_no'),
  customer_id integer NOT NULL REFERENCES customers(id),
  note text,
  amount numeric(12,2) NOT NULL
);
ALTER SEQUENCE invoice_no OWNED BY invoices.id;
INSERT INTO invoices (customer_id, note, amount)
SELECT 1 + g % 3000,
       CASE WHEN g % 3 = 0 THEN NULL ELSE E'line one\\nline two\\ttab — “quotes” ' || g END,
       (g % 997) + 0.99
FROM generate_series(1, 5000) g;
CREATE TABLE attachments (
  id bigserial PRIMARY KEY,
  customer_id integer REFERENCES customers(id),
  filename text NOT NULL,
  payload bytea
);
INSERT INTO attachments (customer_id, filename, payload)
SELECT CASE WHEN g % 13 = 0 THEN NULL ELSE 1 + g % 3000 END,
       'scan-' || g || '.bin',
       CASE WHEN g % 17 = 0 THEN NULL ELSE gen_random_bytes(1024) || gen_random_bytes(1024) END
FROM generate_series(1, ${BULK_ROWS}) g;
ANALYZE;
`;

before(async () => {
  for (const v of ['TEST_PG_URL', 'TEST_S3S_ENDPOINT', 'TEST_S3S_ROOT']) {
    if (!process.env[v]) throw new Error(`${v} is not set: source /tmp/bulwark-test-services/services.env`);
  }
  createDatabase(original);
  psql(original, SEED);
  // The bucket is made with the test service's own means (s3s-fs: a directory), not by Bulwark.
  bucketDir = join(process.env.TEST_S3S_ROOT, bucket);
  mkdirSync(bucketDir);
  server = await startServer();
  browser = await launch();
});

after(async () => {
  try {
    await stopAll(browser, server);
  } finally {
    for (const db of [original, restored]) {
      try { dropDatabase(db); } catch (e) { console.error(`dropping ${db}: ${e.message}`); }
    }
    if (bucketDir) rmSync(bucketDir, { recursive: true, force: true });
  }
});

/// Polls `probe` until it returns a truthy value; fails saying what was awaited.
async function until(what, probe, { timeout = 30_000, every = 250 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, every));
  }
}

async function textOf(page, selector) {
  return ((await page.textContent(selector)) ?? '').trim();
}

async function statusOf(page) {
  return (await page.textContent('h1 .badge.status').catch(() => null))?.trim() ?? null;
}

/// Waits on an execution page until its status (followed live) is final; it must be success.
async function waitForSuccess(page, what, timeout = 90_000) {
  await page.waitForFunction(() => !['pending', 'running', undefined].includes(
    document.querySelector('h1 .badge.status')?.textContent.trim()), null, { timeout })
    .catch(async (e) => {
      throw new Error(`${what}: not finished after ${timeout / 1000} s (status "${await statusOf(page)}"): ${e.message}`);
    });
  const status = await statusOf(page);
  if (status !== 'success') {
    const error = await page.textContent('.execution-error').catch(() => '');
    const log = await page.textContent('#execution-log').catch(() => '');
    assert.fail(`${what} ended "${status}", not success: ${error}\n${log}`);
  }
}

/// Every file under a directory (relative paths), hidden ones (partial uploads) excepted.
function filesUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p).map((f) => join(e.name, f)));
    else out.push(e.name);
  }
  return out.sort();
}

/// Picks, in a <select>, the option whose text starts with `name` (options read "name (detail)").
async function selectByName(page, selector, name) {
  const value = await page.$eval(selector, (s, name) =>
    [...s.options].find((o) => o.textContent.trim() === name || o.textContent.trim().startsWith(`${name} (`))?.value, name);
  assert.ok(value, `${selector} offers "${name}"`);
  await page.selectOption(selector, value);
  return value;
}

let current = 'start';
async function step(page, name, body) {
  current = name;
  const t0 = Date.now();
  try {
    const v = await body();
    console.log(`  ✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return v;
  } catch (e) {
    const shot = join(ARTIFACTS, 'acceptance-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    e.message = `[${name}] ${e.message}\n  screenshot: ${shot}; server log: ${server?.logPath}`;
    throw e;
  }
}

test('acceptance: scheduled PostgreSQL → S3 backup, live, restored from the storage explorer', async () => {
  const { page, problems, responses } = await openPage(browser);
  const pg = pgUrl();
  const before = fingerprint(original);
  assert.deepEqual(Object.keys(before).filter((k) => !k.startsWith('sequence')),
    ['public.attachments', 'public.customers', 'public.invoices'], 'the seeded tables');
  assert.equal(before['public.attachments'].rows, BULK_ROWS);

  await step(page, 'sign in', () => setupAdmin(page, server));

  await step(page, 'PostgreSQL source through the form', async () => {
    await page.goto(`${server.url}/sources`);
    await waitForHydration(page);
    await page.selectOption('#adapter-type', 'postgres');
    await page.waitForSelector('#field-host');
    await page.fill('#adapter-name', SOURCE);
    await page.fill('#field-host', pg.hostname);
    await page.fill('#field-port', pg.port || '5432');
    await page.fill('#field-username', decodeURIComponent(pg.username));
    if (pg.password) await page.fill('#field-password', decodeURIComponent(pg.password));
    await page.selectOption('#field-sslmode', 'disable');
    await page.click('#adapter-form-test');
    await page.waitForSelector('#adapter-form .test-result:is(.ok, .failed)', { timeout: 30_000 });
    assert.match(await textOf(page, '#adapter-form .test-result'), /Connection OK \(\d+ ms\)/);
    await page.click('#adapter-form button[type=submit]');
    const row = `tr[data-name="${SOURCE}"]`;
    await page.waitForSelector(row);
    await page.click(`${row} .test-connection`);
    await page.waitForSelector(`${row} .test-result:is(.ok, .failed)`, { timeout: 30_000 });
    assert.match(await textOf(page, `${row} .test-result`), /Connection OK \(\d+ ms\)/);
    await page.waitForSelector(`${row} .health-online`);
  });

  const destinationId = await step(page, 'S3 destination through the form', async () => {
    await page.goto(`${server.url}/destinations`);
    await waitForHydration(page);
    await page.selectOption('#adapter-type', 's3');
    await page.waitForSelector('#field-bucket');
    await page.fill('#adapter-name', DESTINATION);
    await page.fill('#field-endpoint', process.env.TEST_S3S_ENDPOINT);
    await page.fill('#field-region', 'us-east-1');
    await page.fill('#field-bucket', bucket);
    await page.fill('#field-prefix', PREFIX);
    await page.check('#field-path_style');
    await page.fill('#field-access_key_id', 'testkey');
    await page.fill('#field-secret_access_key', 'testsecret');
    await page.click('#adapter-form-test');
    await page.waitForSelector('#adapter-form .test-result:is(.ok, .failed)', { timeout: 30_000 });
    assert.match(await textOf(page, '#adapter-form .test-result'), /Connection OK \(\d+ ms\)/);
    await page.click('#adapter-form button[type=submit]');
    const row = `tr[data-name="${DESTINATION}"]`;
    await page.waitForSelector(row);
    await page.click(`${row} .test-connection`);
    await page.waitForSelector(`${row} .test-result:is(.ok, .failed)`, { timeout: 30_000 });
    assert.match(await textOf(page, `${row} .test-result`), /Connection OK \(\d+ ms\)/);
    await page.waitForSelector(`${row} .health-online`);
    return page.getAttribute(row, 'data-id');
  });

  await step(page, 'encryption profile', async () => {
    await page.goto(`${server.url}/encryption`);
    await waitForHydration(page);
    await page.fill('#profile-name', PROFILE);
    await page.click('#create-profile-form button[type=submit]');
    await page.waitForSelector('#created-recipient');
    const r = await textOf(page, '#created-recipient');
    assert.match(r, /^age1[0-9a-z]{58}$/);
    await page.waitForSelector(`.profile-card[data-name="${PROFILE}"]`);
  });

  const jobId = await step(page, 'job with a seconds-level schedule', async () => {
    await page.goto(`${server.url}/jobs`);
    await waitForHydration(page);
    await page.fill('#job-name', JOB);
    await selectByName(page, '#job-source', SOURCE);
    await page.click('#job-list-databases');
    const choice = page.locator('.database-choices label.checkbox', { hasText: new RegExp(`^\\s*${original}\\s*$`) });
    await choice.waitFor({ timeout: 30_000 });
    await choice.locator('input').check();
    assert.equal((await page.inputValue('#job-databases')).trim(), original);
    await selectByName(page, '#job-add-destination', DESTINATION);
    await page.waitForSelector(`#job-destinations li[data-id="${destinationId}"]`);
    await page.selectOption('#job-compression', 'zstd');
    await selectByName(page, '#job-encryption', PROFILE);
    assert.equal(await page.$('#job-unencrypted-warning'), null, 'no "unencrypted" warning with a profile chosen');
    await page.fill('#job-cron', '*/5 * * * * *');
    await page.waitForFunction(() => /5 seconds/i.test(document.querySelector('#cron-description')?.textContent ?? ''));
    assert.ok(await page.isChecked('#job-enabled'), 'the job is enabled');
    await page.click('#job-save');
    const row = `tr[data-name="${JOB}"]`;
    await page.waitForSelector(row);
    assert.match(await textOf(page, `${row} .job-schedule`), /\*\/5 \* \* \* \* \*/);
    assert.equal(await page.$(`${row} .badge.warn`), null, 'the job is not marked unencrypted');
    return page.getAttribute(row, 'data-id');
  });

  // No "Run now": the schedule starts it. The list is server-rendered; reload until it shows.
  const executionId = await step(page, 'the job runs by itself', async () => {
    return until(`an execution of job #${jobId} in /executions`, async () => {
      await page.goto(`${server.url}/executions?job_id=${jobId}`);
      return page.getAttribute('#executions-table tbody tr[data-id]', 'data-id', { timeout: 1000 });
    }, { timeout: 30_000, every: 200 });
  });

  await step(page, 'live log and progress on the execution page', async () => {
    await page.goto(`${server.url}/executions/${executionId}`);
    await waitForHydration(page);
    // Records what changes on the page, and the status at that moment: log lines and
    // progress texts that appear while the status still reads "running" came live.
    await page.evaluate(() => {
      window.__bulwarkNoReload = 'live';
      const status = () => document.querySelector('h1 .badge.status')?.textContent.trim();
      const seqs = () => [...document.querySelectorAll('#execution-log .log-line')].map((l) => l.dataset.seq);
      const seen = new Set(seqs());
      const live = { initialLines: seen.size, linesWhileRunning: [], progressWhileRunning: new Set() };
      window.__live = live;
      new MutationObserver(() => {
        const running = status() === 'running';
        for (const seq of seqs()) {
          if (!seen.has(seq)) {
            seen.add(seq);
            if (running) live.linesWhileRunning.push(seq);
          }
        }
        const progress = document.querySelector('#execution-progress .progress-text')?.textContent;
        if (running && progress) live.progressWhileRunning.add(progress);
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    assert.match(await textOf(page, 'h1'), new RegExp(`Execution #${executionId}`));
    assert.match(await textOf(page, 'h1 + p.muted'), new RegExp(`backup of ${JOB}, schedule trigger`));
    const first = await statusOf(page);
    assert.ok(['pending', 'running'].includes(first),
      `the run was already "${first}" when its page opened: it must still be going on to watch it live (more data?)`);
    await page.waitForSelector('#execution-progress[data-stage="dumping"]', { timeout: 30_000 });
    await page.waitForFunction(
      () => /read · .* stored · [\d.]+ MB\/s/.test(document.querySelector('.progress-text')?.textContent ?? ''));
    assert.equal(await statusOf(page), 'running');
    const linesWhileRunning = await page.$$eval('#execution-log .log-line', (l) => l.length);
    await page.screenshot({ path: join(ARTIFACTS, 'acceptance-running.png'), fullPage: true });

    // Meanwhile, in another tab: disable the job so the schedule stops firing.
    const other = await page.context().newPage();
    await other.goto(`${server.url}/jobs`);
    await waitForHydration(other);
    await other.uncheck(`tr[data-id="${jobId}"] .job-enabled`);
    await until('the job to show as disabled after a reload', async () => {
      await other.reload();
      return !(await other.isChecked(`tr[data-id="${jobId}"] .job-enabled`));
    }, { timeout: 10_000 });
    await other.close();

    await waitForSuccess(page, `execution #${executionId}`);
    await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('#execution-checksum')?.textContent.trim() ?? ''));
    assert.equal(await page.$('#execution-progress'), null, 'the progress bar goes away');
    assert.equal(await page.evaluate(() => window.__bulwarkNoReload), 'live', 'the page was not reloaded');
    const linesAtEnd = await page.$$eval('#execution-log .log-line', (l) => l.length);
    assert.ok(linesAtEnd > linesWhileRunning, `the log grew: ${linesWhileRunning} → ${linesAtEnd}`);
    const live = await page.evaluate(() => ({
      initialLines: window.__live.initialLines,
      linesWhileRunning: window.__live.linesWhileRunning,
      progress: [...window.__live.progressWhileRunning],
    }));
    assert.ok(live.linesWhileRunning.length > 0,
      `log lines appeared while the run was going on (live, not the final reload): ${JSON.stringify(live)}`);
    console.log(`    live while running: ${live.linesWhileRunning.length} log line(s), ${live.progress.length} progress text(s)`);
    assert.ok(live.progress.length >= 2, `the progress text changed while running: ${JSON.stringify(live.progress)}`);
    assert.match(await textOf(page, '#execution-log'), new RegExp(`${DESTINATION}: stored `));
    assert.match(await textOf(page, '#execution-destinations'), /stored/);
    await page.screenshot({ path: join(ARTIFACTS, 'acceptance-success.png'), fullPage: true });
  });

  const object = await step(page, 'the encrypted object and its manifest are in the bucket', async () => {
    const files = filesUnder(bucketDir);
    const objects = files.filter((f) => !f.endsWith('.manifest.json'));
    assert.equal(objects.length, 1, `one backup object in the bucket (the job was disabled after one run): ${files}`);
    const key = objects[0];
    assert.match(key, new RegExp(`^${PREFIX}/acceptance_pg/\\d{8}T\\d{6}(\\.\\d{3})?Z_postgres-${original}\\.dump\\.zst\\.age$`));
    assert.ok(files.includes(`${key}.manifest.json`), `manifest beside ${key}: ${files}`);
    const bytes = readFileSync(join(bucketDir, key));
    assert.ok(bytes.length > 1_000_000, `the object holds the dump: ${bytes.length} bytes`);
    assert.ok(bytes.subarray(0, 21).toString() === 'age-encryption.org/v1', 'the object is age-encrypted');
    const manifest = JSON.parse(readFileSync(join(bucketDir, `${key}.manifest.json`), 'utf8'));
    assert.equal(`${PREFIX}/${manifest.object}`, key);
    assert.deepEqual(manifest.databases, [original]);
    assert.equal(manifest.compression, 'zstd');
    assert.equal(manifest.encryption.kind, 'age-x25519');
    assert.equal(manifest.stored_bytes, bytes.length);
    assert.equal(manifest.sha256, createHash('sha256').update(bytes).digest('hex'), 'manifest SHA-256 matches the object');
    assert.equal(await textOf(page, '#execution-checksum'), manifest.sha256, 'the page shows the stored checksum');
    return { key, relative: manifest.object, sha256: manifest.sha256 };
  });

  const backupRow = await step(page, 'the storage explorer lists the backup', async () => {
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    await page.click('nav a[href="/storage"], aside a[href="/storage"], a[href="/storage"]');
    await page.waitForURL(`${server.url}/storage`);
    const link = page.locator(`a[href="/storage/${destinationId}"]`);
    await link.waitFor({ timeout: 15_000 });
    assert.equal((await link.textContent()).trim(), DESTINATION);
    await link.click();
    await page.waitForURL(`${server.url}/storage/${destinationId}`);
    await waitForHydration(page);
    const rows = page.locator('[data-testid="backups"] tr[data-object]');
    await rows.first().waitFor({ timeout: 30_000 });
    const keys = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-object')));
    const matching = keys.filter((k) => k === object.key || k === object.relative || k.endsWith(`/${object.relative}`));
    assert.equal(matching.length, 1, `one row for ${object.key} among ${keys}`);
    const row = `[data-testid="backups"] tr[data-object="${matching[0]}"]`;
    for (const b of ['Verify', 'Restore…', 'Delete…']) {
      assert.equal(await page.locator(`${row} button`, { hasText: b }).count(), 1, `a "${b}" button in ${row}`);
    }
    assert.match(await textOf(page, row), new RegExp(`age \\(${PROFILE}\\)`), 'the row names the encryption profile');
    const download = page.locator(`${row} a`, { hasText: 'Download' });
    assert.equal(await download.count(), 1, `a Download link in ${row}`);
    const href = await download.getAttribute('href');
    assert.ok(href, 'the Download link has an href');
    const served = await page.request.get(new URL(href, server.url).toString());
    assert.equal(served.status(), 200, `Download ${href}`);
    assert.equal(createHash('sha256').update(await served.body()).digest('hex'), object.sha256,
      'Download serves the stored (encrypted) object');
    await page.screenshot({ path: join(ARTIFACTS, 'acceptance-storage.png'), fullPage: true });
    return row;
  });

  await step(page, 'restore into a new database from the storage explorer', async () => {
    assert.ok(!databaseExists(restored), `${restored} does not exist yet`);
    await page.locator(`${backupRow} button`, { hasText: 'Restore…' }).click();
    const form = 'form[data-testid="restore-form"]';
    await page.waitForSelector(form);
    await page.selectOption(`${form} select[name="source_id"]`, { label: SOURCE });
    assert.equal(await page.inputValue(`${form} input[name="database"]`), original, 'the original database name is prefilled');
    await page.fill(`${form} input[name="database"]`, restored);
    await page.locator(`${form} button`, { hasText: 'Start restore' }).click();
    await page.waitForURL(/\/executions\/\d+$/, { timeout: 30_000 });
    await waitForHydration(page);
    await waitForSuccess(page, 'the restore', 90_000);
    await page.screenshot({ path: join(ARTIFACTS, 'acceptance-restored.png'), fullPage: true });
  });

  await step(page, 'the restored database holds equal data', async () => {
    assert.ok(databaseExists(restored), `${restored} was created`);
    assert.deepEqual(fingerprint(restored), before);
  });

  await step(page, 'verify from the storage explorer', async () => {
    await page.goto(`${server.url}/storage/${destinationId}`);
    await waitForHydration(page);
    await page.waitForSelector(backupRow);
    const startUrl = page.url();
    await page.locator(`${backupRow} button`, { hasText: 'Verify' }).click();
    // Either the browser goes to the verify execution, or the page links to it.
    const target = await until('the verify execution (page or link)', async () => {
      if (/\/executions\/\d+$/.test(page.url()) && page.url() !== startUrl) return page.url();
      const href = await page.getAttribute('a[href^="/executions/"]', 'href', { timeout: 200 }).catch(() => null);
      return href ? `${server.url}${href}` : null;
    }, { timeout: 30_000 });
    if (page.url() !== target) await page.goto(target);
    await waitForHydration(page);
    await waitForSuccess(page, 'the verify', 90_000);
    assert.match(await textOf(page, 'h1 + p.muted'), /verify/i);
  });

  // Everything the browser received during the run: the password and the S3 secret
  // key typed into the forms never came back.
  const scanned = await assertNoSecrets(responses, { 'admin password': ADMIN.password, 'S3 secret key': 'testsecret' });
  assert.ok(scanned > 20, `only ${scanned} responses captured`);
  const unexpected = problems.filter((p) => !/status of (400|401|409)/.test(p));
  assert.deepEqual(unexpected, [], `no script errors: ${unexpected.join('\n')}`);
});
