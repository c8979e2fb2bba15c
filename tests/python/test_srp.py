"""USER_SRP_AUTH through pycognito's AWSSRP (real SRP-6a math on both sides): the right
password signs in, a wrong one is refused with NotAuthorizedException."""

import uuid

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

PASSWORD = "Corr3ct!Horse"


def _pool_user(idp, **pool_args):
    pool = idp.create_user_pool(PoolName="srp-" + uuid.uuid4().hex[:8], **pool_args)["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="srp",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return pool["Id"], client["ClientId"]


def _confirmed(idp, pool_id, username):
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def test_pycognito_srp_right_password_signs_in(idp):
    pool_id, client_id = _pool_user(idp)
    _confirmed(idp, pool_id, "alice")
    srp = AWSSRP(username="alice", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp)
    tokens = srp.authenticate_user()
    result = tokens["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == "alice"


def test_pycognito_srp_wrong_password_is_refused(idp):
    pool_id, client_id = _pool_user(idp)
    _confirmed(idp, pool_id, "bob")
    srp = AWSSRP(username="bob", password="Wr0ng!Password", pool_id=pool_id, client_id=client_id, client=idp)
    with pytest.raises(ClientError) as failure:
        srp.authenticate_user()
    assert failure.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert failure.value.response["Error"]["Message"] == "Incorrect username or password."


def test_pycognito_srp_email_username(idp):
    pool_id, client_id = _pool_user(idp, UsernameAttributes=["email"])
    _confirmed(idp, pool_id, "carol@example.com")
    srp = AWSSRP(username="carol@example.com", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp)
    assert "AuthenticationResult" in srp.authenticate_user()


def _totp(secret, at):
    """RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret at Unix time `at`."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def test_pycognito_srp_with_a_totp_step(idp):
    import time

    from pycognito.exceptions import SoftwareTokenMFAChallengeException

    pool_id, client_id = _pool_user(idp)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )
    _confirmed(idp, pool_id, "dave")
    srp = AWSSRP(username="dave", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp)
    access = srp.authenticate_user()["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    # The previous step's code (within the ±1 window), so the current one is still unused.
    verified = idp.verify_software_token(AccessToken=access, UserCode=_totp(secret, time.time() - 30))
    assert verified["Status"] == "SUCCESS"
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    srp = AWSSRP(username="dave", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp)
    with pytest.raises(SoftwareTokenMFAChallengeException) as challenge:
        srp.authenticate_user()
    tokens = challenge.value.get_tokens()
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=tokens["Session"],
        ChallengeResponses={"USERNAME": "dave", "SOFTWARE_TOKEN_MFA_CODE": _totp(secret, time.time())},
    )
    assert "AccessToken" in done["AuthenticationResult"]
