"""Custom authentication driven by boto3, against trigger functions written in Python and
served by the stand-in Lambda service: define/create/verify, a wrong answer then the right one,
private challenge parameters never reaching the client."""

import uuid

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
PASSWORD = "Passw0rd!"


def define(event):
    session = event["request"]["session"]
    response = event["response"]
    if session and session[-1]["challengeName"] == "CUSTOM_CHALLENGE" and session[-1]["challengeResult"]:
        response.update(issueTokens=True, failAuthentication=False)
    elif len(session) >= 3:
        response.update(issueTokens=False, failAuthentication=True)
    else:
        response.update(challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False)
    return event


def create(event):
    event["response"].update(
        publicChallengeParameters={"question": "What is 6 x 7?"},
        privateChallengeParameters={"answer": "42"},
        challengeMetadata="MATH",
    )
    return event


def verify(event):
    request = event["request"]
    event["response"]["answerCorrect"] = request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
    return event


@pytest.fixture
def custom_pool(idp, lambda_service):
    tag = uuid.uuid4().hex[:8]
    arns = {}
    for member, handler in (("DefineAuthChallenge", define), ("CreateAuthChallenge", create),
                            ("VerifyAuthChallengeResponse", verify)):
        arns[member] = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{tag}-{member}"
        lambda_service.register(arns[member], handler)
    pool_id = idp.create_user_pool(PoolName=f"custom-{tag}", LambdaConfig=arns)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="custom",
        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    return pool_id, client_id, arns


def answer(idp, client_id, session, text):
    return idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=session,
        ChallengeResponses={"USERNAME": "alice", "ANSWER": text},
    )


def test_custom_auth_wrong_then_right_answer(idp, custom_pool, lambda_service):
    pool_id, client_id, arns = custom_pool
    started = idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "alice"})
    assert started["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert started["ChallengeParameters"] == {"question": "What is 6 x 7?", "USERNAME": "alice"}

    wrong = answer(idp, client_id, started["Session"], "41")
    assert wrong["ChallengeName"] == "CUSTOM_CHALLENGE"
    tokens = answer(idp, client_id, wrong["Session"], "42")["AuthenticationResult"]
    assert tokens["IdToken"] and tokens["AccessToken"] and tokens["RefreshToken"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"

    history = lambda_service.events(arns["DefineAuthChallenge"])[-1]["request"]["session"]
    assert [(s["challengeName"], s["challengeResult"], s["challengeMetadata"]) for s in history] == [
        ("CUSTOM_CHALLENGE", False, "MATH"),
        ("CUSTOM_CHALLENGE", True, "MATH"),
    ]
    verify_event = lambda_service.events(arns["VerifyAuthChallengeResponse"])[0]
    assert verify_event["userPoolId"] == pool_id
    assert verify_event["triggerSource"] == "VerifyAuthChallengeResponse_Authentication"


def test_custom_auth_fails_after_three_wrong_answers(idp, custom_pool):
    _, client_id, _ = custom_pool
    session = idp.initiate_auth(
        ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "alice"})["Session"]
    for _ in range(2):
        session = answer(idp, client_id, session, "0")["Session"]
    with pytest.raises(ClientError) as failed:
        answer(idp, client_id, session, "0")
    assert failed.value.response["Error"]["Code"] == "NotAuthorizedException"
