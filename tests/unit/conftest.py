"""Fixtures shared by the unit tests."""

import pytest

from adforge.services.intake import JobIntake
from adforge.services.submission import Submitter
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeGateway, FakeHealth, FakeJobs, FakeWorkflow, vendor


@pytest.fixture
def two_vendors():
    vendors = {"cheap": vendor("cheap", 0.01), "pricey": vendor("pricey", 0.05)}  # the services share this dict
    gateways = {"cheap": FakeGateway(name="cheap"), "pricey": FakeGateway(name="pricey")}
    jobs, events, health = FakeJobs(), FakeEvents(), FakeHealth()
    intake = JobIntake(jobs, FakeAssets(), events, FakeWorkflow(), FakeFetcher(), vendors, new_id=lambda: "job_1")
    submitter = Submitter(jobs, FakeAssets(), events, gateways, health, "https://api.test", 60, 5, vendors=vendors)
    return intake, submitter, gateways, jobs, health


def outcomes(job):
    return [(a.vendor, a.outcome, a.error.code if a.error else None) for a in job.attempts]
