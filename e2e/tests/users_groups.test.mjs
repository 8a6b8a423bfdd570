// Users & Groups and the profile's sessions, in the browser: a group made with two
// permission checkboxes, a user in it who sees only what those allow, disabling that
// user ends their session, and the admin ends another of their own sessions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
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

const WATCHER = { email: 'watcher@example.com', password: 'a watcher password long enough' };

async function signIn(page, who) {
  await page.goto(`${server.url}/login`);
  await waitForHydration(page);
  await page.fill('#login-email', who.email);
  await page.fill('#login-password', who.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL(`${server.url}/`);
  await waitForHydration(page);
}

const navLinks = (page) =>
  page.$$eval('nav[aria-label="Main"] a', (links) => links.map((a) => a.getAttribute('href')));

test('a group with two permissions, a user in it, disabling them, and ending a session', async () => {
  const { page, problems } = await openPage(browser);
  await setupAdmin(page, server);
  await waitForHydration(page);

  // Groups, through the tab on the Users page.
  await page.click('nav[aria-label="Main"] a[href="/users"]');
  await page.waitForURL(`${server.url}/users`);
  await page.click('.users-groups-tabs a[href="/groups"]');
  await page.waitForURL(`${server.url}/groups`);
  await page.waitForSelector('#create-group-form');
  await page.fill('#new-group-name', 'Job watchers');
  await page.fill('#new-group-description', 'See jobs and their runs');
  await page.check('#create-group-form input[data-permission="jobs:read"]');
  await page.check('#create-group-form input[data-permission="executions:read"]');
  await page.click('#create-group-form button[type=submit]');
  const groupRow = 'tr[data-group="Job watchers"]';
  await page.waitForSelector(groupRow);
  assert.match(await page.textContent(`${groupRow} .group-permissions`), /executions:read, jobs:read/);
  assert.equal((await page.textContent(`${groupRow} .group-members`)).trim(), '0');
  // Its edit form shows the two permissions ticked.
  await page.click(`${groupRow} .edit-group`);
  await page.waitForSelector('.edit-group-form');
  const ticked = await page.$$eval('.edit-group-form input[type=checkbox]:checked', (boxes) => boxes.map((b) => b.value));
  assert.deepEqual(ticked.sort(), ['executions:read', 'jobs:read']);
  await page.screenshot({ path: `${ARTIFACTS}/groups-edit.png`, fullPage: true });
  await page.click('.edit-group-form button[type=button]');
  await page.waitForSelector('.edit-group-form', { state: 'detached' });
  // The SuperAdmin group offers no delete.
  assert.equal(await page.$('tr[data-protected="true"] .delete-group'), null);

  // A user in that group.
  await page.click('.users-groups-tabs a[href="/users"]');
  await page.waitForURL(`${server.url}/users`);
  await page.waitForSelector('#create-user-form');
  await page.fill('#new-user-email', WATCHER.email);
  await page.fill('#new-user-name', 'Wanda Watcher');
  await page.fill('#new-user-password', WATCHER.password);
  await page.fill('#new-user-password-confirm', WATCHER.password);
  await page.selectOption('#new-user-group', { label: 'Job watchers' });
  await page.click('#create-user-form button[type=submit]');
  const userRow = `tr[data-email="${WATCHER.email}"]`;
  await page.waitForSelector(userRow);
  assert.match(await page.textContent(`${userRow} .user-group`), /Job watchers/);

  // They sign in elsewhere and see only what the group allows.
  const watcher = await openPage(browser);
  await signIn(watcher.page, WATCHER);
  // The sidebar fills in once the page knows who is signed in.
  await watcher.page.waitForSelector('nav[aria-label="Main"] a[href="/executions"]');
  assert.deepEqual((await navLinks(watcher.page)).filter((h) => h !== '/profile'), ['/', '/jobs', '/executions']);
  await watcher.page.screenshot({ path: `${ARTIFACTS}/users-groups-watcher.png`, fullPage: true });

  // Disabled by the admin, their next navigation lands on the sign-in page.
  await page.click(`${userRow} .disable-user`);
  await page.waitForSelector(`${userRow}[data-state="disabled"]`);
  await page.screenshot({ path: `${ARTIFACTS}/users-disabled.png`, fullPage: true });
  await watcher.page.goto(`${server.url}/executions`);
  await watcher.page.waitForURL(`${server.url}/login`);

  // The admin signs in a second time; the profile lists both sessions, and ending the
  // other one signs that browser out.
  const second = await openPage(browser);
  await signIn(second.page, ADMIN);
  await page.goto(`${server.url}/profile`);
  await waitForHydration(page);
  await page.waitForFunction(() => document.querySelectorAll('#sessions-table tbody tr').length === 2);
  assert.match(await page.textContent('#sessions-table tr[data-current="true"]'), /this session/);
  assert.match(await page.textContent('#sessions-table'), /Chrom\w* on Linux/);
  await page.screenshot({ path: `${ARTIFACTS}/profile-sessions.png`, fullPage: true });
  await page.click('#sessions-table tr[data-current="false"] .revoke-session');
  await page.waitForFunction(() => document.querySelectorAll('#sessions-table tbody tr').length === 1);
  await second.page.goto(`${server.url}/jobs`);
  await second.page.waitForURL(`${server.url}/login`);

  assert.deepEqual(problems, [], 'no script errors');
  assert.deepEqual(watcher.problems.filter((p) => !p.includes('401')), [], 'no script errors for the watcher');
  await watcher.context.close();
  await second.context.close();
});
