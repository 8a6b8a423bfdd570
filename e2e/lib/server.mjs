// Starts a real `bulwark serve` on a free port with a fresh data folder, and stops it
// with SIGTERM (checking that it shuts down cleanly).
import { spawn } from 'node:child_process';
import { mkdtempSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

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

export async function startServer(extraEnv = {}) {
  const bin = process.env.BULWARK_BIN;
  if (!bin) throw new Error('BULWARK_BIN must point at the bulwark binary (scripts/test.sh sets it)');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-e2e-'));
  const logPath = join(dataDir, 'server.log');
  const log = createWriteStream(logPath);
  const child = spawn(bin, ['serve'], {
    env: {
      PATH: process.env.PATH,
      BULWARK_DATA_DIR: dataDir,
      BULWARK_LISTEN: `127.0.0.1:${port}`,
      BULWARK_PUBLIC_URL: `http://localhost:${port}`,
      ...(process.env.BULWARK_SITE_ROOT ? { BULWARK_SITE_ROOT: process.env.BULWARK_SITE_ROOT } : {}),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`bulwark did not become healthy; see ${logPath}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    logPath,
    async stop() {
      child.kill('SIGTERM');
      const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 10_000))]);
      if (result === null) {
        child.kill('SIGKILL');
        throw new Error(`bulwark did not stop within 10 s of SIGTERM; see ${logPath}`);
      }
      if (result.code === 0) rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}
