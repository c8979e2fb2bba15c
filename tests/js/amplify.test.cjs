#!/usr/bin/env node
// Amplify JS v6 (`aws-amplify`, its Cognito provider with `userPoolEndpoint` and
// `identityPoolEndpoint` pointed at a real `cognate serve --in-memory`) through a user's whole
// journey: sign-up and confirmation with the outbox's code, SRP and password sign-in, an email
// alias, attribute updates, password change and reset, USER_AUTH with EMAIL_OTP / PASSWORD /
// PASSWORD_SRP, TOTP set-up and its challenge, remembered devices (after an SRP and after a
// password sign-in), guest credentials and the guest who signs in, global sign-out and account
// deletion. The cases run in order on one user, as an app would.
// Usage: node tests/js/amplify.test.cjs [cognate]
"use strict";

// Amplify reads `navigator` to name the device it confirms (ConfirmDevice's DeviceName); Node 20
// has none, and without it Amplify silently skips confirming devices. `appName` keeps its SRP
// big-integer code on the path browsers take.
if (typeof globalThis.navigator === "undefined") {
  globalThis.navigator = { userAgent: "cognate-amplify-suite (Node.js)", appName: "Netscape" };
}

const assert = require("node:assert/strict");
const { Amplify } = require("aws-amplify");
const auth = require("aws-amplify/auth");
const { cognitoUserPoolsTokenProvider } = require("aws-amplify/auth/cognito");
const { ConsoleLogger } = require("aws-amplify/utils");
const { JwtRsaVerifier } = require("aws-jwt-verify");
const { SimpleJwksCache } = require("aws-jwt-verify/jwk");

const { startServer, call, callIdentity, lastMessage } = require("./server.cjs");
const { totpSource } = require("./totp.cjs");

const USERNAME = "carol";
const EMAIL = "carol@example.com";
const NEW_EMAIL = "carol.new@example.com";
const PASSWORDS = ["Corr3ct!Horse", "Batt3ry!Staple", "Tr0ub4dor&3"];
const STORAGE_PREFIX = "CognitoIdentityServiceProvider";

// ------------------------------------------------------------------------------------ setup

// The key-value storage Amplify keeps tokens and device keys in, readable by the cases.
function memoryStorage() {
  const items = new Map();
  return {
    items,
    setItem: async (key, value) => void items.set(key, String(value)),
    getItem: async (key) => (items.has(key) ? items.get(key) : null),
    removeItem: async (key) => void items.delete(key),
    clear: async () => items.clear(),
  };
}

// A pool as an Amplify app needs it: email alias verified on sign-up, optional TOTP, devices
// remembered on the user's prompt, USER_AUTH with PASSWORD and EMAIL_OTP first; a public client
// with SRP, password, refresh and USER_AUTH; an identity pool that lets guests in and trusts
// the user pool under AWS's provider name (Amplify sends Cognate's issuer form).
async function setUp(endpoint) {
  const pool = (await call(endpoint, "CreateUserPool", {
    PoolName: "amplify",
    AliasAttributes: ["email"],
    AutoVerifiedAttributes: ["email"],
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP"] } },
  })).UserPool;
  await call(endpoint, "SetUserPoolMfaConfig", {
    UserPoolId: pool.Id,
    SoftwareTokenMfaConfiguration: { Enabled: true },
    MfaConfiguration: "OPTIONAL",
  });
  const client = (await call(endpoint, "CreateUserPoolClient", {
    UserPoolId: pool.Id,
    ClientName: "amplify",
    ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"],
  })).UserPoolClient;
  const identityPool = await callIdentity(endpoint, "CreateIdentityPool", {
    IdentityPoolName: "amplify",
    AllowUnauthenticatedIdentities: true,
    CognitoIdentityProviders: [
      { ProviderName: `cognito-idp.us-east-1.amazonaws.com/${pool.Id}`, ClientId: client.ClientId },
    ],
  });
  await callIdentity(endpoint, "SetIdentityPoolRoles", {
    IdentityPoolId: identityPool.IdentityPoolId,
    Roles: {
      authenticated: "arn:aws:iam::123456789012:role/amplify-authenticated",
      unauthenticated: "arn:aws:iam::123456789012:role/amplify-guest",
    },
  });

  // Amplify warns on every custom endpoint; the suite's output is its own.
  ConsoleLogger.LOG_LEVEL = "ERROR";
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: pool.Id,
        userPoolClientId: client.ClientId,
        identityPoolId: identityPool.IdentityPoolId,
        userPoolEndpoint: endpoint,
        identityPoolEndpoint: endpoint,
        allowGuestAccess: true,
        loginWith: { username: true, email: true },
      },
    },
  });
  const storage = memoryStorage();
  cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  return {
    endpoint,
    poolId: pool.Id,
    clientId: client.ClientId,
    identityPoolId: identityPool.IdentityPoolId,
    storage,
    password: PASSWORDS[0],
    email: EMAIL,
  };
}

// ---------------------------------------------------------------------------------- helpers

// A sign-in from a signed-out state (Amplify refuses a second signed-in user). `nextCode`
// answers a TOTP challenge; without it a TOTP challenge fails the case.
async function signInFresh(ctx, username, password, options, nextCode) {
  await auth.signOut();
  return signInAnswering(username, password, options, nextCode);
}

// A sign-in as it stands (signOut would also drop a guest's identity id).
async function signInAnswering(username, password, options, nextCode) {
  let result = await auth.signIn({ username, password, options });
  let totpAsked = false;
  if (result.nextStep.signInStep === "CONFIRM_SIGN_IN_WITH_TOTP_CODE") {
    if (!nextCode) assert.fail("a TOTP code was asked for");
    totpAsked = true;
    result = await auth.confirmSignIn({ challengeResponse: await nextCode() });
  }
  assert.equal(result.nextStep.signInStep, "DONE", `sign-in ended at ${result.nextStep.signInStep}`);
  assert.equal(result.isSignedIn, true);
  return { totpAsked };
}

// The tokens of the signed-in user.
async function tokens() {
  const session = await auth.fetchAuthSession();
  assert.ok(session.tokens, "fetchAuthSession returned tokens");
  return session.tokens;
}

// The device key Amplify filed under `name` (its storage key names the user).
const storedDeviceKey = (ctx, name) => ctx.storage.items.get(`${STORAGE_PREFIX}.${ctx.clientId}.${name}.deviceKey`) ?? null;

// Amplify's error, or fails when `promise` resolves.
async function rejection(promise) {
  const outcome = await promise.then(() => null, (e) => e);
  assert.ok(outcome, "expected a rejection");
  return outcome;
}

// The newest code of `kind` sent to the user.
async function code(ctx, kind) {
  return (await lastMessage(ctx.endpoint, ctx.poolId, USERNAME, kind)).code;
}

async function describeIdentity(ctx, identityId) {
  return callIdentity(ctx.endpoint, "DescribeIdentity", { IdentityId: identityId });
}

// -------------------------------------------------------------------------------- the cases

async function signUpAndConfirm(ctx) {
  const signedUp = await auth.signUp({
    username: USERNAME,
    password: ctx.password,
    options: { userAttributes: { email: EMAIL } },
  });
  assert.equal(signedUp.isSignUpComplete, false);
  assert.equal(signedUp.nextStep.signUpStep, "CONFIRM_SIGN_UP");
  assert.equal(signedUp.nextStep.codeDeliveryDetails.deliveryMedium, "EMAIL");
  assert.match(signedUp.userId, /^[0-9a-f-]{36}$/, "userId is the sub");
  const confirmed = await auth.confirmSignUp({ username: USERNAME, confirmationCode: await code(ctx, "SIGN_UP") });
  assert.equal(confirmed.isSignUpComplete, true);
  assert.equal(confirmed.nextStep.signUpStep, "DONE");
  const user = await call(ctx.endpoint, "AdminGetUser", { UserPoolId: ctx.poolId, Username: USERNAME });
  assert.equal(user.UserStatus, "CONFIRMED");
  const verified = user.UserAttributes.find((a) => a.Name === "email_verified");
  assert.equal(verified && verified.Value, "true", "the sign-up code verified the email");
}

async function srpSignIn(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password);
  const current = await auth.getCurrentUser();
  assert.equal(current.username, USERNAME);
  assert.equal(current.signInDetails.authFlowType, "USER_SRP_AUTH");
  const { idToken, accessToken } = await tokens();
  assert.equal(idToken.payload["cognito:username"], USERNAME);
  assert.equal(idToken.payload.email, EMAIL);
  assert.equal(accessToken.payload.client_id, ctx.clientId);
  assert.equal(accessToken.payload.iss, `${ctx.endpoint}/${ctx.poolId}`);
}

// A backend checks the tokens Amplify holds with aws-jwt-verify, configured from the pool's
// discovery document (CognitoJwtVerifier hard-codes AWS's issuer, so JwtRsaVerifier): ID
// tokens by audience, access tokens (no `aud`) by `client_id`. Its own fetcher speaks https
// only; the JWKS of a plain-http Cognate comes through Node's fetch.
async function backendVerifiesTokens(ctx) {
  const discovery = await (await fetch(`${ctx.endpoint}/${ctx.poolId}/.well-known/openid-configuration`)).json();
  assert.equal(discovery.issuer, `${ctx.endpoint}/${ctx.poolId}`);
  assert.equal(discovery.jwks_uri, `${discovery.issuer}/.well-known/jwks.json`);
  const use = (tokenUse) => ({ payload }) => {
    if (payload.token_use !== tokenUse) throw new Error(`not an ${tokenUse} token`);
    if (tokenUse === "access" && payload.client_id !== ctx.clientId) throw new Error("another client's token");
  };
  const { issuer, jwks_uri: jwksUri } = discovery;
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (uri) => (await fetch(uri)).arrayBuffer() } });
  const idVerifier = JwtRsaVerifier.create({ issuer, jwksUri, audience: ctx.clientId, customJwtCheck: use("id") }, { jwksCache });
  const accessVerifier = JwtRsaVerifier.create({ issuer, jwksUri, audience: null, customJwtCheck: use("access") }, { jwksCache });
  const { idToken, accessToken } = await tokens();
  assert.equal((await idVerifier.verify(idToken.toString())).sub, idToken.payload.sub);
  assert.equal((await accessVerifier.verify(accessToken.toString())).username, USERNAME);
  await rejection(idVerifier.verify(accessToken.toString()));
  const [header, payload, signature] = idToken.toString().split(".");
  const forged = Buffer.from(JSON.stringify({ ...idToken.payload, email: "mallory@example.com" })).toString("base64url");
  assert.notEqual(forged, payload);
  await rejection(idVerifier.verify([header, forged, signature].join(".")));
}

async function passwordSignIn(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password, { authFlowType: "USER_PASSWORD_AUTH" });
  const current = await auth.getCurrentUser();
  assert.equal(current.username, USERNAME);
  assert.equal(current.signInDetails.authFlowType, "USER_PASSWORD_AUTH");
  const failure = await rejection(auth.signIn({ username: USERNAME, password: "Wr0ng!Password", options: { authFlowType: "USER_PASSWORD_AUTH" } }));
  assert.equal(failure.name, "UserAlreadyAuthenticatedException", "Amplify refuses a second sign-in");
  await auth.signOut();
  const wrong = await rejection(auth.signIn({ username: USERNAME, password: "Wr0ng!Password", options: { authFlowType: "USER_PASSWORD_AUTH" } }));
  assert.equal(wrong.name, "NotAuthorizedException");
  assert.equal(wrong.message, "Incorrect username or password.");
}

async function emailAliasSignIn(ctx) {
  await signInFresh(ctx, EMAIL, ctx.password);
  const current = await auth.getCurrentUser();
  assert.equal(current.username, USERNAME, "the alias signs in the user it belongs to");
  assert.equal(current.signInDetails.loginId, EMAIL);
  await signInFresh(ctx, EMAIL, ctx.password, { authFlowType: "USER_PASSWORD_AUTH" });
  assert.equal((await auth.getCurrentUser()).username, USERNAME);
}

async function updateAttributes(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password);
  const updated = await auth.updateUserAttributes({ userAttributes: { name: "Carol", email: NEW_EMAIL } });
  assert.equal(updated.name.isUpdated, true);
  assert.equal(updated.name.nextStep.updateAttributeStep, "DONE");
  assert.equal(updated.email.isUpdated, false, "a new email waits for its code");
  assert.equal(updated.email.nextStep.updateAttributeStep, "CONFIRM_ATTRIBUTE_WITH_CODE");
  assert.equal(updated.email.nextStep.codeDeliveryDetails.deliveryMedium, "EMAIL");
  await auth.confirmUserAttribute({ userAttributeKey: "email", confirmationCode: await code(ctx, "VERIFY_ATTRIBUTE") });
  ctx.email = NEW_EMAIL;
  const attributes = await auth.fetchUserAttributes();
  assert.equal(attributes.name, "Carol");
  assert.equal(attributes.email, NEW_EMAIL);
  assert.equal(attributes.email_verified, "true");
  await signInFresh(ctx, NEW_EMAIL, ctx.password);
  assert.equal((await auth.getCurrentUser()).username, USERNAME, "the verified new email is the alias");
  const old = await rejection(signInFresh(ctx, EMAIL, ctx.password, { authFlowType: "USER_PASSWORD_AUTH" }));
  assert.equal(old.name, "UserNotFoundException", "the old email names no one (the client keeps LEGACY errors)");
}

async function updatePassword(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password);
  await auth.updatePassword({ oldPassword: ctx.password, newPassword: PASSWORDS[1] });
  const old = ctx.password;
  ctx.password = PASSWORDS[1];
  await signInFresh(ctx, USERNAME, ctx.password);
  const failure = await rejection(signInFresh(ctx, USERNAME, old));
  assert.equal(failure.name, "NotAuthorizedException", "the old password no longer signs in");
}

async function resetPassword(ctx) {
  await auth.signOut();
  const started = await auth.resetPassword({ username: USERNAME });
  assert.equal(started.isPasswordReset, false);
  assert.equal(started.nextStep.resetPasswordStep, "CONFIRM_RESET_PASSWORD_WITH_CODE");
  assert.equal(started.nextStep.codeDeliveryDetails.deliveryMedium, "EMAIL");
  await auth.confirmResetPassword({
    username: USERNAME,
    confirmationCode: await code(ctx, "FORGOT_PASSWORD"),
    newPassword: PASSWORDS[2],
  });
  ctx.password = PASSWORDS[2];
  await signInFresh(ctx, USERNAME, ctx.password);
}

async function userAuthEmailOtp(ctx) {
  await auth.signOut();
  const started = await auth.signIn({ username: USERNAME, options: { authFlowType: "USER_AUTH", preferredChallenge: "EMAIL_OTP" } });
  assert.equal(started.nextStep.signInStep, "CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
  assert.equal(started.nextStep.codeDeliveryDetails.deliveryMedium, "EMAIL");
  const done = await auth.confirmSignIn({ challengeResponse: await code(ctx, "MFA") });
  assert.equal(done.nextStep.signInStep, "DONE");
  assert.equal((await auth.getCurrentUser()).signInDetails.authFlowType, "USER_AUTH");
  assert.equal((await tokens()).idToken.payload["cognito:username"], USERNAME);
}

async function userAuthPassword(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password, { authFlowType: "USER_AUTH", preferredChallenge: "PASSWORD" });
  assert.equal((await auth.getCurrentUser()).username, USERNAME);
}

async function userAuthPasswordSrp(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password, { authFlowType: "USER_AUTH", preferredChallenge: "PASSWORD_SRP" });
  assert.equal((await auth.getCurrentUser()).username, USERNAME);
}

// Without a preference the server offers the pool's factors; Amplify answers the choice.
async function userAuthChoice(ctx) {
  await auth.signOut();
  const offered = await auth.signIn({ username: USERNAME, options: { authFlowType: "USER_AUTH" } });
  assert.equal(offered.nextStep.signInStep, "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION");
  assert.deepEqual([...offered.nextStep.availableChallenges].sort(), ["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]);
  const sent = await auth.confirmSignIn({ challengeResponse: "EMAIL_OTP" });
  assert.equal(sent.nextStep.signInStep, "CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
  const done = await auth.confirmSignIn({ challengeResponse: await code(ctx, "MFA") });
  assert.equal(done.nextStep.signInStep, "DONE");
}

async function setUpTotp(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password);
  const details = await auth.setUpTOTP();
  assert.match(details.sharedSecret, /^[A-Z2-7]+=*$/);
  const uri = details.getSetupUri("cognate");
  assert.equal(uri.protocol, "otpauth:");
  assert.equal(uri.searchParams.get("secret"), details.sharedSecret);
  ctx.nextCode = totpSource(details.sharedSecret);
  await auth.verifyTOTPSetup({ code: await ctx.nextCode() });
  await auth.updateMFAPreference({ totp: "PREFERRED" });
  assert.deepEqual(await auth.fetchMFAPreference(), { enabled: ["TOTP"], preferred: "TOTP" });
}

// The SRP sign-in asks the code; Amplify confirms the device the sign-in handed out.
async function totpSignInConfirmsTheDevice(ctx) {
  for (const key of [...ctx.storage.items.keys()]) if (key.endsWith(".deviceKey")) ctx.storage.items.delete(key);
  const { totpAsked } = await signInFresh(ctx, USERNAME, ctx.password, undefined, ctx.nextCode);
  assert.equal(totpAsked, true, "a new device signs in through TOTP");
  const deviceKey = storedDeviceKey(ctx, USERNAME);
  assert.match(deviceKey || "", /^us-east-1_[0-9a-f-]{36}$/, "Amplify confirmed the new device and filed its key");
  assert.equal((await tokens()).accessToken.payload.device_key, deviceKey);
  const listed = await call(ctx.endpoint, "AdminListDevices", { UserPoolId: ctx.poolId, Username: USERNAME });
  assert.ok(listed.Devices.some((d) => d.DeviceKey === deviceKey), "the server knows the confirmed device");
  ctx.deviceKey = deviceKey;
}

async function rememberedDeviceSkipsTotp(ctx) {
  await auth.rememberDevice();
  const devices = await auth.fetchDevices();
  const device = devices.find((d) => d.id === ctx.deviceKey);
  assert.ok(device, "fetchDevices lists the device");
  assert.equal(device.attributes.device_remembered_status, "remembered");
  assert.equal(device.name, globalThis.navigator.userAgent, "named by ConfirmDevice's DeviceName");
  const { totpAsked } = await signInFresh(ctx, USERNAME, ctx.password);
  assert.equal(totpAsked, false);
  assert.equal((await tokens()).accessToken.payload.device_key, ctx.deviceKey, "signed in on the remembered device");
}

// A password sign-in through TOTP with the email: Amplify files the device under the challenge's
// USER_ID_FOR_SRP (the username), where the next SRP sign-in (whose PASSWORD_VERIFIER names the
// username) looks for it; so the remembered device replaces TOTP there.
async function passwordTotpSignInRemembersTheDevice(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password);
  await auth.forgetDevice();
  assert.equal(storedDeviceKey(ctx, USERNAME), null);
  await auth.signOut();
  const started = await auth.signIn({ username: ctx.email, password: ctx.password, options: { authFlowType: "USER_PASSWORD_AUTH" } });
  assert.equal(started.nextStep.signInStep, "CONFIRM_SIGN_IN_WITH_TOTP_CODE");
  const done = await auth.confirmSignIn({ challengeResponse: await ctx.nextCode() });
  assert.equal(done.nextStep.signInStep, "DONE");
  const deviceKey = storedDeviceKey(ctx, USERNAME);
  assert.equal(storedDeviceKey(ctx, ctx.email), null, "the device is not filed under the email typed");
  assert.match(deviceKey || "", /^us-east-1_/, "the device is filed under USER_ID_FOR_SRP");
  await auth.rememberDevice();
  const { totpAsked } = await signInFresh(ctx, ctx.email, ctx.password);
  assert.equal(totpAsked, false, "the remembered device stands in for TOTP");
  assert.equal((await tokens()).accessToken.payload.device_key, deviceKey);
  ctx.deviceKey = deviceKey;
}

async function guestCredentials(ctx) {
  await auth.signOut();
  const session = await auth.fetchAuthSession();
  assert.equal(session.tokens, undefined);
  assert.ok(session.credentials && session.credentials.accessKeyId, "guest credentials");
  assert.ok(session.credentials.secretAccessKey && session.credentials.sessionToken);
  assert.match(session.identityId || "", /^us-east-1:[0-9a-f-]{36}$/);
  const described = await describeIdentity(ctx, session.identityId);
  assert.deepEqual(described.Logins || [], [], "a guest identity has no logins");
  ctx.guestId = session.identityId;
}

// The guest signs in with a login no identity has yet (a new user: every fetchAuthSession of a
// signed-in user gets the login an identity): AWS links the login to the guest identity, which
// keeps its id.
async function guestSignsIn(ctx) {
  const username = "dave";
  await call(ctx.endpoint, "AdminCreateUser", { UserPoolId: ctx.poolId, Username: username, MessageAction: "SUPPRESS" });
  await call(ctx.endpoint, "AdminSetUserPassword", { UserPoolId: ctx.poolId, Username: username, Password: PASSWORDS[0], Permanent: true });
  await signInAnswering(username, PASSWORDS[0]);
  const session = await auth.fetchAuthSession();
  assert.ok(session.tokens && session.tokens.idToken, "tokens after the guest signed in");
  assert.ok(session.credentials && session.credentials.accessKeyId, "authenticated credentials");
  assert.equal(session.identityId, ctx.guestId, "the guest identity became the user's");
  const described = await describeIdentity(ctx, session.identityId);
  assert.deepEqual(described.Logins, [`cognito-idp.us-east-1.amazonaws.com/${ctx.poolId}`]);
}

// A new guest whose login already has an identity (carol's, from her earlier sessions): the
// sign-in ends on the login's identity, looked up here with GetId under AWS's provider name.
async function secondGuestSignsIn(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password, undefined, ctx.nextCode);
  const idToken = (await tokens()).idToken.toString();
  const { IdentityId: loginIdentity } = await callIdentity(ctx.endpoint, "GetId", {
    IdentityPoolId: ctx.identityPoolId,
    Logins: { [`cognito-idp.us-east-1.amazonaws.com/${ctx.poolId}`]: idToken },
  });
  await auth.signOut();
  const guest = await auth.fetchAuthSession();
  assert.ok(guest.identityId && guest.identityId !== loginIdentity, "a new guest identity");
  await signInAnswering(USERNAME, ctx.password, undefined, ctx.nextCode);
  const session = await auth.fetchAuthSession();
  assert.ok(session.tokens && session.credentials, "tokens and credentials");
  assert.equal(session.identityId, loginIdentity, "the login's own identity");
}

async function globalSignOut(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password, undefined, ctx.nextCode);
  const accessToken = (await tokens()).accessToken.toString();
  await auth.signOut({ global: true });
  const revoked = await rejection(call(ctx.endpoint, "GetUser", { AccessToken: accessToken }));
  assert.equal(revoked.code, "NotAuthorizedException");
  const current = await rejection(auth.getCurrentUser());
  assert.equal(current.name, "UserUnAuthenticatedException");
}

async function deleteUser(ctx) {
  await signInFresh(ctx, USERNAME, ctx.password, undefined, ctx.nextCode);
  await auth.deleteUser();
  const gone = await rejection(call(ctx.endpoint, "AdminGetUser", { UserPoolId: ctx.poolId, Username: USERNAME }));
  assert.equal(gone.code, "UserNotFoundException");
  assert.equal((await auth.fetchAuthSession()).tokens, undefined, "Amplify signed the deleted user out");
}

// Amplify's errors carry the service's code in `name` and its message.
function describe(e) {
  if (e && e.name && e.name !== "AssertionError" && e.name !== "Error") return `${e.name}: ${e.message}`;
  return e && e.stack ? e.stack : String(e);
}

async function main() {
  const cases = [
    ["sign-up, confirmed with the outbox's code", signUpAndConfirm],
    ["SRP sign-in", srpSignIn],
    ["a backend verifies the tokens with aws-jwt-verify", backendVerifiesTokens],
    ["USER_PASSWORD_AUTH sign-in", passwordSignIn],
    ["sign-in with the email alias", emailAliasSignIn],
    ["updateUserAttributes, a new email confirmed with its code", updateAttributes],
    ["updatePassword", updatePassword],
    ["resetPassword and confirmResetPassword", resetPassword],
    ["USER_AUTH with EMAIL_OTP", userAuthEmailOtp],
    ["USER_AUTH with PASSWORD", userAuthPassword],
    ["USER_AUTH with PASSWORD_SRP", userAuthPasswordSrp],
    ["USER_AUTH choosing EMAIL_OTP among the offered factors", userAuthChoice],
    ["TOTP set-up: setUpTOTP, verifyTOTPSetup, updateMFAPreference", setUpTotp],
    ["a TOTP sign-in confirms the device", totpSignInConfirmsTheDevice],
    ["a remembered device signs in without TOTP", rememberedDeviceSkipsTotp],
    ["password + TOTP sign-in files the device under USER_ID_FOR_SRP", passwordTotpSignInRemembersTheDevice],
    ["guest credentials", guestCredentials],
    ["a guest signs in with a new login: tokens, credentials, the guest's identity", guestSignsIn],
    ["a guest signs in with a login that has an identity: that identity", secondGuestSignsIn],
    ["global sign-out revokes the tokens", globalSignOut],
    ["deleteUser", deleteUser],
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
        console.log(`not ok - ${name}: ${describe(e)}`);
      }
    }
  } finally {
    child.kill();
  }
  console.log(`amplify: ${passed} passed, ${failed} failed`);
  if (failed > 0) process.exit(1);
}

main().catch((e) => {
  console.error("not ok -", describe(e));
  console.log("amplify: 0 passed, 1 failed");
  process.exit(1);
});
