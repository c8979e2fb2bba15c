"""The compose smoke test's client: boto3 against Cognate in a container, the mail catcher's
REST API (maildev: GET /email) for the confirmation code that Cognate delivered by SMTP."""

import argparse
import json
import re
import time
import urllib.request
import uuid

import boto3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--mail", required=True)
    args = parser.parse_args()

    idp = boto3.client(
        "cognito-idp",
        endpoint_url=args.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDSMOKE",
        aws_secret_access_key="smoke",
    )
    pool = idp.create_user_pool(PoolName="smoke", AutoVerifiedAttributes=["email"])["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="smoke",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]

    email = f"smoke-{uuid.uuid4().hex[:8]}@example.test"
    password = "Smoke-Test-Passw0rd!"
    idp.sign_up(
        ClientId=client["ClientId"],
        Username=email,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    code = wait_for_code(args.mail, email)
    print(f"confirmation code arrived by SMTP for {email}")

    idp.confirm_sign_up(ClientId=client["ClientId"], Username=email, ConfirmationCode=code)
    tokens = idp.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )["AuthenticationResult"]
    user = idp.get_user(AccessToken=tokens["AccessToken"])
    assert user["Username"] == email or any(
        a["Name"] == "email" and a["Value"] == email for a in user["UserAttributes"]
    ), user
    print("confirmed and signed in:", user["Username"])


def wait_for_code(mail_url, recipient, timeout=30.0):
    """The six-digit code of the newest message to `recipient` in the mail catcher."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{mail_url}/email", timeout=5) as response:
            messages = json.load(response)
        for message in reversed(messages):
            if any(to.get("address") == recipient for to in message.get("to", [])):
                text = message.get("text") or message.get("html") or ""
                match = re.search(r"\b(\d{6})\b", text)
                if match:
                    return match.group(1)
        time.sleep(0.5)
    raise SystemExit(f"no confirmation code for {recipient} reached the mail catcher")


if __name__ == "__main__":
    main()
