"""Fixtures shared by the unit tests."""

import pytest

from adforge.domain.models import JobKind
from adforge.services.intake import JobIntake
from adforge.services.submission import Submitter
from adforge.vendors import registry
from adforge.vendors.capabilities import Capabilities
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
