// Records every response a browser context receives (headers and text bodies), so a
// test can prove that no secret it typed into the console ever came back.
import assert from 'node:assert/strict';

const TEXTUAL = /json|html|text|javascript|xml|svg|x-www-form-urlencoded/;
// A live stream (server-sent events) has no end to wait for: its body is not read.
const STREAMING = /event-stream/;
// A body that does not arrive within this long is scanned as empty rather than hang the test.
const BODY_WAIT_MS = 10_000;

async function within(promise, ms) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(''), ms); });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function captureResponses(context) {
  const pending = [];
  context.on('response', (response) => {
    pending.push((async () => {
      const headers = JSON.stringify(await response.allHeaders().catch(() => ({})));
      const type = response.headers()['content-type'] || '';
      // Redirects and aborted requests have no body; their headers still count.
      const readable = TEXTUAL.test(type) && !STREAMING.test(type);
      const body = readable ? await within(response.text().catch(() => ''), BODY_WAIT_MS) : '';
      return { url: response.url(), text: `${headers}\n${body}` };
    })());
  });
  return { all: () => Promise.all(pending) };
}

/// `secrets`: { name: value }. `allow`: [{ url: RegExp, secret: name }] for responses
/// that hand a secret to its owner on purpose (e.g. a TOTP secret during enrolment).
export async function assertNoSecrets(capture, secrets, allow = []) {
  const responses = await capture.all();
  assert.ok(responses.length > 0, 'no responses were captured');
  for (const { url, text } of responses) {
    for (const [name, value] of Object.entries(secrets)) {
      if (!value) continue;
      const allowed = allow.some((a) => a.secret === name && a.url.test(url));
      assert.ok(allowed || !text.includes(value), `the response of ${url} contains the ${name}`);
    }
  }
  return responses.length;
}
