// What the JS suites share: a real `cognate serve --in-memory` on a free port, raw AWS JSON 1.1
// calls to it (the local server's admin API is open by default) and its outbox.
"use strict";

const net = require("node:net");
const path = require("node:path");
const { spawn } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const BINARY = process.argv[2] || path.join(ROOT, "target", "debug", "cognate");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  const env = { ...process.env, COGNATE_SECURITY__PASSWORD_PROFILE: "dev" };
  const child = spawn(BINARY, ["serve", "--in-memory", "--port", String(port)], { env, stdio: ["ignore", "ignore", "inherit"] });
  // A suite that dies early (a closed stdout pipe, an uncaught error) takes its server along.
  process.once("exit", () => child.kill());
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(endpoint + "/health")).status === 200) return { child, endpoint };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error("cognate did not start");
}

// One AWS JSON 1.1 call to `service` (the X-Amz-Target prefix); rejects with `<op>: <__type>:
// <message>` and the error's `code` on any status but 200.
async function callService(endpoint, service, op, body) {
  const r = await fetch(endpoint + "/", {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `${service}.${op}` },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  if (r.status !== 200) {
    const error = new Error(`${op}: ${json.__type}: ${json.message}`);
    error.code = json.__type;
    throw error;
  }
  return json;
}

// cognito-idp.
const call = (endpoint, op, body) => callService(endpoint, "AWSCognitoIdentityProviderService", op, body);

// cognito-identity.
const callIdentity = (endpoint, op, body) => callService(endpoint, "AWSCognitoIdentityService", op, body);

// The newest outbox message of `kind` sent to `username` in `poolId`.
async function lastMessage(endpoint, poolId, username, kind) {
  const query = new URLSearchParams({ pool_id: poolId, username, kind, limit: "1" });
  const r = await fetch(`${endpoint}/_cognate/outbox?${query}`);
  const { messages } = await r.json();
  if (!messages || messages.length === 0) throw new Error(`no ${kind} message for ${username}`);
  return messages[0];
}

module.exports = { startServer, call, callIdentity, lastMessage };
