"""The handler tests' own premises: the environment is what the functions read, and no function is left out."""

import re
from pathlib import Path

import pytest

from adforge import settings
from tests.unit.handlers.conftest import EVENTS, FUNCTIONS, LAMBDA_ENV

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    "model", [m for m in vars(settings).values() if isinstance(m, type) and m.__base__ is settings.EnvSettings]
)
def test_every_settings_model_reads_its_required_values_from_the_test_environment(model):
    loaded = model.from_env()
    for name in model.required():
        assert str(getattr(loaded, name)) == LAMBDA_ENV[name.upper()]


def test_every_function_and_every_sample_event_is_invoked_by_a_handler_test():
    sources = "\n".join(path.read_text() for path in HERE.glob("test_*.py"))
    invoked = set(re.findall(r'(?:handler|load_handler)\("(\w+)"', sources))
    assert invoked == {path.parent.name for path in FUNCTIONS.glob("*/app.py")}
    samples = set(re.findall(r'sample\("(\w+)"\)', sources)) | set(re.findall(r'"(product_webhook_\w+)"', sources))
    assert samples == {path.stem for path in EVENTS.glob("*.json")}
