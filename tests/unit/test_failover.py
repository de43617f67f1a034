import pytest

from adforge.domain.models import JobRequest
from adforge.domain.routing import UNHEALTHY_AFTER
from adforge.domain.status import JobStatus
from adforge.ports.vendors import VendorInputUnsupported, VendorInsufficientCredits, VendorRateLimited, VendorUnavailable
from tests.unit.conftest import outcomes


def test_auto_picks_the_cheapest_and_fails_over_after_retries(two_vendors):
    intake, submitter, gateways, jobs, health = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    gateways["cheap"].error = VendorUnavailable("cheap", "503")
    with pytest.raises(VendorUnavailable):
        submitter.submit(job.id)  # first failure: the state machine retries the same vendor after a backoff
    assert submitter.submit(job.id)["vendor"] == "pricey"
    stored = jobs.get(job.id)
    assert (stored.status, stored.vendor_requested, stored.vendor) == (JobStatus.SUBMITTED, "auto", "pricey")
    assert outcomes(stored) == [
        ("cheap", "failed", "vendor_unavailable"),
        ("cheap", "failed", "vendor_unavailable"),
        ("pricey", "submitted", None),
    ]
    assert health.failures == {"cheap": 2}


def test_no_credits_fails_over_at_once(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    gateways["cheap"].error = VendorInsufficientCredits("cheap", "top up")
    assert submitter.submit(job.id)["vendor"] == "pricey"
    assert [a.outcome for a in jobs.get(job.id).attempts] == ["failed", "submitted"]


def test_an_input_one_vendor_cannot_take_fails_over_and_leaves_its_health_alone(two_vendors):
    intake, submitter, gateways, jobs, health = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    gateways["cheap"].error = VendorInputUnsupported("cheap", "product image is larger than 10000000 bytes")
    assert submitter.submit(job.id)["vendor"] == "pricey"
    assert [(a.vendor, a.outcome) for a in jobs.get(job.id).attempts] == [("cheap", "failed"), ("pricey", "submitted")]
    assert health.recent_failures() == {}


def test_an_input_the_named_vendor_cannot_take_fails_the_job_with_its_reason(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug", vendor="cheap"))
    gateways["cheap"].error = VendorInputUnsupported("cheap", "product image is larger than 10000000 bytes")
    ended = submitter.submit(job.id)
    assert (ended["error"], jobs.get(job.id).status) == ("vendor_input_unsupported", JobStatus.FAILED)
    assert gateways["pricey"].submissions == []


def test_an_unhealthy_vendor_goes_last(two_vendors):
    intake, submitter, _, _, health = two_vendors
    health.failures["cheap"] = UNHEALTHY_AFTER
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    assert submitter.submit(job.id)["vendor"] == "pricey"


def test_a_named_vendor_is_never_swapped_and_its_429_waits_as_told_until_the_deadline(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    now = [1_000.0]
    submitter.clock = lambda: now[0]
    job = intake.create("acme", JobRequest(prompt="a red mug", vendor="cheap"))
    now[0] = job.created_at.timestamp()
    gateways["cheap"].error = VendorRateLimited("cheap", "slow down", retry_after=7)
    for _ in range(5):  # far more than TRIES_PER_VENDOR: a 429 spends no try of a named vendor
        assert submitter.submit(job.id) == {"state": "throttled", "vendor": "cheap", "wait": 7, "slot": None}
        now[0] += 7
    stored = jobs.get(job.id)
    assert (stored.status, stored.attempts) == (JobStatus.QUEUED, [])
    now[0] = job.created_at.timestamp() + submitter.deadline_seconds - 5  # the next wait would pass the deadline
    ended = submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert (stored.status, stored.error.code, ended["error"]) == (JobStatus.FAILED, "vendor_rate_limited", "vendor_rate_limited")
    assert gateways["pricey"].submissions == []


def test_auto_waits_what_the_vendor_said_then_moves_on(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    gateways["cheap"].error = VendorRateLimited("cheap", "slow down", retry_after=None)
    assert submitter.submit(job.id) == {"state": "throttled", "vendor": "cheap", "wait": 10, "slot": None}  # THROTTLE_SECONDS
    assert submitter.submit(job.id)["vendor"] == "pricey"
    assert [a.outcome for a in jobs.get(job.id).attempts] == ["failed", "failed", "submitted"]


def test_when_every_vendor_fails_the_job_says_so(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    for gateway in gateways.values():
        gateway.error = VendorInsufficientCredits(gateway.name, "top up")
    ended = submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert stored.error.code == "all_vendors_failed" and "cheap, pricey" in stored.error.message
    assert (ended["state"], ended["error"], ended["cause"]) == ("finished", "all_vendors_failed", stored.error.message)
