// Passkeys end to end with Chromium's virtual authenticator (CDP WebAuthn domain):
// register two on the profile page, delete one, sign in with the other alone
// (passwordless), then use it as the second step after the password.
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

/// A platform authenticator that holds resident keys and verifies the user without asking.
async function virtualAuthenticator(cdp) {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

async function credentialsOf(cdp, authenticatorId) {
  return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
}

async function signOut(page) {
  await waitForHydration(page);
  await page.click('#user-menu-button');
  await page.waitForSelector('#user-menu');
  await page.click('#user-menu button[type=submit]');
  await page.waitForURL(`${server.url}/login`);
}

async function passkeyNames(page) {
  return page.$$eval('#passkeys-table tr[data-passkey-name]', (rows) => rows.map((r) => r.dataset.passkeyName));
}

async function addPasskey(page, name) {
  await page.fill('#passkey-name', name);
  await page.click('#passkey-add');
  await page.waitForSelector(`#passkeys-table tr[data-passkey-name="${name}"]`);
  await waitForHydration(page);
}

test('register, list, delete, passwordless sign-in and the second step', async () => {
  const { context, page, problems } = await openPage(browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await setupAdmin(page, server);

  // Two named passkeys on the profile page, on two authenticators (one authenticator
  // keeps one resident passkey per account, and the second registration excludes the first).
  await page.goto(`${server.url}/profile`);
  await waitForHydration(page);
  await page.waitForSelector('#no-passkeys');
  const laptop = await virtualAuthenticator(cdp);
  await addPasskey(page, 'Laptop');
  const laptopKeys = await credentialsOf(cdp, laptop);
  assert.equal(laptopKeys.length, 1);
  assert.ok(laptopKeys[0].isResidentCredential && laptopKeys[0].rpId === 'localhost', JSON.stringify(laptopKeys[0]));

  // The same authenticator cannot register a second passkey for the account.
  await page.fill('#passkey-name', 'Again');
  await page.click('#passkey-add');
  await page.waitForSelector('#passkey-add-error:not([hidden])');
  assert.match(await page.textContent('#passkey-add-error'), /already holds a passkey|cancelled/);

  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: laptop });
  const spare = await virtualAuthenticator(cdp);
  await addPasskey(page, 'Backup key');
  assert.deepEqual(await passkeyNames(page), ['Laptop', 'Backup key']);
  await page.screenshot({ path: `${ARTIFACTS}/passkeys-profile.png` });

  // An empty name is refused with the server's message.
  await page.fill('#passkey-name', '');
  await page.click('#passkey-add');
  await page.waitForSelector('#passkey-add-error:not([hidden])');
  assert.match(await page.textContent('#passkey-add-error'), /Give the passkey a name/);

  // Delete one, after an inline confirmation.
  const backup = page.locator('#passkeys-table tr[data-passkey-name="Backup key"]');
  await backup.locator('.delete-passkey').click();
  await backup.locator('.confirm-delete-passkey').click();
  await page.waitForSelector('#passkeys-table tr[data-passkey-name="Backup key"]', { state: 'detached' });
  assert.deepEqual(await passkeyNames(page), ['Laptop']);

  await signOut(page);
  await waitForHydration(page);

  // The deleted passkey (still on the spare authenticator) no longer signs in.
  await page.click('#passkey-sign-in');
  await page.waitForSelector('#passkey-sign-in-error:not([hidden])');
  assert.match(await page.textContent('#passkey-sign-in-error'), /not accepted/);
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.screenshot({ path: `${ARTIFACTS}/passkeys-login-refused.png` });

  // Passwordless with the remaining one: no email, no password.
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: spare });
  const restored = await virtualAuthenticator(cdp);
  await cdp.send('WebAuthn.addCredential', { authenticatorId: restored, credential: laptopKeys[0] });
  await page.click('#passkey-sign-in');
  await page.waitForURL(`${server.url}/`);
  await page.waitForSelector('#user-menu-button');
  await page.screenshot({ path: `${ARTIFACTS}/passkeys-passwordless.png` });
  await signOut(page);

  // The password alone now leads to the second step, finished with the passkey.
  await waitForHydration(page);
  await page.fill('#login-email', ADMIN.email);
  await page.fill('#login-password', ADMIN.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL(`${server.url}/login/verify`);
  await waitForHydration(page);
  await page.click('#verify-passkey');
  await page.waitForURL(`${server.url}/`);
  await page.waitForSelector('#user-menu-button');

  // The profile shows when the passkey was last used.
  await page.goto(`${server.url}/profile`);
  await page.waitForSelector('#passkeys-table tr[data-passkey-name="Laptop"]');
  const lastUsed = await page.textContent('#passkeys-table tr[data-passkey-name="Laptop"] td:nth-child(3)');
  assert.notEqual(lastUsed.trim(), 'never');

  assert.deepEqual(
    problems.filter((p) => !/status of (400|401)/.test(p)),
    [],
    'no script errors',
  );
});
