"""Submit and Poll take the vendor account's next slot; the state machine does the waiting."""

import pytest

from adforge.domain.models import JobRequest, VendorState, VendorUpdate
from adforge.domain.status import JobStatus
from adforge.ports.vendors import VendorInputUnsupported, VendorRateLimited, VendorUnavailable
from adforge.services.account_admission import AccountAdmission
from adforge.services.backpressure import SLOT_LATE_SECONDS
from adforge.services.polling import Poller
from adforge.services.tenant_jobs import TenantJobs
from adforge.services.updates import UpdateRecorder
from adforge.vendors.rate_headers import RateHeaders
from adforge.vendors.rate_limits import CREATIVEAI_TIERS, limits_for
from tests.fakes import FakeAssets, FakeEvents, FakeGateway, FakeTasks, FakeWorkflow


class FakeAdmission:
    """Slots one `interval` apart from `now`; `hold_off` pushes the next one."""

    def __init__(self, clock, interval: float = 10.0) -> None:
        self.clock, self.interval = clock, interval
        self.next_free = 0.0
        self.reserved: list[tuple[str, float, int]] = []
        self.holds: list[tuple[str, float]] = []

    def reserve(self, bucket: str, per_minute: float, tokens: int = 1) -> float:
        self.reserved.append((bucket, per_minute, tokens))
        slot = max(self.next_free, self.clock())
        self.next_free = slot + self.interval * tokens
        return slot - self.clock()

    def hold_off(self, bucket: str, seconds: float) -> None:
        self.holds.append((bucket, seconds))
        self.next_free = max(self.next_free, self.clock() + seconds)


@pytest.fixture
def limited(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    now = [0.0]
    admission = FakeAdmission(lambda: now[0])
    limits = {name: limits_for(name, name, {"api_key": f"k-{name}"}) for name in ("cheap", "pricey")}
    submitter.admission, submitter.clock = AccountAdmission(admission, limits, RateHeaders()), lambda: now[0]
    ids = iter(range(1, 100))
    intake.new_id = lambda: f"job_{next(ids)}"

    def create(vendor="cheap", **fields):
        job = intake.create("acme", JobRequest(prompt="a red mug", vendor=vendor, **fields))
        now[0] = job.created_at.timestamp()
        return job

    return submitter, gateways, jobs, admission, now, create


def test_a_burst_is_queued_at_the_accounts_rate_and_each_job_sends_at_its_slot(limited):
    submitter, gateways, _jobs, admission, now, create = limited
    first, second = create(), create()
    assert submitter.submit(first.id)["state"] == "processing"
    queued = submitter.submit(second.id)
    assert (queued["state"], queued["wait"]) == ("throttled", 10) and gateways["cheap"].submissions[1:] == []
    now[0] += queued["wait"]
    assert submitter.submit(second.id, queued["slot"])["state"] == "processing"
    assert len(admission.reserved) == 2 and len(gateways["cheap"].submissions) == 2  # the slot was not taken twice


@pytest.mark.parametrize("late", [SLOT_LATE_SECONDS, SLOT_LATE_SECONDS + 1])
def test_a_slot_started_too_late_is_given_up_for_a_new_one(limited, late):
    """A Submit that runs long after its slot (a busy Lambda) would bunch up with on-time requests: it queues again."""
    submitter, gateways, _jobs, admission, now, create = limited
    first, job = create(), create()
    submitter.submit(first.id)
    queued = submitter.submit(job.id)
    assert queued["state"] == "throttled"
    now[0] = queued["slot"]["at"] + late
    again = submitter.submit(job.id, queued["slot"])
    in_time = late <= SLOT_LATE_SECONDS
    assert again["state"] == ("processing" if in_time else "throttled"), again
    assert len(admission.reserved) == (2 if in_time else 3) and len(gateways["cheap"].submissions) == (2 if in_time else 1)


def test_a_poll_slot_started_too_late_is_given_up(limited):
    submitter, gateways, jobs, admission, now, create = limited
    job = create()
    submitter.submit(job.id)
    admission.next_free = now[0] + 7
    recorder = UpdateRecorder(jobs, FakeEvents(), FakeTasks(), vendors=submitter.vendors)
    poller = Poller(jobs, recorder, gateways, lambda: now[0], 2, 10, 3600, submitter.admission, vendors=submitter.vendors)
    queued = poller.poll(job.id, 2)
    now[0] = queued["slot"]["at"] + SLOT_LATE_SECONDS + 1
    admission.next_free = now[0] + 3
    assert (poller.poll(job.id, queued["wait"], queued["slot"])["wait"], gateways["cheap"].status_calls) == (3, 0)


def test_a_slot_already_spent_on_a_request_is_not_reused_by_a_retry(limited):
    submitter, gateways, _jobs, admission, now, create = limited
    job = create()
    admission.next_free = now[0] + 5
    slot = {"vendor": "cheap", "reserved": now[0] - 1}
    gateways["cheap"].error = VendorUnavailable("cheap", "503")
    with pytest.raises(VendorUnavailable):  # the state machine's Retry runs the step again with the same input
        submitter.submit(job.id, slot)
    gateways["cheap"].error = None
    assert submitter.submit(job.id, slot)["state"] == "throttled" and len(admission.reserved) == 1


def test_a_429_holds_the_accounts_bucket_for_the_vendors_retry_after(limited):
    submitter, gateways, _jobs, admission, _now, create = limited
    job = create()
    gateways["cheap"].error = VendorRateLimited("cheap", "slow down", retry_after=30)
    assert submitter.submit(job.id)["wait"] == 30
    assert admission.holds == [(submitter.admission.limits["cheap"].creation(job.request)[0], 30)]
    gateways["cheap"].error = None
    assert submitter.submit(job.id)["wait"] == 30  # the next slot starts after the vendor's wait


def test_a_queue_longer_than_the_deadline_fails_the_job_clearly(limited):
    submitter, gateways, jobs, admission, now, create = limited
    job = create()
    admission.next_free = now[0] + 10_000
    ended = submitter.submit(job.id)
    assert (ended["error"], jobs.get(job.id).status) == ("vendor_rate_limited", JobStatus.FAILED)
    assert "deadline" in jobs.get(job.id).error.message and gateways["cheap"].submissions == []


def test_the_vendors_empty_window_holds_the_bucket_until_it_resets(limited):
    submitter, _gateways, _jobs, admission, _now, create = limited
    job = create()
    submitter.admission.pauses.note("cheap", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "42"})
    submitter.submit(job.id)
    assert admission.holds == [(submitter.admission.limits["cheap"].creation(job.request)[0], 42.0)]


def test_a_poll_takes_a_status_slot_and_waits_for_it(limited):
    submitter, gateways, jobs, admission, now, create = limited
    job = create()
    submitter.submit(job.id)
    gateways["cheap"].updates = iter([VendorUpdate(vendor_job_id="cheap_1", state=VendorState.PROCESSING)])
    admission.next_free = now[0] + 7
    recorder = UpdateRecorder(jobs, FakeEvents(), FakeTasks(), vendors=submitter.vendors)
    poller = Poller(jobs, recorder, gateways, lambda: now[0], 2, 10, 3600, submitter.admission, vendors=submitter.vendors)
    queued = poller.poll(job.id, 2)
    assert (queued["wait"], gateways["cheap"].status_calls) == (7, 0)
    assert poller.poll(job.id, queued["wait"], queued["slot"])["state"] == "processing"
    assert gateways["cheap"].status_calls == 1 and admission.reserved[-1][0].endswith("#status")


def test_documented_limits_and_per_account_overrides():
    free = limits_for("creativeai", "creativeai", {"api_key": "k", "tier": "free"})
    assert free.creations_per_minute == CREATIVEAI_TIERS["free"] and free.video_creations_per_minute == 5
    video = JobRequest(prompt="a red mug", kind="video")
    assert free.creation(video)[1] == 5 and free.status(video.kind)[1] == 120
    custom = limits_for("adsumo", "adsumo", {"api_key": "k", "creations_per_minute": "30"})
    assert custom.creation(JobRequest(prompt="a red mug"))[1] == 30
    assert limits_for("adsumo", "adsumo", {"api_key": "other"}).account != custom.account  # one bucket per key
    assert limits_for("adcreator", "adcreator", {"api_key": "k"}).creation(JobRequest(prompt="a red mug", count=3))[2] == 3
    with pytest.raises(ValueError, match="positive"):
        limits_for("adsumo", "adsumo", {"api_key": "k", "creations_per_minute": "0"})


@pytest.mark.parametrize(
    ("headers", "pause"),
    [
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "12"}, 12.0),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_000_000_030)}, 30.0),  # a Unix time
        ({"x-ratelimit-remaining": "3", "x-ratelimit-reset": "12"}, None),
        ({"x-ratelimit-remaining": "zero", "x-ratelimit-reset": "12"}, None),
        ({}, None),
    ],
)
def test_rate_headers_are_read_as_documented(headers, pause):
    readings = RateHeaders(clock=lambda: 1_000_000_000.0)
    readings.note("creativeai", headers)
    assert readings.pause("creativeai") == pause and readings.pause("creativeai") is None


# cancel reaches the vendor ---------------------------------------------------------------------------
class Deleting(FakeGateway):
    def __init__(self) -> None:
        super().__init__(name="cheap")
        self.discarded: list[str] = []

    def discard(self, vendor_job_id: str) -> None:
        self.discarded.append(vendor_job_id)


@pytest.mark.parametrize("deletes", [True, False])
def test_a_cancel_reaches_the_vendor_where_it_documents_how_and_is_recorded_either_way(two_vendors, deletes):
    intake, submitter, gateways, jobs, _ = two_vendors
    if deletes:
        gateways["cheap"] = Deleting()
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    submitter.submit(job.id)
    tenancy = TenantJobs(jobs, FakeAssets(), FakeEvents(), FakeWorkflow(), gateways, vendors=submitter.vendors)
    cancelled = tenancy.cancel("acme", job.id)
    attempt = cancelled.attempts[-1]
    assert (cancelled.status, attempt.vendor_job_id, attempt.outcome) == (JobStatus.CANCELLED, "cheap_1", "abandoned")
    if deletes:
        assert gateways["cheap"].discarded == ["cheap_1"] and "deleted at the vendor" in attempt.error.message
    else:
        assert "documents no way to cancel" in attempt.error.message


class CappedAdmission(FakeAdmission):
    def __init__(self, clock) -> None:
        super().__init__(clock, interval=0)
        self.running: set[str] = set()

    def enter(self, bucket: str, holder: str, cap: int) -> bool:
        if holder in self.running or len(self.running) < cap:
            self.running.add(holder)
            return True
        return False

    def leave(self, bucket: str, holder: str) -> None:
        self.running.discard(holder)

    def holders(self, bucket: str) -> frozenset[str]:
        return frozenset(self.running)


@pytest.fixture
def capped(limited):
    submitter, gateways, jobs, _, now, create = limited
    admission = CappedAdmission(lambda: now[0])
    submitter.admission = AccountAdmission(
        admission, {"cheap": limits_for("cheap", "cheap", {"api_key": "k", "max_in_flight": "1"})}
    )
    return submitter, gateways, jobs, admission, now, create


def test_a_full_concurrency_cap_keeps_the_next_job_queued_until_a_place_is_free(capped):
    submitter, gateways, jobs, admission, _now, create = capped
    first, second = create(), create()
    submitter.submit(first.id)
    assert submitter.submit(second.id)["state"] == "throttled" and len(gateways["cheap"].submissions) == 1
    recorder = UpdateRecorder(jobs, FakeEvents(), FakeTasks(), submitter.admission, vendors=submitter.vendors)
    recorder.record(first.id, "cheap", VendorUpdate(vendor_job_id="cheap_1", state=VendorState.COMPLETED, outputs=["u"]))
    assert admission.running == set()
    assert submitter.submit(second.id)["state"] == "processing" and admission.running == {second.id}


def test_a_job_that_fails_over_frees_its_place_at_the_vendor_it_left(capped):
    """Its generation there never started: the next job takes the place while the first runs at another vendor."""
    submitter, gateways, jobs, admission, _now, create = capped
    gateways["cheap"].error = VendorInputUnsupported("cheap", "the product photo cannot be sent as image/png")
    moved = create(vendor="auto")
    assert submitter.submit(moved.id)["vendor"] == "pricey" and jobs.get(moved.id).vendor == "pricey"
    assert admission.running == set()
    gateways["cheap"].error = None
    assert submitter.submit(create().id)["state"] == "processing" and len(gateways["cheap"].submissions) == 1


def test_a_holder_that_ended_without_leaving_is_let_out_by_the_next_job(capped):
    submitter, _gateways, jobs, admission, _now, create = capped
    first, second = create(), create()
    submitter.submit(first.id)
    jobs.transition(jobs.get(first.id), JobStatus.CANCELLED)  # ended, and nobody let it out
    assert submitter.submit(second.id)["state"] == "processing" and admission.running == {second.id}


def test_without_a_store_or_limits_every_vendor_is_admitted_at_once():
    request = JobRequest(prompt="a red mug")
    for unlimited in (AccountAdmission(), AccountAdmission(FakeAdmission(lambda: 0.0), {})):
        assert unlimited.creation_wait("cheap", request) == 0.0 and unlimited.status_wait("cheap", request.kind) == 0.0
        assert unlimited.enter("cheap", "job_1", lambda holder: True) and unlimited.cap("cheap") is None


def test_a_failed_job_leaves_only_the_caps_of_the_vendors_it_tried():
    """Reading an account's limits reads the vendor secret: a vendor the job never tried is not touched."""

    class OnlyCheap(dict):
        def __getitem__(self, vendor):
            assert vendor == "cheap", f"{vendor}'s limits were read"
            return super().__getitem__(vendor)

        def get(self, vendor, default=None):
            return self[vendor] if vendor in self else default  # noqa: SIM401 (through __getitem__)

    store = CappedAdmission(lambda: 0.0)
    limits = OnlyCheap(cheap=limits_for("cheap", "cheap", {"api_key": "k", "max_in_flight": "1"}))
    limits["pricey"] = limits_for("pricey", "pricey", {"api_key": "k2", "max_in_flight": "1"})
    admission = AccountAdmission(store, limits)
    assert admission.enter("cheap", "job_1", lambda holder: True) and store.running == {"job_1"}
    admission.leave_all("job_1", ["cheap", "cheap"])
    assert store.running == set()
