import pytest

from adforge.domain.models import JobKind, JobRequest
from adforge.domain.status import JobStatus
from adforge.services.intake import JobIntake
from adforge.services.submission import Submitter
from adforge.vendors import registry
from adforge.vendors.capabilities import Capabilities
from adforge.vendors.errors import VendorInsufficientCredits, VendorRateLimited, VendorUnavailable
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeGateway, FakeHealth, FakeJobs, FakeWorkflow


def vendor(name: str, cost: float) -> Capabilities:
    return Capabilities(name=name, display_name=name, kinds=frozenset({JobKind.IMAGE}), aspect_ratios=frozenset({"1:1"}),
                        max_count=4, webhooks=False, cost_per_output_usd=cost)  # fmt: skip


@pytest.fixture
def two_vendors(monkeypatch):
    monkeypatch.setattr(registry, "REGISTRY", {"cheap": vendor("cheap", 0.01), "pricey": vendor("pricey", 0.05)})
    gateways = {"cheap": FakeGateway(name="cheap"), "pricey": FakeGateway(name="pricey")}
    jobs, events, health = FakeJobs(), FakeEvents(), FakeHealth()
    intake = JobIntake(jobs, FakeAssets(), events, FakeWorkflow(), FakeFetcher(), frozenset(gateways), new_id=lambda: "job_1")
    submitter = Submitter(jobs, FakeAssets(), events, gateways, health, "https://api.test", 60, 5)
    return intake, submitter, gateways, jobs, health


def outcomes(job):
    return [(a.vendor, a.outcome, a.error.code if a.error else None) for a in job.attempts]


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


def test_an_unhealthy_vendor_goes_last(two_vendors):
    intake, submitter, _, _, health = two_vendors
    health.failures["cheap"] = registry.UNHEALTHY_AFTER
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    assert submitter.submit(job.id)["vendor"] == "pricey"


def test_a_named_vendor_is_never_swapped(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug", vendor="cheap"))
    gateways["cheap"].error = VendorRateLimited("cheap", "slow down", retry_after=3)
    with pytest.raises(VendorRateLimited):
        submitter.submit(job.id)
    ended = submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert (stored.status, stored.error.code) == (JobStatus.FAILED, "vendor_rate_limited")
    assert ended == {"state": "finished", "status": "failed", "error": "vendor_rate_limited", "cause": "slow down"}
    assert gateways["pricey"].submissions == []


def test_when_every_vendor_fails_the_job_says_so(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    for gateway in gateways.values():
        gateway.error = VendorInsufficientCredits(gateway.name, "top up")
    ended = submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert stored.error.code == "all_vendors_failed" and "cheap, pricey" in stored.error.message
    assert (ended["state"], ended["error"], ended["cause"]) == ("finished", "all_vendors_failed", stored.error.message)
