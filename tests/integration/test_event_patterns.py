"""Rule patterns: the local stack refuses what EventBridge refuses (event_pattern_fidelity), and the template's
rules are ones it accepts and that match only what they mean to."""

import inspect
import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.events.models import EventPattern, EventPatternParser

from adforge_local import event_pattern_fidelity
from adforge_local.event_pattern_fidelity import problems
from adforge_local.template import Resolver
from tests.operations import translated

DOCUMENTED = {  # one of each match type and value shape EventBridge's content filtering documents
    "source": ["aws.s3", {"prefix": "aws."}, {"prefix": {"equals-ignore-case": "AWS."}}, {"suffix": ".s3"}],
    "detail": {
        "key": [{"wildcard": "tenants/*/incoming/*"}, {"anything-but": {"wildcard": "*/lib/*"}}],
        "state": [{"anything-but": ["stopped", "overloaded"]}, {"anything-but": {"prefix": "init"}}, None],
        "size": [{"numeric": [">", 0, "<=", 5]}, {"anything-but": 123}],
        "ip": [{"cidr": "10.0.0.0/24"}],
        "name": [{"equals-ignore-case": "mug"}, {"exists": True}],
        "$or": [{"a": ["1"]}, {"b": [{"exists": False}]}],
    },
}
REFUSED = [
    {"detail": {"key": [{"wildcards": "tenants/*"}]}},  # misspelt
    {"detail": {"key": [{"contains": "incoming"}]}},  # not an EventBridge match type
    {"detail": {"key": [{"wildcard": "tenants/**"}]}},  # consecutive wildcards
    {"detail": {"key": [{"prefix": 1}]}},
    {"detail": {"size": [{"numeric": [">", "0"]}]}},
    {"detail": {"size": [{"numeric": ["~", 0]}]}},
    {"detail": {"name": [{"exists": "yes"}]}},
    {"detail": {"name": [{"prefix": "a", "suffix": "b"}]}},
    {"detail": {"$or": [{"a": ["1"]}]}},
    {"detail": {"key": []}},
    {"source": "aws.s3"},
]


@pytest.fixture
def strict(aws):
    event_pattern_fidelity.install()
    try:
        yield boto3.client("events")
    finally:
        event_pattern_fidelity.uninstall()


def test_the_seam_is_where_the_local_stack_expects_it_and_still_needed():
    assert "self._validate_event_pattern(parsed_pattern)" in inspect.getsource(EventPatternParser.parse)
    lax = EventPattern.load(json.dumps({"detail": {"key": [{"wildcards": "nothing/*"}]}}))  # moto on its own: stored,
    assert lax.matches_event({"detail": {"key": "tenants/acme/jobs/x.png"}})  # and it matches every event


def test_documented_patterns_are_taken(strict):
    assert problems(DOCUMENTED) == []
    strict.put_rule(Name="documented", EventPattern=json.dumps(DOCUMENTED))


@pytest.mark.parametrize("pattern", REFUSED, ids=[json.dumps(p)[:60] for p in REFUSED])
def test_what_eventbridge_refuses_is_refused(strict, pattern):
    with pytest.raises(ClientError) as refused:
        strict.put_rule(Name="refused", EventPattern=json.dumps(pattern))
    assert refused.value.response["Error"]["Code"] == "InvalidEventPatternException"


def test_uninstalled_moto_is_itself_again(aws):
    boto3.client("events").put_rule(Name="lax", EventPattern=json.dumps(REFUSED[0]))


def _rules() -> dict[str, dict]:
    template = translated()
    resolver = Resolver(template, "us-east-1", "adforge")
    resolver.refs = {name: name.lower() for name in template.cfn["Resources"]}
    rules = template.resources("AWS::Events::Rule")
    return {name: resolver.resolve(rule["Properties"]["EventPattern"]) for name, rule in rules.items()}


def test_every_rule_of_the_template_is_one_eventbridge_takes():
    rules = _rules()
    assert rules and {name: problems(pattern) for name, pattern in rules.items()} == {name: [] for name in rules}


def test_photos_dropped_for_a_job_invoke_the_upload_trigger_and_nothing_else_under_tenants_does():
    (pattern,) = [p for p in _rules().values() if p.get("source") == ["aws.s3"]]
    rule = EventPattern.load(json.dumps(pattern))

    def created(key: str) -> dict:
        return {
            "source": "aws.s3",
            "detail-type": "Object Created",
            "detail": {"bucket": {"name": "assetsbucket"}, "object": {"key": key}},
        }

    assert rule.matches_event(created("tenants/acme/incoming/mug.png"))
    assert rule.matches_event(created("tenants/acme/incoming/2026/mug.png"))
    for elsewhere in ("tenants/acme/uploads/mug.png", "tenants/acme/jobs/job_1/output-0.png", "incoming/mug.png"):
        assert not rule.matches_event(created(elsewhere)), elsewhere
