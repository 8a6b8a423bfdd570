// Runs every tests/*.test.mjs, three files at a time (each has its own server, data
// folder, ports and databases), the longest first: with a long one last, the run would
// end waiting on it while the other slots sit idle.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// Measured longest (2026-12-07): they wait on 30-second TOTP steps, a real SSO provider
// or a deliberately slow (brotli level 11) backup.
const LONGEST = ['totp', 'acceptance', 'executions', 'oidc', 'settings'];
const CONCURRENCY = process.env.BULWARK_E2E_CONCURRENCY ?? '3';

const rank = (file) => {
  const i = LONGEST.indexOf(file.replace(/\.test\.mjs$/, ''));
  return i < 0 ? LONGEST.length : i;
};
const files = readdirSync('tests')
  .filter((f) => f.endsWith('.test.mjs'))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  .map((f) => `tests/${f}`);
const args = ['--test', `--test-concurrency=${CONCURRENCY}`, ...process.argv.slice(2), ...files];
const { status } = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(status ?? 1);
