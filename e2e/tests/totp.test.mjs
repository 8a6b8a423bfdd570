// The authenticator app (TOTP): set up from the profile page with a code computed from
// the secret shown there, ten backup codes, then sign-ins with a code and with a
// backup code that lead through /login/verify to the dashboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { setupAdmin, stopAll, ADMIN } from '../lib/console.mjs';
import { Authenticator } from '../lib/totp.mjs';
import { assertNoSecrets } from '../lib/secrets.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => stopAll(browser, server));

/// Every session signed in (and confirmed) `minutes` earlier, straight in the database.
function ageSessions(minutes) {
  const shift = `'-${minutes} minutes'`;
  execFileSync('sqlite3', [join(server.dataDir, 'bulwark.db'),
    `UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', created_at, ${shift}),
       reauthenticated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', reauthenticated_at, ${shift});`]);
}

/// Email and password on /login; the page ends on the second step.
async function passwordStep(page) {
  await page.goto(`${server.url}/login`);
  await waitForHydration(page);
  await page.fill('#login-email', ADMIN.email);
  await page.fill('#login-password', ADMIN.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL(`${server.url}/login/verify`);
  await waitForHydration(page);
  await page.waitForSelector('#totp-login-form');
}

test('set up an authenticator app, then sign in with a code and with a backup code', async () => {
  const { page, problems, responses } = await openPage(browser);
  await setupAdmin(page, server);

  await page.goto(`${server.url}/profile`);
  await waitForHydration(page);
  await page.waitForSelector('#totp-status[data-enabled="false"]');
  await page.click('#totp-setup');
  await page.waitForSelector('#totp-qr svg');
  const secret = (await page.textContent('#totp-secret')).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await page.screenshot({ path: `${ARTIFACTS}/totp-enrolment.png` });

  // A wrong code is refused; the right one turns it on and shows the backup codes once.
  const app = new Authenticator(secret);
  const first = await app.freshCode();
  const wrong = first === '000000' ? '111111' : '000000';
  await page.fill('#totp-confirm-code', wrong);
  await page.click('#totp-confirm-submit');
  await page.waitForSelector('#totp-confirm-form .form-error');
  await page.fill('#totp-confirm-code', first);
  await page.click('#totp-confirm-submit');
  await page.waitForSelector('#totp-backup-codes');
  const codes = (await page.$$eval('#totp-backup-codes .backup-code', (els) => els.map((e) => e.textContent.trim())));
  assert.equal(codes.length, 10);
  for (const c of codes) assert.match(c, /^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await page.waitForSelector('#totp-status[data-enabled="true"]');
  assert.match(await page.textContent('#totp-backup-left'), /10 backup codes left/);
  assert.equal(await page.$('#totp-secret'), null, 'the secret is gone once confirmed');
  await page.screenshot({ path: `${ARTIFACTS}/totp-backup-codes.png` });
  await page.click('#totp-backup-dismiss');
  assert.equal(await page.$('#totp-backup-codes'), null);
  // A refused code to turn it off keeps the form open with the error.
  await page.click('#totp-turn-off');
  await page.fill('#totp-disable-code', wrong);
  await page.click('#totp-disable-submit');
  await page.waitForSelector('#totp-disable-form .form-error');
  await page.click('#totp-disable-cancel');
  await page.waitForSelector('#totp-status[data-enabled="true"]');

  // Sign out; the password alone now leads to the second step.
  await page.click('#user-menu-button');
  await page.click('#user-menu button[type=submit]');
  await page.waitForURL(`${server.url}/login`);
  await passwordStep(page);
  assert.match(await page.textContent('#verify-email'), /admin@example\.com/);

  // A wrong code gets the clear message; a current one reaches the dashboard.
  await page.fill('#totp-code', wrong);
  await page.click('#totp-verify');
  await page.waitForSelector('#totp-login-form .form-error');
  assert.match(await page.textContent('#totp-login-form .form-error'), /That code is not valid\. Check your authenticator app's clock, or use a backup code\./);
  await page.screenshot({ path: `${ARTIFACTS}/totp-login-refused.png` });
  await page.fill('#totp-code', await app.freshCode());
  await page.click('#totp-verify');
  await page.waitForURL(`${server.url}/`);
  await page.waitForSelector('#user-menu-button');
  assert.deepEqual(problems.filter((p) => !/status of 4\d\d/.test(p)), []);

  // A fresh browser context signs in with a backup code instead.
  const other = await openPage(browser);
  await passwordStep(other.page);
  await other.page.click('#totp-toggle-backup');
  await other.page.waitForSelector('#totp-backup-code');
  await other.page.fill('#totp-backup-code', codes[0]);
  await other.page.click('#totp-verify');
  await other.page.waitForURL(`${server.url}/`);
  await other.page.waitForSelector('#user-menu-button');

  // That backup code is spent.
  const third = await openPage(browser);
  await passwordStep(third.page);
  await third.page.click('#totp-toggle-backup');
  await third.page.fill('#totp-backup-code', codes[0]);
  await third.page.click('#totp-verify');
  await third.page.waitForSelector('#totp-login-form .form-error');
  assert.equal(new URL(third.page.url()).pathname, '/login/verify');

  // The profile counts what is left, and turning it off needs a current code.
  await page.goto(`${server.url}/profile`);
  await waitForHydration(page);
  await page.waitForSelector('#totp-status[data-enabled="true"]');
  await page.waitForSelector('#identity-confirmed');
  assert.match(await page.textContent('#totp-backup-left'), /9 backup codes left/);
  await page.click('#totp-turn-off');
  await page.fill('#totp-disable-code', wrong);
  await page.click('#totp-disable-submit');
  await page.waitForSelector('#totp-disable-form .form-error');
  await page.click('#totp-disable-cancel');

  // Ten minutes after signing in, turning it off first needs "Confirm it's you".
  ageSessions(10);
  await page.goto(`${server.url}/profile`);
  await waitForHydration(page);
  await page.waitForSelector('#identity-unconfirmed');
  await page.click('#totp-turn-off');
  // Refused before the code is checked, so a current code is not spent (and the test
  // need not wait for another 30-second step).
  await page.fill('#totp-disable-code', app.currentCode());
  await page.click('#totp-disable-submit');
  await page.waitForSelector('#totp-disable-form .form-error');
  assert.match(await page.textContent('#totp-disable-form .form-error'), /Confirm it's you first/);
  await page.click('#totp-disable-cancel');
  await page.fill('#confirm-password', 'not the password');
  await page.click('#confirm-identity-form button[type=submit]');
  await page.waitForSelector('#confirm-identity-form .form-error');
  assert.match(await page.textContent('#confirm-identity-form .form-error'), /The password is wrong/);
  await page.fill('#confirm-code', await app.freshCode());
  await page.fill('#confirm-password', '');
  await page.click('#confirm-identity-form button[type=submit]');
  await page.waitForSelector('#identity-confirmed');
  await page.screenshot({ path: `${ARTIFACTS}/profile-identity-confirmed.png` });
  await page.click('#totp-turn-off');
  await page.fill('#totp-disable-code', await app.freshCode());
  await page.click('#totp-disable-submit');
  await page.waitForSelector('#totp-status[data-enabled="false"]');

  // The secret came back only while setting up, the backup codes only once.
  const secrets = { 'TOTP secret': secret };
  codes.forEach((c, i) => { secrets[`backup code ${i}`] = c; });
  const allow = [{ url: /\/api\/totp_begin$/, secret: 'TOTP secret' }];
  codes.forEach((_, i) => allow.push({ url: /\/api\/totp_confirm$/, secret: `backup code ${i}` }));
  await assertNoSecrets(responses, secrets, allow);
  await assertNoSecrets(other.responses, secrets);
});
