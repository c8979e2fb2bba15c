"""The aws CLI managing user pools and app clients against Cognate."""

import re


def test_cli_pool_lifecycle(aws):
    code, out, err = aws("cognito-idp", "create-user-pool", "--pool-name", "cli-pool")
    assert code == 0, err
    pool = out["UserPool"]
    assert re.match(r"^us-east-1_[0-9A-Za-z]{9}$", pool["Id"])
    pool_id = pool["Id"]

    code, out, err = aws("cognito-idp", "describe-user-pool", "--user-pool-id", pool_id)
    assert code == 0, err
    assert out["UserPool"]["Name"] == "cli-pool"
    assert out["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"] == 8

    code, out, err = aws("cognito-idp", "list-user-pools", "--max-results", "10")
    assert code == 0, err
    assert pool_id in [p["Id"] for p in out["UserPools"]]

    code, out, err = aws(
        "cognito-idp", "create-user-pool-client", "--user-pool-id", pool_id, "--client-name", "cli", "--generate-secret"
    )
    assert code == 0, err
    client = out["UserPoolClient"]
    assert len(client["ClientId"]) == 26
    assert client["ClientSecret"]

    code, out, err = aws("cognito-idp", "delete-user-pool", "--user-pool-id", pool_id)
    assert code == 0, err

    code, out, err = aws("cognito-idp", "describe-user-pool", "--user-pool-id", pool_id)
    assert code != 0
    assert "ResourceNotFoundException" in err


def test_cli_reports_validation_errors(aws):
    code, out, err = aws("cognito-idp", "describe-user-pool", "--user-pool-id", "not a pool id!")
    assert code != 0
    assert "InvalidParameterException" in err


def test_boto3_paginates_user_pools(idp):
    ids = {idp.create_user_pool(PoolName=f"page-{i}")["UserPool"]["Id"] for i in range(3)}
    seen = []
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=2, PaginationConfig={"PageSize": 2}):
        assert len(page["UserPools"]) <= 2
        seen += [p["Id"] for p in page["UserPools"]]
    assert ids <= set(seen)
    assert len(seen) == len(set(seen))
