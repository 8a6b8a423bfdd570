// Single sign-on against a real OpenID Connect provider (node-oidc-provider): the
// console form, provisioning into the default group, refusals (provisioning off, domain,
// unverified email), linking an existing user only when a SuperAdmin allows it and then
// still through the user's own second factor, and turning password sign-in off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, openPage, waitForHydration, ARTIFACTS } from '../lib/browser.mjs';
import { setupAdmin, stopAll, ADMIN } from '../lib/console.mjs';
import { startOidcProvider, signInAtProvider, CLIENT } from '../lib/oidc.mjs';
import { assertNoSecrets } from '../lib/secrets.mjs';
import { Authenticator } from '../lib/totp.mjs';

const SLUGS = ['corp', 'closed', 'narrow'];
let server;
let provider;
let browser;

before(async () => {
  server = await startServer();
  provider = await startOidcProvider(SLUGS.map((s) => `${server.url}/auth/oidc/${s}/callback`));
  browser = await launch();
});

after(async () => {
  await provider?.stop();
  await stopAll(browser, server);
});

/// Calls a server function with the page's session, like a console form does.
async function call(page, srv, endpoint, form) {
  const res = await page.request.post(`${srv.url}/api/${endpoint}`, { form, headers: { Origin: srv.url } });
  const body = await res.text();
  assert.equal(res.status(), 200, `${endpoint}: ${res.status()} ${body}`);
  return JSON.parse(body);
}

function providerForm(slug, label, extra = {}) {
  return {
    slug, button_label: label, issuer_url: provider.issuer, client_id: CLIENT.id,
    client_secret: CLIENT.secret, scopes: 'openid email profile', enabled: 'on', ...extra,
  };
}

/// A fresh browser (no session at Bulwark or the provider) clicking "Sign in with <label>".
async function ssoAttempt(label, login) {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${server.url}/login`);
  await waitForHydration(page);
  await page.click(`a.sso-button:has-text("Sign in with ${label}")`);
  await signInAtProvider(page, provider, login);
  await page.waitForURL((u) => u.href.startsWith(server.url), { timeout: 15_000 });
  return { context, page, problems };
}

/// A fresh browser signed in with a password (the admin's by default).
async function passwordSession(email = ADMIN.email, password = ADMIN.password) {
  const session = await openPage(browser);
  await session.page.goto(`${server.url}/login`);
  await waitForHydration(session.page);
  await session.page.fill('#login-email', email);
  await session.page.fill('#login-password', password);
  await session.page.click('#login-form button[type=submit]');
  await session.page.waitForURL(`${server.url}/`);
  return session;
}

async function errorPage(page, name) {
  await page.waitForSelector('#sso-error-message');
  await page.screenshot({ path: `${ARTIFACTS}/sso-${name}.png` });
  assert.ok(await page.$('a#sso-back[href="/login"]'), 'the error page links back to sign-in');
  return (await page.textContent('#sso-error-message')).trim();
}

test('SSO: console setup, provisioning, refusals and linking', async () => {
  const { context: adminContext, page, problems, responses } = await openPage(browser);
  await setupAdmin(page, server);
  const groupId = await call(page, server, 'create_group', {
    name: 'Operators', description: 'SSO newcomers', 'permissions[]': 'jobs:read',
  });

  // The provider through the console form, with a discovery test first.
  await waitForHydration(page);
  await page.click('nav[aria-label="Main"] a[href="/sso"]');
  await page.waitForURL(`${server.url}/sso`);
  await waitForHydration(page);
  await page.click('#new-sso-provider');
  await page.fill('#sso-slug', 'corp');
  await page.fill('#sso-label', 'Test IdP');
  await page.fill('#sso-issuer', 'http://127.0.0.1:9');
  await page.click('#sso-test-discovery');
  await page.waitForSelector('#sso-discovery-result.failed');
  assert.match(await page.textContent('#sso-discovery-result'), /Discovery failed.*127\.0\.0\.1:9/);
  await page.fill('#sso-issuer', provider.issuer);
  await page.click('#sso-test-discovery');
  await page.waitForSelector('#sso-discovery-result.ok');
  assert.match(await page.textContent('#sso-discovery-result'), /Discovery succeeded/);
  await page.fill('#sso-client-id', CLIENT.id);
  await page.fill('#sso-client-secret', CLIENT.secret);
  await page.check('#sso-provisioning');
  await page.selectOption('#sso-group', String(groupId));
  await page.screenshot({ path: `${ARTIFACTS}/sso-form.png`, fullPage: true });
  await page.click('#sso-save');
  await page.waitForSelector('#sso-providers tr[data-sso="corp"]');
  assert.match(await page.textContent('#sso-providers tr[data-sso="corp"]'), /created in Operators/);

  // Editing shows the secret as stored, never its value.
  await page.click('#sso-providers tr[data-sso="corp"] .edit-sso-provider');
  await page.waitForSelector('#sso-client-secret');
  assert.equal(await page.inputValue('#sso-client-secret'), '');
  assert.equal(await page.getAttribute('#sso-client-secret', 'placeholder'), 'stored — leave blank to keep');
  assert.ok((await page.textContent('#sso-redirect-uri')).endsWith('/auth/oidc/corp/callback'));
  await page.click('#sso-cancel');
  await page.screenshot({ path: `${ARTIFACTS}/sso-console.png`, fullPage: true });

  // Two more providers: one that creates no accounts, one limited to corp.example.
  const closed = await call(page, server, 'save_sso_provider', providerForm('closed', 'Closed IdP'));
  await call(page, server, 'save_sso_provider', providerForm('narrow', 'Narrow IdP', {
    email_domains: 'corp.example', allow_provisioning: 'on', default_group_id: String(groupId),
  }));
  // An existing user whose email the provider will vouch for.
  await call(page, server, 'create_user', {
    email: 'linked@example.test', name: 'Linda Linked', password: ADMIN.password,
    password_confirm: ADMIN.password, group_id: String(groupId),
  });
  await assertNoSecrets(responses, { 'SSO client secret': CLIENT.secret });
  assert.deepEqual(problems, [], 'the console pages ran cleanly');

  // (a) Sign out, then "Sign in with Test IdP" as a new person: provisioned into Operators.
  await page.goto(`${server.url}/`);
  await waitForHydration(page);
  await page.click('#user-menu-button');
  await page.click('#user-menu button[type=submit]');
  await page.waitForURL(`${server.url}/login`);
  await waitForHydration(page);
  const buttons = await page.$$eval('a.sso-button', (as) => as.map((a) => a.textContent.trim()));
  assert.deepEqual(buttons.sort(), ['Sign in with Closed IdP', 'Sign in with Narrow IdP', 'Sign in with Test IdP']);
  await page.screenshot({ path: `${ARTIFACTS}/sso-login-buttons.png` });
  await page.click('a.sso-button:has-text("Sign in with Test IdP")');
  await signInAtProvider(page, provider, 'newbie');
  await page.waitForURL(`${server.url}/`);
  await waitForHydration(page);
  await page.click('#user-menu-button');
  await page.waitForSelector('#user-menu');
  const menu = await page.textContent('#user-menu');
  assert.match(menu, /newbie@example\.test/);
  assert.match(menu, /Operators/);
  const nav = await page.$$eval('nav[aria-label="Main"] a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(nav.includes('/jobs'), `Operators may read jobs: ${nav}`);
  assert.ok(!nav.includes('/sso') && !nav.includes('/users'), `Operators see no admin pages: ${nav}`);
  await page.screenshot({ path: `${ARTIFACTS}/sso-provisioned.png` });
  // The provider's own pages fetch a favicon and web fonts this network cannot reach.
  const ours = problems.filter((p) => !p.includes('Failed to load resource'));
  assert.deepEqual(ours, []);
  await adminContext.close();

  // (b) Provisioning off and nobody with that email.
  let attempt = await ssoAttempt('Closed IdP', 'stranger');
  assert.equal(
    await errorPage(attempt.page, 'provisioning-off'),
    'There is no Bulwark account for stranger@example.test and this provider does not create accounts; ask an administrator.',
  );
  await attempt.context.close();

  // (c) The email's domain is not allowed.
  attempt = await ssoAttempt('Narrow IdP', 'alice');
  assert.equal(
    await errorPage(attempt.page, 'domain'),
    'alice@example.test is not in the allowed domains corp.example.',
  );
  await attempt.context.close();

  // (d) An existing user with the same (verified) email: a provider may not take over an
  // account by email until a SuperAdmin allows it...
  attempt = await ssoAttempt('Closed IdP', 'linked@example.test');
  assert.equal(
    await errorPage(attempt.page, 'link-refused'),
    'A Bulwark account for linked@example.test exists, but this provider is not trusted to sign in to '
      + 'existing accounts. Sign in with your password, or ask a SuperAdmin to allow linking by email for this provider.',
  );
  await attempt.context.close();
  let admin = await passwordSession();
  await call(admin.page, server, 'save_sso_provider', providerForm('closed', 'Closed IdP', {
    id: String(closed.id), link_by_email: 'on',
  }));
  await admin.context.close();
  // ...and then the account's own second factor is still asked for.
  const linked = await passwordSession('linked@example.test');
  const { secret } = await call(linked.page, server, 'totp_begin', {});
  const app = new Authenticator(secret);
  await call(linked.page, server, 'totp_confirm', { code: await app.freshCode() });
  await linked.context.close();
  attempt = await ssoAttempt('Closed IdP', 'linked@example.test');
  await attempt.page.waitForURL(`${server.url}/login/verify`);
  await waitForHydration(attempt.page);
  await attempt.page.screenshot({ path: `${ARTIFACTS}/sso-second-factor.png` });
  await attempt.page.fill('#totp-code', await app.freshCode());
  await attempt.page.click('#totp-verify');
  await attempt.page.waitForURL(`${server.url}/`);
  await waitForHydration(attempt.page);
  await attempt.page.click('#user-menu-button');
  await attempt.page.waitForSelector('#user-menu');
  assert.match(await attempt.page.textContent('#user-menu'), /linked@example\.test/);
  await attempt.context.close();

  // (e) The provider has not verified the email.
  attempt = await ssoAttempt('Test IdP', 'unverified-ursula');
  assert.match(await errorPage(attempt.page, 'unverified'), /has not verified unverified-ursula@example\.test/);
  await attempt.context.close();

  // (f) No email claim in the ID token nor at userinfo.
  attempt = await ssoAttempt('Test IdP', 'noemail-nick');
  assert.match(await errorPage(attempt.page, 'no-email'), /did not share an email address/);
  await attempt.context.close();

  // Each outcome is in the audit log, without tokens or the client secret.
  admin = await passwordSession();
  const audit = await Promise.all(['auth.login', 'auth.sso', 'sso.link'].map((action) =>
    call(admin.page, server, 'list_audit', { 'filter[action]': action })));
  const text = JSON.stringify(audit);
  for (const expected of [
    'signed in with SSO corp', 'not trusted to sign in to existing accounts',
    'linked linked@example.test to its closed identity', 'SSO closed accepted; waiting for the second factor',
    'signed in with oidc:closed + totp', 'does not create accounts',
    'not in the allowed domains', 'has not verified', 'no email claim',
  ]) {
    assert.ok(text.includes(expected), `audit lacks "${expected}": ${text.slice(0, 2000)}`);
  }
  assert.ok(!text.includes(CLIENT.secret));
  await admin.context.close();
});

test('SSO: BULWARK_DISABLE_PASSWORD_LOGIN hides the password form once a provider is enabled', async () => {
  const strict = await startServer({ BULWARK_DISABLE_PASSWORD_LOGIN: 'true' });
  try {
    const { context, page } = await openPage(browser);
    await setupAdmin(page, strict);
    const login = () => fetch(`${strict.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: strict.url },
      body: `email=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}`,
    });
    // No provider yet: password sign-in stays, so nobody is locked out.
    assert.equal((await login()).status, 200);
    const visitor = await openPage(browser);
    await visitor.page.goto(`${strict.url}/login`);
    await waitForHydration(visitor.page);
    assert.ok(await visitor.page.$('#login-form'), 'password form shown while no provider is enabled');

    await call(page, strict, 'save_sso_provider', {
      slug: 'corp', button_label: 'Test IdP', issuer_url: provider.issuer, client_id: CLIENT.id,
      client_secret: CLIENT.secret, enabled: 'on',
    });
    await visitor.page.goto(`${strict.url}/login`);
    await waitForHydration(visitor.page);
    await visitor.page.waitForSelector('a.sso-button');
    assert.equal(await visitor.page.$('#login-form'), null, 'password form hidden');
    assert.equal(await visitor.page.$('#login-password'), null);
    await visitor.page.screenshot({ path: `${ARTIFACTS}/sso-password-off.png` });
    const refused = await login();
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /Password sign-in is turned off/);
    await visitor.context.close();
    await context.close();
  } finally {
    const { code } = await strict.stop();
    assert.equal(code, 0);
  }
});
