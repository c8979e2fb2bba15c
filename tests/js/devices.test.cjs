#!/usr/bin/env node
// amazon-cognito-identity-js remembers a device against a real `cognate serve --in-memory`:
// an SRP sign-in through TOTP MFA hands out a device key that the library confirms itself
// (ConfirmDevice with its own salt and verifier); once remembered, a new sign-in from the same
// storage goes through DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER (the library's device SRP
// math) with no MFA; ListDevices / GetDevice see it; after ForgetDevice MFA is asked again; a
// wrong password never gets as far as the device. Usage: node tests/js/devices.test.cjs [cognate]
"use strict";

const assert = require("node:assert/strict");
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require("amazon-cognito-identity-js");

const { startServer, call } = require("./server.cjs");
const { totpSource } = require("./totp.cjs");
const PASSWORD = "Corr3ct!Horse";
const USERNAME = "alice";

// ------------------------------------------------------------------------------ the library

// The library keeps tokens and the device's key, random password and group key here.
function memoryStorage() {
  const items = new Map();
  return {
    setItem: (key, value) => items.set(key, String(value)),
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    removeItem: (key) => items.delete(key),
    clear: () => items.clear(),
  };
}

// One authenticateUser with a fresh CognitoUser: resolves `{ session, user, mfaAsked }`, having
// answered SOFTWARE_TOKEN_MFA with `nextCode()` when it was asked.
function signIn(ctx, password, nextCode) {
  const user = new CognitoUser({ Username: USERNAME, Pool: ctx.pool, Storage: ctx.storage });
  user.setAuthenticationFlowType("USER_SRP_AUTH");
  const details = new AuthenticationDetails({ Username: USERNAME, Password: password });
  let mfaAsked = false;
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session, userConfirmationNecessary) => resolve({ session, user, mfaAsked, userConfirmationNecessary }),
      onFailure: reject,
      newPasswordRequired: () => reject(new Error("unexpected NEW_PASSWORD_REQUIRED")),
      mfaRequired: () => reject(new Error("unexpected SMS_MFA")),
      totpRequired: () => {
        mfaAsked = true;
        nextCode().then((code) => user.sendMFACode(code, callbacks, "SOFTWARE_TOKEN_MFA"), reject);
      },
    };
    user.authenticateUser(details, callbacks);
  });
}

// The library's callback style as a promise: `method(...args, { onSuccess, onFailure })`.
function viaCallbacks(user, method, ...args) {
  return new Promise((resolve, reject) => user[method](...args, { onSuccess: resolve, onFailure: reject }));
}

// ------------------------------------------------------------------------------------ setup

// A pool that remembers devices on the user's prompt and has optional TOTP, a public client,
// and `alice` with TOTP verified and preferred. Returns the TOTP secret.
async function setUp(endpoint) {
  const pool = (await call(endpoint, "CreateUserPool", {
    PoolName: "js-devices",
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
  })).UserPool;
  await call(endpoint, "SetUserPoolMfaConfig", {
    UserPoolId: pool.Id,
    SoftwareTokenMfaConfiguration: { Enabled: true },
    MfaConfiguration: "OPTIONAL",
  });
  const client = (await call(endpoint, "CreateUserPoolClient", {
    UserPoolId: pool.Id,
    ClientName: "js",
    ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
  })).UserPoolClient;
  await call(endpoint, "AdminCreateUser", { UserPoolId: pool.Id, Username: USERNAME, MessageAction: "SUPPRESS" });
  await call(endpoint, "AdminSetUserPassword", { UserPoolId: pool.Id, Username: USERNAME, Password: PASSWORD, Permanent: true });

  // TOTP is set up with a plain password sign-in, outside the library's storage.
  const auth = await call(endpoint, "InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: client.ClientId,
    AuthParameters: { USERNAME, PASSWORD },
  });
  const accessToken = auth.AuthenticationResult.AccessToken;
  const { SecretCode: secret } = await call(endpoint, "AssociateSoftwareToken", { AccessToken: accessToken });
  const nextCode = totpSource(secret);
  const verified = await call(endpoint, "VerifySoftwareToken", { AccessToken: accessToken, UserCode: await nextCode() });
  assert.equal(verified.Status, "SUCCESS");
  await call(endpoint, "AdminSetUserMFAPreference", {
    UserPoolId: pool.Id,
    Username: USERNAME,
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  const userPool = new CognitoUserPool({ UserPoolId: pool.Id, ClientId: client.ClientId, endpoint: endpoint + "/", Storage: memoryStorage() });
  return { endpoint, poolId: pool.Id, pool: userPool, storage: userPool.storage, nextCode };
}

// -------------------------------------------------------------------------------- the cases

const storedDeviceKey = (ctx) => ctx.storage.getItem(`CognitoIdentityServiceProvider.${ctx.pool.getClientId()}.${USERNAME}.deviceKey`);

async function mfaSignInConfirmsTheDevice(ctx) {
  const first = await signIn(ctx, PASSWORD, ctx.nextCode);
  assert.equal(first.mfaAsked, true, "a new device signs in through MFA");
  assert.equal(first.session.isValid(), true);
  assert.equal(first.userConfirmationNecessary, true, "DeviceOnlyRememberedOnUserPrompt asks the user");
  const deviceKey = storedDeviceKey(ctx);
  assert.match(deviceKey || "", /^[a-z0-9-]+_[0-9a-f-]{36}$/, "the library stored the confirmed device key");
  assert.equal(first.session.getAccessToken().decodePayload().device_key, deviceKey);
  const listed = await call(ctx.endpoint, "AdminListDevices", { UserPoolId: ctx.poolId, Username: USERNAME });
  assert.deepEqual(listed.Devices.map((d) => d.DeviceKey), [deviceKey]);
  const status = listed.Devices[0].DeviceAttributes.find((a) => a.Name === "device_remembered_status");
  assert.equal(status.Value, "not_remembered", "confirmed but not yet remembered");
  ctx.deviceKey = deviceKey;
  ctx.user = first.user;
}

async function notRememberedStillAsksMfa(ctx) {
  const again = await signIn(ctx, PASSWORD, ctx.nextCode);
  assert.equal(again.mfaAsked, true, "a confirmed device that is not remembered does not replace MFA");
  assert.equal(again.userConfirmationNecessary, undefined, "no new device to confirm");
  assert.equal(storedDeviceKey(ctx), ctx.deviceKey, "the sign-in stays with the confirmed device");
  assert.equal(again.session.getAccessToken().decodePayload().device_key, ctx.deviceKey);
  ctx.user = again.user;
}

async function rememberedDeviceSkipsMfa(ctx) {
  assert.equal(await viaCallbacks(ctx.user, "setDeviceStatusRemembered"), "SUCCESS");
  const noMfa = () => Promise.reject(new Error("MFA asked of a remembered device"));
  const viaDevice = await signIn(ctx, PASSWORD, noMfa);
  assert.equal(viaDevice.mfaAsked, false);
  assert.equal(viaDevice.session.isValid(), true, "tokens from DEVICE_PASSWORD_VERIFIER");
  const access = viaDevice.session.getAccessToken();
  assert.equal(access.decodePayload().device_key, ctx.deviceKey, "the access token names the device");
  const me = await call(ctx.endpoint, "GetUser", { AccessToken: access.getJwtToken() });
  assert.equal(me.Username, USERNAME);
  ctx.user = viaDevice.user;
}

async function listAndGetTheDevice(ctx) {
  const listed = await viaCallbacks(ctx.user, "listDevices", 10, null);
  assert.deepEqual(listed.Devices.map((d) => d.DeviceKey), [ctx.deviceKey]);
  const got = (await viaCallbacks(ctx.user, "getDevice")).Device;
  assert.equal(got.DeviceKey, ctx.deviceKey);
  const attributes = Object.fromEntries(got.DeviceAttributes.map((a) => [a.Name, a.Value]));
  assert.equal(attributes.device_remembered_status, "remembered");
  assert.equal(typeof got.DeviceCreateDate, "number");
  assert.equal(typeof got.DeviceLastAuthenticatedDate, "number");
}

// The refresh token of a device sign-in is bound to the device; the library names it.
async function refreshSessionOnTheDevice(ctx) {
  const refreshToken = ctx.user.getSignInUserSession().getRefreshToken();
  const session = await new Promise((resolve, reject) =>
    ctx.user.refreshSession(refreshToken, (err, result) => (err ? reject(err) : resolve(result))),
  );
  assert.equal(session.isValid(), true);
  assert.equal(session.getAccessToken().decodePayload().device_key, ctx.deviceKey);
}

async function wrongPasswordFailsOnARememberedDevice(ctx) {
  const noMfa = () => Promise.reject(new Error("MFA asked after a wrong password"));
  const failure = await signIn(ctx, "Wr0ng!Password", noMfa).then(() => null, (e) => e);
  assert.ok(failure, "a wrong password must not sign in, even from a remembered device");
  assert.equal(failure.code, "NotAuthorizedException");
  assert.equal(failure.message, "Incorrect username or password.");
}

// ForgetDevice on the server only (the library's storage keeps the key): the device no longer
// stands in for MFA, and the library's stale key is no obstacle to signing in.
async function forgottenDeviceAsksMfaAgain(ctx) {
  assert.equal(await viaCallbacks(ctx.user, "forgetSpecificDevice", ctx.deviceKey), "SUCCESS");
  assert.equal(storedDeviceKey(ctx), ctx.deviceKey);
  const listed = await call(ctx.endpoint, "AdminListDevices", { UserPoolId: ctx.poolId, Username: USERNAME });
  assert.deepEqual(listed.Devices, []);
  const afterForget = await signIn(ctx, PASSWORD, ctx.nextCode);
  assert.equal(afterForget.mfaAsked, true, "a forgotten device is a new device again");
  assert.equal(afterForget.session.isValid(), true);
  const newKey = storedDeviceKey(ctx);
  assert.notEqual(newKey, ctx.deviceKey, "the sign-in confirmed a new device key");
  ctx.user = afterForget.user;
  ctx.deviceKey = newKey;
}

// The library's own forgetDevice clears its storage too: MFA again, through a new device.
async function libraryForgetDeviceAsksMfaAgain(ctx) {
  assert.equal(await viaCallbacks(ctx.user, "setDeviceStatusRemembered"), "SUCCESS");
  assert.equal(await viaCallbacks(ctx.user, "forgetDevice"), "SUCCESS");
  assert.equal(storedDeviceKey(ctx), null);
  const again = await signIn(ctx, PASSWORD, ctx.nextCode);
  assert.equal(again.mfaAsked, true);
  assert.equal(again.session.isValid(), true);
}

async function main() {
  const cases = [
    ["an MFA sign-in confirms the device", mfaSignInConfirmsTheDevice],
    ["a confirmed, not remembered device still asks MFA", notRememberedStillAsksMfa],
    ["a remembered device signs in with device SRP and no MFA", rememberedDeviceSkipsMfa],
    ["listDevices and getDevice show the remembered device", listAndGetTheDevice],
    ["refreshSession works on the remembered device", refreshSessionOnTheDevice],
    ["a wrong password fails on a remembered device", wrongPasswordFailsOnARememberedDevice],
    ["ForgetDevice makes the next sign-in ask MFA", forgottenDeviceAsksMfaAgain],
    ["the library's forgetDevice makes the next sign-in ask MFA", libraryForgetDeviceAsksMfaAgain],
  ];
  const { child, endpoint } = await startServer();
  let passed = 0;
  let failed = 0;
  try {
    const ctx = await setUp(endpoint);
    for (const [name, run] of cases) {
      try {
        await run(ctx);
        passed += 1;
        console.log(`ok - ${name}`);
      } catch (e) {
        failed += 1;
        console.log(`not ok - ${name}: ${e && e.stack ? e.stack : e}`);
      }
    }
  } finally {
    child.kill();
  }
  console.log(`js devices: ${passed} passed, ${failed} failed`);
  if (failed > 0) process.exit(1);
}

main().catch((e) => {
  console.error("not ok -", e && e.stack ? e.stack : e);
  console.log("js devices: 0 passed, 1 failed");
  process.exit(1);
});
