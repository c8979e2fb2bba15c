#!/usr/bin/env python3
"""Times a full hosted sign-in with code + PKCE (GET /oauth2/authorize -> GET /login ->
POST /login -> POST /oauth2/token) against a running Cognate, at the concurrencies given.

    scripts/hosted-timing.py http://127.0.0.1:9313 --iterations 200 --concurrency 1 32

Loopback only and bounded: it refuses other hosts, and runs --iterations sign-ins per level.
Each sign-in is a fresh browser (own cookies). Uses requests (pinned in tests/python).
"""
import argparse
import base64
import concurrent.futures
import hashlib
import re
import statistics
import time
import urllib.parse
import uuid

import requests

CALLBACK = "http://localhost:8976/callback"
PASSWORD = "Timing-Passw0rd!"
VERIFIER = "timing-pkce-verifier-" + "x" * 40


def call(endpoint, op, body):
    r = requests.post(endpoint, json=body, headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{op}"})
    r.raise_for_status()
    return r.json()


def setup(endpoint, users):
    pool = call(endpoint, "CreateUserPool", {"PoolName": f"timing-{uuid.uuid4().hex[:8]}"})["UserPool"]["Id"]
    client = call(endpoint, "CreateUserPoolClient", {
        "UserPoolId": pool, "ClientName": "web", "AllowedOAuthFlows": ["code"],
        "AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthScopes": ["openid", "email"],
        "CallbackURLs": [CALLBACK], "SupportedIdentityProviders": ["COGNITO"]})["UserPoolClient"]["ClientId"]
    for i in range(users):
        name = f"user{i}"
        call(endpoint, "AdminCreateUser", {"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS"})
        call(endpoint, "AdminSetUserPassword", {"UserPoolId": pool, "Username": name,
                                                 "Password": PASSWORD, "Permanent": True})
    return client


def sign_in(endpoint, client_id, username):
    challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK,
        "scope": "openid email", "state": "s", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    browser = requests.Session()
    started = time.perf_counter()
    r = browser.get(f"{endpoint}/oauth2/authorize?{query}", allow_redirects=False)
    login = endpoint + r.headers["Location"]
    page = browser.get(login, allow_redirects=False)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    r = browser.post(login, data={"_csrf": csrf, "username": username, "password": PASSWORD},
                     allow_redirects=False)
    location = r.headers["Location"]
    assert location.startswith(CALLBACK), location
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    r = browser.post(f"{endpoint}/oauth2/token", data={
        "grant_type": "authorization_code", "client_id": client_id, "code": code,
        "redirect_uri": CALLBACK, "code_verifier": VERIFIER}, allow_redirects=False)
    assert r.status_code == 200, r.text
    return time.perf_counter() - started


def level(endpoint, client_id, users, iterations, concurrency):
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        started = time.perf_counter()
        times = list(pool.map(lambda i: sign_in(endpoint, client_id, f"user{i % users}"), range(iterations)))
        wall = time.perf_counter() - started
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
    print(f"concurrency {concurrency:>3}: {iterations} sign-ins, p50 {p(0.50):.1f} ms, "
          f"p99 {p(0.99):.1f} ms, mean {statistics.mean(times) * 1000:.1f} ms, "
          f"{iterations / wall:.1f} sign-ins/s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.endpoint).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only")
    users = max(args.concurrency) * 2
    client_id = setup(args.endpoint, users)
    sign_in(args.endpoint, client_id, "user0")  # warm-up
    for c in args.concurrency:
        level(args.endpoint, client_id, users, args.iterations, c)


if __name__ == "__main__":
    main()
