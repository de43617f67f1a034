import pytest
from pydantic import ValidationError

from adforge.domain.models import JobRequest
from adforge.domain.status import TERMINAL, JobStatus, can_transition, sources_of


@pytest.mark.parametrize("terminal", sorted(TERMINAL))
def test_a_finished_job_can_go_nowhere(terminal):
    assert not any(can_transition(terminal, target) for target in JobStatus)


@pytest.mark.parametrize(
    ("current", "target", "legal"),
    [
        ("queued", "submitted", True),
        ("queued", "processing", False),
        ("queued", "completed", False),
        ("submitted", "processing", True),
        ("processing", "processing", True),
        ("processing", "completed", True),
        ("processing", "queued", False),
        ("submitted", "timed_out", True),
    ],
)
def test_transitions(current, target, legal):
    assert can_transition(JobStatus(current), JobStatus(target)) is legal


def test_sources_of_completed_are_the_running_states():
    assert sorted(sources_of(JobStatus.COMPLETED)) == ["processing", "submitted"]


def test_request_defaults_and_limits():
    request = JobRequest(prompt="a mug on marble")
    assert (request.kind, request.vendor, request.count, request.aspect_ratios) == ("image", "auto", 1, ["1:1"])
    for bad in (
        {"prompt": "no"},
        {"prompt": "x" * 1001},
        {"prompt": "a mug", "count": 5},
        {"prompt": "a mug", "aspect_ratios": ["1:1", "1:1"]},
        {"prompt": "a mug", "aspect_ratios": ["2:7"]},
        {"prompt": "a mug", "image": {}},
        {"prompt": "a mug", "image": {"key": "k", "url": "https://x/y.png"}},
        {"prompt": "a mug", "vendor": "Not A Vendor!"},
        {"prompt": "a mug", "surprise": 1},
    ):
        with pytest.raises(ValidationError):
            JobRequest.model_validate(bad)
