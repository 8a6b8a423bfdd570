// A private node-oidc-provider for SSO browser tests (scripts/test-services/oidc-server.mjs
// on a free port, its redirect URIs pointing at the Bulwark server under test), and the
// steps of its devInteractions login and consent pages.
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const SCRIPT = new URL('../../scripts/test-services/oidc-server.mjs', import.meta.url).pathname;
export const CLIENT = { id: 'backup-app', secret: 'backup-app-secret' };

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/// Starts a provider accepting these callback URLs; `stop()` ends it.
export async function startOidcProvider(redirectUris) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const modulePath = process.env.TEST_OIDC_PROVIDER_PATH
    || join(homedir(), '.cache/bulwark-test-services/node/node_modules/oidc-provider');
  const child = spawn(process.execPath, [SCRIPT], {
    env: {
      PATH: process.env.PATH,
      OIDC_PROVIDER_PATH: modulePath,
      OIDC_PORT: String(port),
      OIDC_ISSUER: issuer,
      OIDC_REDIRECT_URIS: redirectUris.join(','),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the OIDC provider did not start (module ${modulePath}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    issuer,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}

/// On the provider's login page (any name and password are accepted; the name becomes the
/// subject, see oidc-server.mjs for names that change the claims), then its consent page.
export async function signInAtProvider(page, provider, login) {
  await page.waitForURL((u) => u.href.startsWith(provider.issuer), { timeout: 15_000 });
  await page.waitForSelector('input[name="login"]');
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  // The consent page ("Continue") appears on the first grant of each browser session.
  const consent = await page
    .waitForSelector('button[type="submit"]:has-text("Continue")', { timeout: 10_000 })
    .catch(() => null);
  if (consent && page.url().startsWith(provider.issuer)) await consent.click();
}
