// Debian's Chromium driven by playwright-core (no browser download), with the flags
// that keep it off the closed network of the build machines.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { captureResponses } from './secrets.mjs';

export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

/// Opens a page that records console errors and failed requests, so a test can
/// assert that hydration ran cleanly, and every response, for `assertNoSecrets`.
export async function openPage(browser) {
  const context = await browser.newContext();
  const responses = captureResponses(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { context, page, problems, responses };
}

export async function waitForHydration(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
}
