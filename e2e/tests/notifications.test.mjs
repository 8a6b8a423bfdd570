// Notifications through the console: a Slack channel added with the schema-rendered form
// and pointed at a local receiver; "Send test" reporting success; a job whose form
// subscribes the channel to failures, failing and sending its failure there; the delivery
// log previewing the Block Kit message as sent. The channel's webhook URL (a credential)
// never comes back to the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { setupAdmin, stopAll } from '../lib/console.mjs';
import { startCapture } from '../lib/capture.mjs';
import { assertNoSecrets } from '../lib/secrets.mjs';

const HOOK_TOKEN = 'T0E2E/B0E2E/hookSecret7Zq';
let server;
let browser;
let receiver;
let work;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-e2e-notify-'));
  receiver = await startCapture();
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await stopAll(browser, server);
  await receiver?.close();
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

test('a Slack channel: send test, a failing job notifies it, the log previews it', async () => {
  const { page, problems, responses } = await openPage(browser);
  await setupAdmin(page, server);

  // The channel, through the form the Slack schema draws.
  await page.goto(`${server.url}/notifications`);
  await waitForHydration(page);
  assert.match(await page.textContent('h1'), /Notification channels/);
  await page.selectOption('#adapter-type', 'slack');
  await page.waitForSelector('#field-webhook_url');
  await page.fill('#adapter-name', 'ops-slack');
  await page.fill('#field-webhook_url', `${receiver.url}/services/${HOOK_TOKEN}`);
  await page.click('#adapter-form button[type=submit]');
  const row = 'tr[data-name="ops-slack"]';
  await page.waitForSelector(row);

  // The receiver is on loopback, which channels reach only once a SuperAdmin allows it.
  assert.equal((await page.textContent(`${row} .test-connection`)).trim(), 'Send test');
  await page.click(`${row} .test-connection`);
  await page.waitForSelector(`${row} .test-result.failed`, { timeout: 30_000 });
  assert.match(
    await page.textContent(`${row} .test-result`),
    /127\.0\.0\.1 is a loopback address; notifications go only to public addresses unless a SuperAdmin allows private ones in Settings/,
  );
  assert.equal(receiver.requests.length, 0, 'nothing reached the receiver');
  await page.screenshot({ path: `${ARTIFACTS}/notification-private-refused.png`, fullPage: true });
  await page.goto(`${server.url}/settings`);
  await waitForHydration(page);
  await page.selectOption('#setting-notifications-allow-private-targets', '1');
  await page.click('#settings-form button[type=submit]');
  await page.waitForSelector('#settings-form .form-ok');
  await page.goto(`${server.url}/notifications`);
  await waitForHydration(page);
  await page.waitForSelector(row);

  // "Send test" delivers a real request and says so.
  await page.click(`${row} .test-connection`);
  await page.waitForSelector(`${row} .test-result.ok`, { timeout: 30_000 });
  assert.match(await page.textContent(`${row} .test-result`), /Test message delivered/);
  const testMessage = await receiver.waitFor((r) => r.path === `/services/${HOOK_TOKEN}`);
  assert.equal(JSON.parse(testMessage.body).blocks[0].text.text, 'Test message for ops-slack');
  await page.screenshot({ path: `${ARTIFACTS}/notification-channels.png`, fullPage: true });

  // A job whose source file is missing fails, and its failure goes to the channel.
  const dest = join(work, 'backups');
  mkdirSync(dest);
  const channel = (await serverFn(page, 'list_adapters', { kind: 'notification' }))
    .find((c) => c.name === 'ops-slack').id;
  const source = await serverFn(page, 'create_adapter', {
    kind: 'source', adapter_id: 'sqlite', name: 'gone', 'config[path]': join(work, 'missing.db'),
  });
  const destination = await serverFn(page, 'create_adapter', {
    kind: 'destination', adapter_id: 'local', name: 'disk', 'config[path]': dest,
  });
  // The job form lists the channel; "Failures only" subscribes it.
  await page.goto(`${server.url}/jobs`);
  await waitForHydration(page);
  await page.fill('#job-name', 'Doomed nightly');
  await page.selectOption('#job-add-destination', String(destination));
  await page.waitForSelector('#job-destinations li[data-id]');
  await page.selectOption('#job-source', String(source));
  await page.selectOption(`#job-channel-${channel}`, 'failure');
  await page.click('#job-save');
  const jobRow = 'tr[data-name="Doomed nightly"]';
  await page.waitForSelector(jobRow);
  await page.click(`${jobRow} .run-now`);
  await page.waitForSelector('#run-queued a[href^="/executions/"]');
  const execution = (await page.getAttribute('#run-queued a', 'href')).split('/').pop();
  const failure = await receiver.waitFor((r) => r.body.includes('Backup failed: Doomed nightly'), 60_000);
  const blocks = JSON.parse(failure.body).blocks;
  assert.equal(blocks[0].text.text, 'Backup failed: Doomed nightly');
  assert.equal(blocks.at(-1).elements[0].url, `${server.url}/executions/${execution}`);

  // The log lists both deliveries; the preview draws the blocks that were sent.
  await page.goto(`${server.url}/notifications/log`);
  await waitForHydration(page);
  const logged = '#notification-log-table tr[data-event="backup_failure"]';
  await page.waitForSelector(logged);
  assert.match(await page.textContent(logged), /ops-slack/);
  assert.match(await page.textContent(logged), /sent/i);
  assert.ok(await page.$('#notification-log-table tr[data-event="test"]'), 'the test message is logged too');
  await page.click(`${logged} .preview-toggle`);
  const preview = '.preview-row .notification-preview[data-channel="slack"]';
  await page.waitForSelector(`${preview} .slack-preview`);
  assert.equal((await page.textContent(`${preview} .slack-header`)).trim(), 'Backup failed: Doomed nightly');
  assert.match(await page.textContent(`${preview} .slack-preview`), /missing\.db/);
  await page.screenshot({ path: `${ARTIFACTS}/notification-log.png`, fullPage: true });

  await assertNoSecrets(responses, { 'webhook URL token': HOOK_TOKEN });
  assert.deepEqual(problems, []);
});
