// TOTP codes for the JS suites (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits), from the base32
// secret AssociateSoftwareToken hands out.
"use strict";

const crypto = require("node:crypto");

function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    const value = alphabet.indexOf(c);
    if (value < 0) throw new Error(`not base32: ${c}`);
    bits += value.toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// The code of one time step.
function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e6).padStart(6, "0");
}

// The server accepts each step once (±1 step around now): every code comes from a later step
// than the one before, waiting for it when it is not yet within reach.
function totpSource(secret) {
  let last = null;
  return async () => {
    const current = () => Math.floor(Date.now() / 30000);
    const step = last === null ? current() - 1 : Math.max(last + 1, current() - 1);
    while (step > current() + 1) await new Promise((r) => setTimeout(r, 500));
    last = step;
    return totpAt(secret, step);
  };
}

module.exports = { totpSource };
