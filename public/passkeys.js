// Passkeys: the browser half of the WebAuthn ceremonies of app/src/api/passkeys.rs.
//
// A button carries data-passkey-action="register" | "sign-in" | "second-factor",
// data-passkey-error (a selector for the element that shows what went wrong) and, to
// register, data-passkey-name (a selector for the name input). Clicks are caught on the
// document, so the buttons work whether or not the page has hydrated yet.
(() => {
  'use strict';

  const fromB64url = (text) => {
    const b64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
  };
  const toB64url = (buffer) => {
    let bin = '';
    for (const b of new Uint8Array(buffer)) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };

  // What the server's ApiError says, from its JSON.
  function apiMessage(text, status) {
    try {
      const e = JSON.parse(text);
      if (e === 'Unauthenticated') return 'Your session has ended. Please sign in again.';
      const [kind, value] = Object.entries(e || {})[0] || [];
      if (typeof value === 'string') return value;
      if (kind === 'Forbidden') return `You do not have permission to do this (${value.permission}).`;
      if (kind === 'Internal') {
        return `Something went wrong on the server (reference ${value.reference}); the server log has the details.`;
      }
    } catch (_) { /* not JSON */ }
    return `The server answered ${status}.`;
  }

  // Calls a server function the way a form does; a redirect arrives as a Location header.
  async function call(endpoint, fields) {
    const res = await fetch(`/api/${endpoint}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(fields),
      credentials: 'same-origin',
    });
    const text = await res.text();
    if (!res.ok) throw new Error(apiMessage(text, res.status));
    return { data: text ? JSON.parse(text) : null, location: res.headers.get('Location') };
  }

  function creationOptions(json) {
    const options = JSON.parse(json).publicKey;
    options.challenge = fromB64url(options.challenge);
    options.user.id = fromB64url(options.user.id);
    options.excludeCredentials = (options.excludeCredentials || []).map((c) => ({ ...c, id: fromB64url(c.id) }));
    return { publicKey: options };
  }

  function requestOptions(json) {
    const parsed = JSON.parse(json);
    const options = parsed.publicKey;
    options.challenge = fromB64url(options.challenge);
    options.allowCredentials = (options.allowCredentials || []).map((c) => ({ ...c, id: fromB64url(c.id) }));
    return parsed.mediation ? { publicKey: options, mediation: parsed.mediation } : { publicKey: options };
  }

  const registration = (c) => JSON.stringify({
    id: c.id,
    rawId: toB64url(c.rawId),
    type: c.type,
    response: {
      attestationObject: toB64url(c.response.attestationObject),
      clientDataJSON: toB64url(c.response.clientDataJSON),
    },
    extensions: {},
  });

  const assertion = (c) => JSON.stringify({
    id: c.id,
    rawId: toB64url(c.rawId),
    type: c.type,
    response: {
      authenticatorData: toB64url(c.response.authenticatorData),
      clientDataJSON: toB64url(c.response.clientDataJSON),
      signature: toB64url(c.response.signature),
      userHandle: c.response.userHandle ? toB64url(c.response.userHandle) : null,
    },
    extensions: {},
  });

  function browserMessage(err) {
    switch (err && err.name) {
      case 'NotAllowedError': return 'The passkey request was cancelled or timed out.';
      case 'InvalidStateError': return 'This device already holds a passkey for your account.';
      case 'SecurityError': return 'The browser refused: this page is not at the address Bulwark is configured with (BULWARK_PUBLIC_URL).';
      default: return (err && err.message) || String(err);
    }
  }

  async function register(button) {
    const input = document.querySelector(button.dataset.passkeyName);
    const start = await call('start_passkey_registration', { name: input ? input.value : '' });
    const credential = await navigator.credentials.create(creationOptions(start.data.options));
    await call('finish_passkey_registration', { ceremony: start.data.ceremony, credential: registration(credential) });
    window.location.reload();
  }

  async function signIn(startEndpoint, finishEndpoint) {
    const start = await call(startEndpoint, {});
    const credential = await navigator.credentials.get(requestOptions(start.data.options));
    const done = await call(finishEndpoint, { ceremony: start.data.ceremony, credential: assertion(credential) });
    window.location.assign(done.location || '/');
  }

  const ACTIONS = {
    register,
    'sign-in': () => signIn('start_passkey_sign_in', 'finish_passkey_sign_in'),
    'second-factor': () => signIn('start_passkey_second_factor', 'finish_passkey_second_factor'),
  };

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-passkey-action]');
    const action = button && ACTIONS[button.dataset.passkeyAction];
    if (!action || button.disabled) return;
    event.preventDefault();
    const errorBox = button.dataset.passkeyError ? document.querySelector(button.dataset.passkeyError) : null;
    if (errorBox) { errorBox.hidden = true; errorBox.textContent = ''; }
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      if (!window.PublicKeyCredential) throw new Error('This browser does not support passkeys.');
      await action(button);
    } catch (err) {
      const message = err instanceof DOMException ? browserMessage(err) : (err.message || String(err));
      if (errorBox) { errorBox.textContent = message; errorBox.hidden = false; } else { window.alert(message); }
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
})();
