"""A real OpenID Connect relying party (Authlib) against the hosted side, knowing only the pool's
discovery document: authorization code + PKCE (the login form driven with plain HTTP, as a
browser posts it), the ID token checked against the JWKS, userInfo, then a refresh."""

import re
from urllib.parse import urljoin

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt

CALLBACK = "http://localhost:8765/callback"
PASSWORD = "Relying-Party-Passw0rd!"


def _pool_with_alice(idp):
    pool = idp.create_user_pool(PoolName="relying-party")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="web",
        AllowedOAuthFlows=["code"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email", "profile"],
        CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool,
        Username="alice",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    return pool, client_id


def _browser_sign_in(authorization_url):
    """What a person's browser does: follow to the login page, post the form, stop at the callback."""
    browser = requests.Session()
    r = browser.get(authorization_url, allow_redirects=False)
    assert r.status_code == 302, r.text
    login = urljoin(authorization_url, r.headers["Location"])
    page = browser.get(login)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    r = browser.post(login, data={"_csrf": csrf, "username": "alice", "password": PASSWORD},
                     allow_redirects=False)
    assert r.status_code == 302, r.text
    assert r.headers["Location"].startswith(CALLBACK)
    return r.headers["Location"]


def test_authlib_discovery_code_pkce_userinfo_refresh(endpoint, idp):
    pool, client_id = _pool_with_alice(idp)
    discovery = requests.get(f"{endpoint}/{pool}/.well-known/openid-configuration").json()

    session = OAuth2Session(
        client_id,
        scope="openid email profile",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = generate_token(48)
    nonce = generate_token(16)
    url, state = session.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    callback = _browser_sign_in(url)
    token = session.fetch_token(
        discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    assert {"access_token", "id_token", "refresh_token"} <= set(token)

    keys = JsonWebKey.import_key_set(requests.get(discovery["jwks_uri"]).json())
    claims = jwt.decode(
        token["id_token"],
        keys,
        claims_options={
            "iss": {"essential": True, "value": discovery["issuer"]},
            "aud": {"essential": True, "value": client_id},
            "nonce": {"essential": True, "value": nonce},
        },
    )
    claims.validate()
    assert claims["cognito:username"] == "alice"

    info = session.get(discovery["userinfo_endpoint"]).json()
    assert info["email"] == "alice@example.com"
    assert info["sub"] == claims["sub"]

    refreshed = session.refresh_token(discovery["token_endpoint"])
    assert refreshed["access_token"] != token["access_token"]
    assert session.get(discovery["userinfo_endpoint"]).json()["sub"] == claims["sub"]
