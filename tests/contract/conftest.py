from collections.abc import Iterator

import pytest

from adforge_local.sandboxes.base import Sandbox
from adforge_local.sandboxes.clock import ManualClock
from tests.contract.suite import Receiver


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture(scope="class")
def clock() -> ManualClock:
    """The sandbox's time: it moves only when a case advances it."""
    return ManualClock()


@pytest.fixture(scope="class")
def sandbox(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[Sandbox]:
    sandbox = request.cls.pair.sandbox(clock=clock)
    sandbox.start()
    yield sandbox
    sandbox.stop()
