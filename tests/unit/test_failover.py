import pytest

from adforge.domain.errors import InputRejected
from adforge.domain.models import JobRequest
from adforge.domain.routing import UNHEALTHY_AFTER
from adforge.domain.status import JobStatus
from adforge.ports.vendors import VendorInputUnsupported, VendorInsufficientCredits, VendorRateLimited, VendorUnavailable
from adforge.services.intake import JobIntake
from adforge.services.submission import Submitter
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeGateway, FakeHealth, FakeJobs, FakeWorkflow, vendor
from tests.unit.conftest import outcomes

WEBP = "tenants/acme/uploads/p.webp"


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


class OversizedOnceConverted:
    """An `ImageFramer` whose conversion comes out over the size limit (a large WebP made PNG)."""

    def convert(self, download, accepted):
        raise InputRejected("too_large", "the converted image exceeds the 20000000 byte limit")


def photo_world(named: str = "auto"):
    """`cheap` takes PNG and JPEG only, `pricey` the merchant's WebP as it is; the job has a WebP photo."""
    vendors = {
        "cheap": vendor("cheap", 0.01).model_copy(update={"photo_types": frozenset({"image/png", "image/jpeg"})}),
        "pricey": vendor("pricey", 0.05),
    }
    gateways = {"cheap": FakeGateway(name="cheap"), "pricey": FakeGateway(name="pricey")}
    jobs, assets, health = FakeJobs(), FakeAssets({WEBP: b"RIFF....WEBP"}), FakeHealth()
    intake = JobIntake(jobs, assets, FakeEvents(), FakeWorkflow(), FakeFetcher(), vendors, new_id=lambda: "job_1")
    submitter = Submitter(jobs, assets, FakeEvents(), gateways, health, "https://api.test", 60, 5, vendors=vendors)
    submitter.images = OversizedOnceConverted()
    job = intake.create("acme", JobRequest(prompt="a red mug", image={"key": WEBP}, vendor=named))
    return submitter, gateways, jobs, health, job


def test_a_photo_that_cannot_be_converted_for_one_vendor_fails_over_and_sends_nothing_there():
    submitter, gateways, jobs, health, job = photo_world()
    assert submitter.submit(job.id)["vendor"] == "pricey"
    stored = jobs.get(job.id)
    assert outcomes(stored) == [("cheap", "failed", "vendor_input_unsupported"), ("pricey", "submitted", None)]
    assert "cannot be sent as image/jpeg or image/png" in stored.attempts[0].error.message
    assert gateways["cheap"].submissions == [] and gateways["pricey"].submissions[0].product_image_url
    assert health.recent_failures() == {}


def test_a_photo_that_cannot_be_converted_for_the_named_vendor_fails_the_job_with_the_reason():
    submitter, gateways, jobs, _, job = photo_world(named="cheap")
    ended = submitter.submit(job.id)
    assert (ended["error"], jobs.get(job.id).status) == ("vendor_input_unsupported", JobStatus.FAILED)
    assert "20000000 byte limit" in jobs.get(job.id).error.message
    assert gateways["cheap"].submissions == [] == gateways["pricey"].submissions


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
