"""The deploy-readiness check's pure parts: a function's environment from the template, and the verdicts."""

import copy
import json
import re
import sys
from pathlib import Path

import pytest

from adforge_local.readiness import builds, runner
from adforge_local.readiness.artifact import wheel_problems
from adforge_local.readiness.builds import deploy_architecture, plan_builds, retarget
from adforge_local.readiness.environment import LAMBDA_RESERVED, function_spec, lambda_environment, template_environment
from adforge_local.readiness.function_check import RUNNER, foreign_paths, sample_events
from adforge_local.readiness.outcomes import Outcome, classify, classify_import
from adforge_local.readiness.template import (
    Deployment,
    Placeholders,
    TemplateError,
    deployment_from_samconfig,
    load_template,
    serverless_functions,
)

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT = Deployment(stack_name="adforge", region="eu-west-1", parameters={"PublicApiUrl": "https://api.example"})

TEMPLATE = {
    "Parameters": {
        "PublicApiUrl": {"Type": "String"},
        "WaitSeconds": {"Type": "Number", "Default": 180},
        "AllowLoopback": {"Type": "String", "Default": "false"},
        "NoDefault": {"Type": "String"},
    },
    "Globals": {
        "Function": {
            "Runtime": "python3.12",
            "Architectures": ["arm64"],
            "MemorySize": 512,
            "Timeout": 30,
            "Tracing": "Active",
            "Layers": [{"Ref": "CoreLayer"}],
            "Environment": {
                "Variables": {
                    "TABLE_NAME": {"Ref": "JobsTable"},
                    "BUCKET_NAME": {"Ref": "AssetsBucket"},
                    "EVENT_BUS_NAME": {"Ref": "EventBus"},
                    "PUBLIC_API_URL": {"Ref": "PublicApiUrl"},
                    "WAIT_SECONDS": {"Ref": "WaitSeconds"},
                    "ALLOW_LOOPBACK": {"Ref": "AllowLoopback"},
                    "SHARED": "from-globals",
                    "LEVEL": "INFO",
                }
            },
        }
    },
    "Resources": {
        "CoreLayer": {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {"ContentUri": "layers/core/", "CompatibleArchitectures": ["arm64"]},
            "Metadata": {"BuildMethod": "python3.12", "BuildArchitecture": "arm64"},
        },
        "JobsTable": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
        "AssetsBucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
        "EventBus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}-jobs"}}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Machine": {"Type": "AWS::Serverless::StateMachine", "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}-jobs"}}},
        "ApiFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "functions/api/",
                "Handler": "app.lambda_handler",
                "Timeout": 28,
                "Environment": {
                    "Variables": {
                        "STATE_MACHINE_ARN": {"Ref": "Machine"},
                        "QUEUE_URL": {"Ref": "Queue"},
                        "QUEUE_ARN": {"Fn::GetAtt": ["Queue", "Arn"]},
                        "SHARED": "own-wins",
                    }
                },
            },
        },
        "PollFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {"CodeUri": "functions/poll/", "Handler": "app.handler"},
        },
    },
}


# --- the environment of one function ----------------------------------------------------------------


def test_a_function_gets_the_globals_and_its_own_variables_resolved():
    env = template_environment(TEMPLATE, "ApiFunction", DEPLOYMENT)
    assert env == {
        "TABLE_NAME": "adforge-JobsTable-placeholder",
        "BUCKET_NAME": "adforge-assetsbucket-placeholder",  # bucket names are lower case
        "EVENT_BUS_NAME": "adforge-jobs",  # a declared name is what Ref gives
        "PUBLIC_API_URL": "https://api.example",  # samconfig's parameter override
        "WAIT_SECONDS": "180",  # a parameter default, as a string
        "ALLOW_LOOPBACK": "false",
        "SHARED": "own-wins",
        "LEVEL": "INFO",
        "STATE_MACHINE_ARN": "arn:aws:states:eu-west-1:123456789012:stateMachine:adforge-jobs",
        "QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/adforge-Queue-placeholder",
        "QUEUE_ARN": "arn:aws:sqs:eu-west-1:123456789012:adforge-Queue-placeholder",
    }


def test_another_function_gets_only_the_globals():
    env = template_environment(TEMPLATE, "PollFunction", DEPLOYMENT)
    assert "STATE_MACHINE_ARN" not in env and "QUEUE_URL" not in env
    assert env["SHARED"] == "from-globals"


def test_a_parameter_without_default_or_override_is_a_placeholder_and_subs_resolve():
    resolver = Placeholders(TEMPLATE, DEPLOYMENT)
    assert resolver.ref("NoDefault") == "placeholder-NoDefault"
    assert resolver.resolve(True) == "true"
    assert resolver.resolve({"Fn::Sub": "arn:${AWS::Partition}:s3:::${AssetsBucket}/${!Literal}"}) == (
        "arn:aws:s3:::adforge-assetsbucket-placeholder/${Literal}"
    )
    assert resolver.resolve({"Fn::Sub": ["${X}-${AWS::Region}", {"X": {"Ref": "EventBus"}}]}) == "adforge-jobs-eu-west-1"
    assert resolver.resolve({"Fn::Join": ["/", ["a", {"Ref": "AWS::AccountId"}]]}) == "a/123456789012"
    assert (
        resolver.resolve({"Fn::Sub": "${JobsTable.Arn}"})
        == "arn:aws:dynamodb:eu-west-1:123456789012:table/adforge-JobsTable-placeholder"
    )


def test_what_cannot_be_resolved_is_said():
    resolver = Placeholders(TEMPLATE, DEPLOYMENT)
    with pytest.raises(TemplateError, match="Missing"):
        resolver.resolve({"Ref": "Missing"})
    with pytest.raises(TemplateError, match="cannot resolve"):
        resolver.resolve({"Fn::If": ["Cond", "a", "b"]})


def test_lambda_sets_its_own_variables_around_the_templates():
    spec = function_spec(TEMPLATE, "ApiFunction", DEPLOYMENT)
    assert (spec.memory_mb, spec.timeout_s, spec.tracing, spec.architectures) == (512, 28, True, ("arm64",))
    assert spec.layers == ("CoreLayer",) and spec.external_layers == ()
    variables = template_environment(TEMPLATE, "ApiFunction", DEPLOYMENT)
    env = lambda_environment(spec, variables, DEPLOYMENT, "/task", "/runtime")
    assert env["_HANDLER"] == "app.lambda_handler"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "adforge-ApiFunction-Placeholder"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert env["LAMBDA_TASK_ROOT"] == "/task"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_XRAY_CONTEXT_MISSING"] == "LOG_ERROR"  # Tracing: Active
    assert {k: env[k] for k in variables} == variables
    assert not LAMBDA_RESERVED & set(variables)


def test_the_real_template_gives_each_function_the_globals_and_its_own_variables_only():
    template = load_template(ROOT / "template.yaml")
    deployment = deployment_from_samconfig(ROOT / "samconfig.toml")
    shared = set(template["Globals"]["Function"]["Environment"]["Variables"])
    for name in serverless_functions(template):
        own = set(template["Resources"][name]["Properties"].get("Environment", {}).get("Variables", {}))
        env = template_environment(template, name, deployment)
        assert set(env) == shared | own, name
        assert all(isinstance(value, str) and value for value in env.values()), name
    assert deployment.parameters["PublicApiUrl"] == "https://api.adforge.example"
    assert template_environment(template, "ApiFunction", deployment)["STATE_MACHINE_ARN"].startswith(
        "arn:aws:states:us-east-1:123456789012:stateMachine:"
    )


def test_samples_are_named_after_the_code_directory(tmp_path):
    for name in ("api_create_job", "api_get_job", "apiary", "poll", "product_webhook_shopify", "product_worker"):
        (tmp_path / f"{name}.json").write_text("{}")
    assert [p.stem for p in sample_events(tmp_path, "functions/api/")] == ["api_create_job", "api_get_job"]
    assert [p.stem for p in sample_events(tmp_path, "functions/poll")] == ["poll"]
    assert [p.stem for p in sample_events(tmp_path, "functions/product_webhook/")] == ["product_webhook_shopify"]


def without_architectures(template: dict) -> dict:
    stripped = copy.deepcopy(template)
    stripped["Globals"]["Function"].pop("Architectures")
    stripped["Resources"]["CoreLayer"]["Properties"].pop("CompatibleArchitectures")
    stripped["Resources"]["CoreLayer"]["Metadata"].pop("BuildArchitecture")
    return stripped


def test_retargeting_changes_the_architectures_only():
    original = copy.deepcopy(TEMPLATE)
    x86 = retarget(TEMPLATE, "x86_64")
    assert original == TEMPLATE  # a copy
    assert (deploy_architecture(TEMPLATE), deploy_architecture(x86)) == ("arm64", "x86_64")
    assert x86["Resources"]["CoreLayer"]["Properties"]["CompatibleArchitectures"] == ["x86_64"]
    assert without_architectures(x86) == without_architectures(TEMPLATE)
    defaults = without_architectures(TEMPLATE)  # x86_64 by default: every function is then switched itself
    assert deploy_architecture(retarget(defaults, "arm64")) == "arm64"
    mixed = copy.deepcopy(TEMPLATE)
    mixed["Resources"]["PollFunction"]["Properties"]["Architectures"] = ["x86_64"]
    with pytest.raises(TemplateError, match="mixes"):
        deploy_architecture(mixed)


@pytest.mark.parametrize("host", ["x86_64", "aarch64"])
def test_only_the_retargeted_build_tells_the_layer_makefile_its_architecture(tmp_path, monkeypatch, host):
    monkeypatch.setattr(builds.platform, "machine", lambda: host)
    planned = plan_builds(TEMPLATE, tmp_path / "template.yaml", tmp_path / "check")
    deployable = planned[0]
    assert (deployable.arch, deployable.env) == ("arm64", {})  # the Makefile's default is what `sam build` gets
    if host == "x86_64":
        assert [(b.arch, b.env) for b in planned[1:]] == [("x86_64", {"LAYER_ARCH": "x86_64"})]
    else:
        assert len(planned) == 1


def test_the_layer_makefile_builds_by_default_for_the_templates_architecture():
    template = load_template(ROOT / "template.yaml")
    layer = template["Resources"]["CoreLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    default = re.search(r"^LAYER_ARCH \?= (\S+)$", (ROOT / "layers/core/Makefile").read_text(), re.MULTILINE)
    assert default is not None
    assert default.group(1) == deploy_architecture(template) == layer["Metadata"]["BuildArchitecture"]


def test_binary_wheels_must_match_the_architecture_and_lambdas_glibc():
    assert wheel_problems(["cp312-cp312-manylinux_2_17_aarch64", "cp312-cp312-manylinux2014_aarch64"], "arm64") == []
    assert wheel_problems(["cp312-abi3-manylinux_2_28_x86_64"], "x86_64") == []
    (wrong,) = wheel_problems(["cp312-cp312-manylinux_2_17_x86_64"], "arm64")
    assert "built for x86_64" in wrong
    (too_new,) = wheel_problems(["cp312-cp312-manylinux_2_39_aarch64"], "arm64")
    assert "glibc 2.39" in too_new
    assert wheel_problems(["cp311-cp311-musllinux_1_2_aarch64"], "arm64")


# --- the verdicts -------------------------------------------------------------------------------------


def reported(error: BaseException) -> dict:
    """What the runner reports for an exception (it runs in the clean interpreter; here it runs on a real one)."""
    return json.loads(json.dumps(runner.describe(error)))


def raised(make):
    try:
        make()
    except BaseException as error:
        return error
    raise AssertionError("nothing raised")


class ClientError(Exception):
    """Stands in for botocore's: the verdict goes by qualified class names."""


ClientError.__module__ = "botocore.exceptions"


class SettingsError(RuntimeError):
    pass


SettingsError.__module__ = "adforge.settings"


def test_returning_is_ready():
    assert classify({"event": "e.json", "returned": {}}) == Outcome(True, "returned")
    assert classify({"event": "e.json", "returned": {"status": 404, "code": "job_not_found"}}).summary == (
        "returned 404 job_not_found"
    )


def test_an_aws_error_is_ready_even_wrapped_by_a_library():
    assert classify({"error": reported(ClientError("GetItem failed"))}) == Outcome(True, "AWS error ClientError")

    def hidden():
        try:
            raise ClientError("GetSecretValue failed")
        except ClientError as error:
            raise RuntimeError(f"could not read the secret: {error}") from None

    def handled():  # raised while handling (context): the AWS error is the origin
        try:
            raise ClientError("GetSecretValue failed")
        except ClientError:
            raise ValueError("could not read the secret")  # noqa: B904

    assert classify({"error": reported(raised(handled))}) == Outcome(True, "AWS error ValueError <- ClientError")
    assert not classify({"error": reported(raised(hidden))}).ready  # `from None`: no AWS origin to see


def test_the_apps_mapped_errors_are_ready():
    from adforge.domain.errors import JobNotFound
    from adforge.ports.vendors import VendorUnavailable

    assert classify({"error": reported(JobNotFound("job_1"))}) == Outcome(True, "app error JobNotFound")
    assert classify({"error": reported(VendorUnavailable("creativeai", "down"))}).ready


@pytest.mark.parametrize(
    "error",
    [
        ModuleNotFoundError("No module named 'requests'"),
        KeyError("STATE_MACHINE_ARN"),
        SettingsError("WorkflowSettings: 1 validation error\nstate_machine_arn\n  Field required"),
        NameError("name 'x' is not defined"),
        AttributeError("'NoneType' object has no attribute 'get'"),
        TypeError("unexpected keyword argument"),
    ],
)
def test_defects_are_not_ready(error):
    outcome = classify({"error": reported(error)})
    assert not outcome.ready
    assert outcome.summary.startswith(type(error).__name__)
    assert not classify_import(reported(error)).ready


def test_a_defect_is_not_excused_by_an_aws_error_it_was_raised_from_or_while_handling():
    def while_handling():
        try:
            raise ClientError("throttled")
        except ClientError:
            return {}["Item"]

    def raised_from():
        try:
            raise KeyError("TABLE_NAME")
        except KeyError as error:
            raise RuntimeError("could not start") from error

    assert classify({"error": reported(raised(while_handling))}).summary == "KeyError: 'Item'"
    assert classify({"error": reported(raised(raised_from))}).summary == "KeyError: 'TABLE_NAME'"


def test_a_mapped_error_raised_while_handling_a_lookup_is_ready():
    from adforge.domain.errors import JobNotFound

    def mapped():
        try:
            return {}["job_1"]
        except KeyError:
            raise JobNotFound("job_1")  # noqa: B904

    assert classify({"error": reported(raised(mapped))}) == Outcome(True, "app error JobNotFound")


def test_anything_else_is_not_ready():
    outcome = classify({"error": reported(ValueError("bad\nsecond line"))})
    assert outcome == Outcome(False, "unexpected ValueError: bad / second line")
    assert not classify({"error": reported(Exception("Unauthorized"))}).ready


def test_aggregates_and_partial_batches_are_judged_by_their_members():
    class BatchProcessingError(Exception):
        def __init__(self, failures):
            super().__init__("All records failed processing.")
            self.child_exceptions = failures

    def exc_info(error):
        return (type(error), error, None)

    aws_only = BatchProcessingError([exc_info(ClientError("GetItem failed"))])
    assert classify({"error": reported(aws_only)}) == Outcome(True, "BatchProcessingError of 1: AWS error ClientError")
    defect = BatchProcessingError([exc_info(ClientError("x")), exc_info(KeyError("STATE_MACHINE_ARN"))])
    assert classify({"error": reported(defect)}) == Outcome(False, "BatchProcessingError of KeyError: 'STATE_MACHINE_ARN'")
    group = ExceptionGroup("two", [ClientError("a"), NameError("b")])
    assert not classify({"error": reported(group)}).ready

    partial = {"returned": {"batch_item_failures": 1}, "failures": [reported(ClientError("PutItem failed"))]}
    assert classify(partial) == Outcome(True, "returned (1 batch item failures: AWS error ClientError)")
    assert not classify({"returned": {"batch_item_failures": 1}, "failures": [reported(TypeError("x"))]}).ready
    assert not classify({"returned": {"batch_item_failures": 1}, "failures": []}).ready


def test_a_process_with_anything_but_code_layer_sdk_and_stdlib_on_its_path_is_not_clean():
    spec = {"task_root": "/b/Fn", "opt_dir": "/b/CoreLayer", "sdk_dir": "/c/sdk"}
    stdlib = ["/py/lib/python312.zip", "/py/lib/python3.12", "/py/lib/python3.12/lib-dynload"]
    ours = ["/b/Fn", "/b/CoreLayer/python/lib/python3.12/site-packages", "/b/CoreLayer/python", "/c/sdk"]
    clean = {"base_prefix": "/py", "sys_path": ours + stdlib}
    assert foreign_paths(clean, spec) == []
    leaky = {"base_prefix": "/py", "sys_path": [*ours, *stdlib, "/py/lib/python3.12/site-packages", "/work/.venv/lib"]}
    assert foreign_paths(leaky, spec) == ["/py/lib/python3.12/site-packages", "/work/.venv/lib"]


def test_the_runner_needs_only_the_standard_library():
    source = RUNNER.read_text()  # the script the check starts
    imported = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
