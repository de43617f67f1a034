from collections.abc import Iterator

import pytest

from adforge_local.sandboxes.base import Sandbox
from tests.contract.suite import Receiver


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture(scope="class")
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    sandbox = request.cls.pair.sandbox()
    sandbox.start()
    yield sandbox
    sandbox.stop()
