"""Starts a real `cognate serve --in-memory` for the client suites and hands out clients."""

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config

from standin_lambda import StandInLambda

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lambda_service():
    """The stand-in Lambda service the server invokes trigger functions on."""
    service = StandInLambda()
    yield service
    service.close()


@pytest.fixture(scope="session")
def endpoint(lambda_service):
    # COGNATE_BINARY runs the suites against another build (a release binary, say).
    binary = os.environ.get("COGNATE_BINARY") or ROOT / "target" / "debug" / "cognate"
    port = _free_port()
    env = dict(
        os.environ,
        COGNATE_SECURITY__PASSWORD_PROFILE="dev",
        COGNATE_TESTING__CLOCK="true",
        COGNATE_LAMBDA__ENDPOINT=lambda_service.endpoint,
    )
    proc = subprocess.Popen(
        [str(binary), "serve", "--in-memory", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("cognate did not start: " + proc.stderr.read().decode(errors="replace"))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def aws_env():
    env = dict(os.environ)
    env.update(
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION=REGION,
        AWS_PAGER="",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_MAX_ATTEMPTS="1",
    )
    env.pop("AWS_PROFILE", None)
    return env


@pytest.fixture
def aws(endpoint):
    """Runs the aws CLI against Cognate: aws("cognito-idp", "list-user-pools", ...) -> (code, json|None, stderr)."""
    cli = str(ROOT / ".venv" / "bin" / "aws")

    def run(*args):
        proc = subprocess.run(
            [cli, "--endpoint-url", endpoint, "--output", "json", *args],
            env=aws_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        out = json.loads(proc.stdout) if proc.stdout.strip() else None
        return proc.returncode, out, proc.stderr

    return run


@pytest.fixture
def idp(endpoint):
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
