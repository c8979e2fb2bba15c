"""Identity pools through boto3 and the aws CLI: a user signs in, gets credentials through the
enhanced flow, and `aws sts get-caller-identity` against Cognate with them names the assumed
role; with a tampered secret the call fails."""

import json
import subprocess
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import REGION, ROOT, aws_env

PASSWORD = "Corr3ct!Horse"
AUTH_ROLE = "arn:aws:iam::123456789012:role/app-auth"
UNAUTH_ROLE = "arn:aws:iam::123456789012:role/app-guest"


@pytest.fixture
def identity(endpoint):
    return boto3.client(
        "cognito-identity",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )


def _signed_in_user(idp):
    pool = idp.create_user_pool(PoolName="identity-" + uuid.uuid4().hex[:8])["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    tokens = idp.initiate_auth(
        ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}
    )["AuthenticationResult"]
    return pool, client, tokens["IdToken"]


def _sts_cli(endpoint, credentials, secret=None):
    env = aws_env()
    env.update(
        AWS_ACCESS_KEY_ID=credentials["AccessKeyId"],
        AWS_SECRET_ACCESS_KEY=secret or credentials["SecretKey"],
        AWS_SESSION_TOKEN=credentials["SessionToken"],
    )
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "aws"), "--endpoint-url", endpoint, "--output", "json", "sts", "get-caller-identity"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else None, proc.stderr


def test_enhanced_flow_credentials_verify_with_sts(endpoint, idp, identity):
    pool, client, id_token = _signed_in_user(idp)
    provider = f"cognito-idp.{REGION}.amazonaws.com/{pool}"
    ip = identity.create_identity_pool(
        IdentityPoolName="journey",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client, "ServerSideTokenCheck": True}],
    )["IdentityPoolId"]
    identity.set_identity_pool_roles(
        IdentityPoolId=ip, Roles={"authenticated": AUTH_ROLE, "unauthenticated": UNAUTH_ROLE}
    )
    identity_id = identity.get_id(IdentityPoolId=ip, Logins={provider: id_token})["IdentityId"]
    assert identity.get_id(IdentityPoolId=ip, Logins={provider: id_token})["IdentityId"] == identity_id
    credentials = identity.get_credentials_for_identity(IdentityId=identity_id, Logins={provider: id_token})[
        "Credentials"
    ]
    assert credentials["AccessKeyId"].startswith("ASIA")

    code, out, err = _sts_cli(endpoint, credentials)
    assert code == 0, err
    assert out["Arn"] == "arn:aws:sts::123456789012:assumed-role/app-auth/CognitoIdentityCredentials"
    assert out["Account"] == "123456789012"

    tampered = credentials["SecretKey"][:-1] + ("A" if credentials["SecretKey"][-1] != "A" else "B")
    code, _, err = _sts_cli(endpoint, credentials, secret=tampered)
    assert code != 0
    assert "SignatureDoesNotMatch" in err

    sts = boto3.client(
        "sts",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=credentials["SessionToken"],
    )
    assert sts.get_caller_identity()["Arn"].endswith(":assumed-role/app-auth/CognitoIdentityCredentials")


def test_unauthenticated_refused_and_server_side_check(endpoint, idp, identity):
    pool, client, id_token = _signed_in_user(idp)
    provider = f"cognito-idp.{REGION}.amazonaws.com/{pool}"
    ip = identity.create_identity_pool(
        IdentityPoolName="closed",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client, "ServerSideTokenCheck": True}],
    )["IdentityPoolId"]
    with pytest.raises(ClientError) as refused:
        identity.get_id(IdentityPoolId=ip)
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    # With ServerSideTokenCheck, a signed-out user's token no longer opens the pool.
    idp.admin_user_global_sign_out(UserPoolId=pool, Username="alice")
    with pytest.raises(ClientError) as revoked:
        identity.get_id(IdentityPoolId=ip, Logins={provider: id_token})
    assert revoked.value.response["Error"]["Code"] == "NotAuthorizedException"
