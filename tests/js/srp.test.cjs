#!/usr/bin/env node
// amazon-cognito-identity-js against a real `cognate serve --in-memory`: USER_SRP_AUTH with the
// right password yields a valid session whose access token GetUser accepts; a wrong password
// fails with NotAuthorizedException. Usage: node tests/js/srp.test.cjs [path/to/cognate]
"use strict";

const assert = require("node:assert/strict");
const net = require("node:net");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require("amazon-cognito-identity-js");

const ROOT = path.resolve(__dirname, "..", "..");
const BINARY = process.argv[2] || path.join(ROOT, "target", "debug", "cognate");
const PASSWORD = "Corr3ct!Horse";

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

// Admin calls as raw AWS JSON 1.1 (the local server's admin API is open by default).
async function call(endpoint, op, body) {
  const r = await fetch(endpoint + "/", {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${op}` },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  if (r.status !== 200) throw new Error(`${op}: ${json.__type}: ${json.message}`);
  return json;
}

function signIn(endpoint, poolId, clientId, username, password) {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: endpoint + "/" });
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.setAuthenticationFlowType("USER_SRP_AUTH");
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error("unexpected NEW_PASSWORD_REQUIRED")),
      totpRequired: () => reject(new Error("unexpected SOFTWARE_TOKEN_MFA")),
      mfaRequired: () => reject(new Error("unexpected SMS_MFA")),
    });
  });
}

async function main() {
  const { child, endpoint } = await startServer();
  try {
    const pool = (await call(endpoint, "CreateUserPool", { PoolName: "js-srp" })).UserPool;
    const client = (await call(endpoint, "CreateUserPoolClient", {
      UserPoolId: pool.Id,
      ClientName: "js",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    })).UserPoolClient;
    await call(endpoint, "AdminCreateUser", { UserPoolId: pool.Id, Username: "alice", MessageAction: "SUPPRESS" });
    await call(endpoint, "AdminSetUserPassword", { UserPoolId: pool.Id, Username: "alice", Password: PASSWORD, Permanent: true });

    const session = await signIn(endpoint, pool.Id, client.ClientId, "alice", PASSWORD);
    assert.equal(session.isValid(), true, "CognitoUserSession.isValid()");
    assert.equal(session.getIdToken().decodePayload()["cognito:username"], "alice");
    const me = await call(endpoint, "GetUser", { AccessToken: session.getAccessToken().getJwtToken() });
    assert.equal(me.Username, "alice");
    console.log("ok - right password signs in with SRP");

    const failure = await signIn(endpoint, pool.Id, client.ClientId, "alice", "Wr0ng!Password").then(
      () => null,
      (e) => e,
    );
    assert.ok(failure, "a wrong password must not sign in");
    assert.equal(failure.code, "NotAuthorizedException");
    assert.equal(failure.message, "Incorrect username or password.");
    console.log("ok - wrong password is refused");
    console.log("js: 2 passed, 0 failed");
  } finally {
    child.kill();
  }
}

main().catch((e) => {
  console.error("not ok -", e && e.stack ? e.stack : e);
  process.exit(1);
});
