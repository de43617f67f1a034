"""The Lambda bridge: moto's invoke runs each function in execution environments of its own. The seam
into moto is checked first: if moto moves it, this fails loudly."""

import inspect
import io
import json
import os
import threading
import zipfile
from importlib.metadata import version
from pathlib import Path

import boto3
import pytest
from moto.awslambda.models import LambdaFunction

from adforge_local.lambda_bridge import ORIGINAL, FunctionSpec, LambdaBridge, lay_out_opt

PINNED = "5.2.5"
HANDLER = """
import os, time
from shared import counter

def lambda_handler(event, context):
    if event.get("boom"):
        raise ValueError("asked to fail")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("hold"):
        open(event["hold"] + "." + str(os.getpid()), "w").close()
        for _ in range(400):
            if os.path.exists(event["hold"]):
                break
            time.sleep(0.05)
    return {"pid": os.getpid(), "count": counter(), "env": dict(os.environ), "function": context.function_name,
            "remaining": context.get_remaining_time_in_millis(), "path": __import__("sys").path[:2]}
"""
SHARED = "state = {'n': 0}\n\ndef counter():\n    state['n'] += 1\n    return state['n']\n"


def test_moto_is_the_pinned_version_with_the_seam_in_place():
    assert version("moto") == PINNED, "the Lambda bridge is verified against this moto only: re-check the seam before bumping"
    assert ORIGINAL.__qualname__ == "LambdaFunction._invoke_lambda"
    assert list(inspect.signature(ORIGINAL).parameters) == ["self", "event"]
    assert "self._invoke_lambda(event=body)" in inspect.getsource(LambdaFunction.invoke)


@pytest.fixture
def bridged(aws, tmp_path: Path):
    code, layer = tmp_path / "fn", tmp_path / "layer"
    code.mkdir()
    (layer / "shared").mkdir(parents=True)
    (code / "app.py").write_text(HANDLER)
    (layer / "shared" / "__init__.py").write_text(SHARED)
    iam, lam = boto3.client("iam"), boto3.client("lambda")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x", "x")
    os.environ["ONLY_IN_THE_TEST_PROCESS"] = "leak"
    credentials = {"AWS_ACCESS_KEY_ID": "role-key", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"}
    bridge = LambdaBridge(
        lay_out_opt([layer], tmp_path / "opt"),
        tmp_path / "logs",
        {role: credentials}.__getitem__,
        {"AWS_REGION": "us-east-1"},
        concurrency=2,
    )
    for name, timeout in (("fn", 10), ("other", 10), ("quick", 1)):
        lam.create_function(
            FunctionName=name, Runtime="python3.12", Role=role, Handler="app.lambda_handler", Code={"ZipFile": archive.getvalue()}
        )
        bridge.register(
            FunctionSpec(
                name,
                f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
                code,
                "app.lambda_handler",
                timeout,
                256,
                role,
                {"TABLE_NAME": name},
            )
        )
    bridge.install()
    yield lam, bridge
    bridge.uninstall()
    os.environ.pop("ONLY_IN_THE_TEST_PROCESS")


def call(lam, name: str, event: dict) -> tuple[dict, str | None]:
    answer = lam.invoke(FunctionName=name, Payload=json.dumps(event))
    return json.loads(answer["Payload"].read()), answer.get("FunctionError")


def test_a_function_sees_only_its_own_environment_and_runtime_layout(bridged, tmp_path):
    lam, _ = bridged
    body, error = call(lam, "fn", {})
    assert error is None and body["function"] == "fn"
    env = body["env"]
    assert env["TABLE_NAME"] == "fn" and env["AWS_LAMBDA_FUNCTION_NAME"] == "fn" and env["AWS_REGION"] == "us-east-1"
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SESSION_TOKEN"]) == ("role-key", "t")  # the function's role
    assert "ONLY_IN_THE_TEST_PROCESS" not in env and "PYTHONPATH" not in env
    assert body["path"] == [str(tmp_path / "fn"), str(tmp_path / "opt" / "python")]  # task root, then /opt/python
    assert 0 < body["remaining"] <= 10_000


def test_cold_then_warm_and_module_state_is_per_function(bridged):
    lam, bridge = bridged
    first, _ = call(lam, "fn", {})
    second, _ = call(lam, "fn", {})
    other, _ = call(lam, "other", {})
    assert first["pid"] == second["pid"] and (first["count"], second["count"]) == (1, 2)  # warm: same environment
    assert other["pid"] != first["pid"] and other["count"] == 1  # another function: its own process and state
    assert [(i.function, i.cold) for i in bridge.record] == [("fn", True), ("fn", False), ("other", True)]


def test_concurrent_invocations_get_separate_environments(bridged, tmp_path):
    lam, _ = bridged
    gate = tmp_path / "gate"
    results: list[dict] = []
    threads = [threading.Thread(target=lambda: results.append(call(lam, "fn", {"hold": str(gate)})[0])) for _ in range(2)]
    for thread in threads:
        thread.start()
    for _ in range(400):  # both are inside their handlers at once
        if len(list(tmp_path.glob("gate.*"))) == 2:
            break
        threading.Event().wait(0.05)
    gate.touch()
    for thread in threads:
        thread.join(30)
    assert len({result["pid"] for result in results}) == 2


def test_a_handler_past_its_timeout_is_killed_and_reported_like_lambda(bridged):
    lam, bridge = bridged
    before, _ = call(lam, "quick", {})
    body, error = call(lam, "quick", {"sleep": 5})
    assert error is not None and body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"] == "Task timed out after 1.00 seconds"
    after, _ = call(lam, "quick", {})
    assert after["pid"] != before["pid"] and bridge.record[-1].cold  # the killed environment is not reused


def test_errors_come_back_as_lambda_errors_with_their_type(bridged):
    lam, _ = bridged
    body, error = call(lam, "fn", {"boom": True})
    assert error in ("Handled", "Unhandled")
    assert (body["errorType"], body["errorMessage"]) == ("ValueError", "asked to fail")
