"""A user's whole journey through boto3 and the aws CLI: sign up, read the code from Cognate's
outbox, confirm, sign in, refresh, GetUser, sign out; the ID token verified with PyJWT against
the pool's JWKS."""

import hashlib
import hmac
import base64
import uuid

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

PASSWORD = "Corr3ct!Horse"


def _pool_and_client(idp, **client_args):
    pool = idp.create_user_pool(
        PoolName="journey-" + uuid.uuid4().hex[:8],
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}],
    )["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="journey",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        **client_args,
    )["UserPoolClient"]
    return pool["Id"], client


def _last_code(endpoint, pool_id, username):
    answer = requests.get(
        endpoint + "/_cognate/outbox",
        params={"pool_id": pool_id, "username": username, "limit": 1},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    messages = answer.json()["messages"]
    assert messages, "no message in the outbox"
    return messages[0]["code"]


def _secret_hash(username, client):
    digest = hmac.new(
        client["ClientSecret"].encode(), (username + client["ClientId"]).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def test_sign_up_confirm_sign_in_refresh_get_user_sign_out(idp, endpoint):
    pool_id, client = _pool_and_client(idp)
    client_id = client["ClientId"]
    signed_up = idp.sign_up(
        ClientId=client_id,
        Username="alice",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )
    assert signed_up["UserConfirmed"] is False
    assert uuid.UUID(signed_up["UserSub"]).version == 4
    assert signed_up["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert signed_up["CodeDeliveryDetails"]["Destination"] == "a***@e***"

    with pytest.raises(ClientError) as unconfirmed:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
        )
    assert unconfirmed.value.response["Error"]["Code"] == "UserNotConfirmedException"

    with pytest.raises(ClientError) as mismatch:
        idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode="000000x")
    assert mismatch.value.response["Error"]["Code"] in ("CodeMismatchException", "InvalidParameterException")

    code = _last_code(endpoint, pool_id, "alice")
    idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email_verified"] == "true"

    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    assert tokens["TokenType"] == "Bearer"

    jwks = jwt.PyJWKClient(f"{endpoint}/{pool_id}/.well-known/jwks.json")
    key = jwks.get_signing_key_from_jwt(tokens["IdToken"])
    claims = jwt.decode(
        tokens["IdToken"],
        key.key,
        algorithms=["RS256"],
        audience=client_id,
        issuer=f"{endpoint}/{pool_id}",
    )
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == "alice"
    assert claims["email"] == "alice@example.com"
    assert claims["email_verified"] is True
    assert claims["sub"] == signed_up["UserSub"]

    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    refreshed_claims = jwt.decode(refreshed["IdToken"], options={"verify_signature": False})
    assert refreshed_claims["auth_time"] == claims["auth_time"]
    assert refreshed_claims["origin_jti"] == claims["origin_jti"]

    me = idp.get_user(AccessToken=refreshed["AccessToken"])
    assert me["Username"] == "alice"

    idp.global_sign_out(AccessToken=refreshed["AccessToken"])
    for access_token in (tokens["AccessToken"], refreshed["AccessToken"]):
        with pytest.raises(ClientError) as revoked:
            idp.get_user(AccessToken=access_token)
        assert revoked.value.response["Error"]["Code"] == "NotAuthorizedException"
    with pytest.raises(ClientError) as dead_refresh:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
    assert dead_refresh.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_wrong_password_and_tampered_token_are_refused(idp, endpoint):
    pool_id, client = _pool_and_client(idp)
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="bob",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username="bob", Password=PASSWORD, Permanent=True)
    with pytest.raises(ClientError) as wrong:
        idp.initiate_auth(
            ClientId=client["ClientId"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD + "x"},
        )
    assert wrong.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert wrong.value.response["Error"]["Message"] == "Incorrect username or password."

    tokens = idp.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    header, payload, signature = tokens["AccessToken"].split(".")
    forged_payload = base64.urlsafe_b64encode(
        base64.urlsafe_b64decode(payload + "==").replace(b'"bob"', b'"eve"')
    ).rstrip(b"=").decode()
    with pytest.raises(ClientError) as forged:
        idp.get_user(AccessToken=".".join([header, forged_payload, signature]))
    assert forged.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_secret_client_needs_secret_hash(idp):
    pool_id, client = _pool_and_client(idp, GenerateSecret=True)
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="carol",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username="carol", Password=PASSWORD, Permanent=True)
    params = {"USERNAME": "carol", "PASSWORD": PASSWORD}
    with pytest.raises(ClientError) as missing:
        idp.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params)
    assert missing.value.response["Error"]["Code"] == "NotAuthorizedException"
    params["SECRET_HASH"] = _secret_hash("carol", client)
    result = idp.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params)
    assert result["AuthenticationResult"]["AccessToken"]


def test_cli_signs_in_and_reads_the_user(aws, idp):
    pool_id, client = _pool_and_client(idp)
    code, _, err = aws(
        "cognito-idp", "admin-create-user", "--user-pool-id", pool_id, "--username", "dave",
        "--message-action", "SUPPRESS", "--user-attributes", "Name=email,Value=dave@example.com",
    )
    assert code == 0, err
    code, _, err = aws(
        "cognito-idp", "admin-set-user-password", "--user-pool-id", pool_id, "--username", "dave",
        "--password", PASSWORD, "--permanent",
    )
    assert code == 0, err
    code, out, err = aws(
        "cognito-idp", "initiate-auth", "--client-id", client["ClientId"], "--auth-flow", "USER_PASSWORD_AUTH",
        "--auth-parameters", f"USERNAME=dave,PASSWORD={PASSWORD}",
    )
    assert code == 0, err
    access_token = out["AuthenticationResult"]["AccessToken"]
    code, out, err = aws("cognito-idp", "get-user", "--access-token", access_token)
    assert code == 0, err
    assert out["Username"] == "dave"
    code, out, err = aws("cognito-idp", "admin-get-user", "--user-pool-id", pool_id, "--username", "nobody")
    assert code != 0
    assert "UserNotFoundException" in err
