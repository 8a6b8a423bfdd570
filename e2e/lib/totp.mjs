// RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps) with node:crypto, playing the
// authenticator app in browser tests.
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/// The code for time step `step` (unix seconds / 30).
export function totpAtStep(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/// Hands out codes the server has not seen yet (it accepts each step once, with one
/// step of skew either way), starting one step back so tests rarely wait.
export class Authenticator {
  constructor(secret) {
    this.secret = secret;
    this.lastStep = null;
  }

  /// A code valid now, without spending a step: for a request the server refuses before
  /// it looks at the code (so the step stays unseen there too).
  currentCode() {
    return totpAtStep(this.secret, Math.floor(Date.now() / 1000 / 30));
  }

  async freshCode() {
    for (;;) {
      const seconds = Math.floor(Date.now() / 1000);
      const now = Math.floor(seconds / 30);
      const step = this.lastStep === null ? now - 1 : Math.max(this.lastStep + 1, now - 1);
      // The previous step's code expires at the next boundary; a browser round trip
      // takes a few seconds, so not too close to it.
      const expiring = step < now && seconds % 30 >= 22;
      if (step <= now + 1 && !expiring) {
        this.lastStep = step;
        return totpAtStep(this.secret, step);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
