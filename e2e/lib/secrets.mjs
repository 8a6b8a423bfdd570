// Records every response a browser context receives (headers and text bodies), so a
// test can prove that no secret it typed into the console ever came back.
import assert from 'node:assert/strict';

const TEXTUAL = /json|html|text|javascript|xml|svg|x-www-form-urlencoded/;

export function captureResponses(context) {
  const pending = [];
  context.on('response', (response) => {
    pending.push((async () => {
      const headers = JSON.stringify(await response.allHeaders().catch(() => ({})));
      const type = response.headers()['content-type'] || '';
      // Redirects and aborted requests have no body; their headers still count.
      const body = TEXTUAL.test(type) ? await response.text().catch(() => '') : '';
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
