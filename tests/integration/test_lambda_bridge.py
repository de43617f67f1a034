"""The one seam the local stack patches into moto. If moto moves it, this fails loudly."""

import inspect
import io
import json
import zipfile
from importlib.metadata import version
from pathlib import Path

import boto3
import pytest
from moto.awslambda.models import LambdaFunction

from adforge_local.lambda_bridge import ORIGINAL, LambdaBridge

PINNED = "5.2.5"


def test_moto_is_the_pinned_version_with_the_seam_in_place():
    assert version("moto") == PINNED, "the Lambda bridge is verified against this moto only: re-check the seam before bumping"
    assert ORIGINAL.__qualname__ == "LambdaFunction._invoke_lambda"
    assert list(inspect.signature(ORIGINAL).parameters) == ["self", "event"]
    assert "self._invoke_lambda(event=body)" in inspect.getsource(LambdaFunction.invoke)


@pytest.fixture
def bridged(aws, tmp_path: Path):
    (tmp_path / "app.py").write_text(
        "def lambda_handler(event, context):\n"
        "    if event.get('boom'):\n"
        "        raise ValueError('asked to fail')\n"
        "    return {'echo': event, 'function': context.function_name}\n"
    )
    iam, lam = boto3.client("iam"), boto3.client("lambda")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x", "x")
    lam.create_function(
        FunctionName="fn", Runtime="python3.12", Role=role, Handler="app.lambda_handler", Code={"ZipFile": archive.getvalue()}
    )
    bridge = LambdaBridge()
    bridge.register("fn", tmp_path, "app.lambda_handler")
    bridge.install()
    yield lam, bridge
    bridge.uninstall()


def test_invoke_runs_the_named_handler_in_process(bridged):
    lam, bridge = bridged
    answer = lam.invoke(FunctionName="fn", Payload=json.dumps({"n": 1}))
    assert json.loads(answer["Payload"].read()) == {"echo": {"n": 1}, "function": "fn"}
    assert bridge.invocations == {"fn": 1}


def test_errors_come_back_as_lambda_errors_with_their_type(bridged):
    lam, _ = bridged
    answer = lam.invoke(FunctionName="fn", Payload=json.dumps({"boom": True}))
    body = json.loads(answer["Payload"].read())
    assert answer["FunctionError"] == "Handled"
    assert (body["errorType"], body["errorMessage"]) == ("ValueError", "asked to fail")
