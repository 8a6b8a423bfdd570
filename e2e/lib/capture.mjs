// A local HTTP receiver for notification tests: records every request (method, path,
// headers, body) and answers 200 {"ok":true}, or the status set with `answer(status)`.
import http from 'node:http';

export async function startCapture() {
  const requests = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status < 300 ? '{"ok":true}' : '{"error":"receiver says no"}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(code) { status = code; },
    /// Resolves with the first request matching `pred`, or rejects after `ms`.
    async waitFor(pred, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const found = requests.find(pred);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no matching request within ${ms} ms; got ${JSON.stringify(requests.map((r) => r.path))}`);
    },
    close() { return new Promise((resolve) => server.close(resolve)); },
  };
}
