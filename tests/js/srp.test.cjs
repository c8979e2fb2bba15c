#!/usr/bin/env node
// amazon-cognito-identity-js against a real `cognate serve --in-memory`: USER_SRP_AUTH with the
// right password yields a valid session whose access token GetUser accepts; a wrong password
// fails with NotAuthorizedException. Usage: node tests/js/srp.test.cjs [path/to/cognate]
"use strict";

const assert = require("node:assert/strict");
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require("amazon-cognito-identity-js");

const { startServer, call } = require("./server.cjs");
const PASSWORD = "Corr3ct!Horse";

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
