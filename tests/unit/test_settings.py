"""Settings from the environment: typed, defaulted, and every problem named at once."""

import pytest

from adforge.settings import PollSettings, SettingsError, StoreSettings, VendorSettings

STORE = {"TABLE_NAME": "jobs", "BUCKET_NAME": "assets", "EVENT_BUS_NAME": "bus"}


def test_values_are_read_by_name_and_coerced_by_type():
    loaded = StoreSettings.from_env({**STORE, "ALLOW_LOOPBACK": "Yes", "MAX_INPUT_BYTES": " 1024 ", "OTHER": "x"})
    assert (loaded.table_name, loaded.allow_loopback, loaded.max_input_bytes) == ("jobs", True, 1024)
    assert StoreSettings.from_env({**STORE, "ALLOW_LOOPBACK": "off"}).allow_loopback is False
    assert VendorSettings.from_env({"VENDOR_SECRET_NAME": "s", "PUBLIC_API_URL": "u", "VENDOR_TIMEOUT_SECONDS": "2.5"}
                                   ).vendor_timeout_seconds == 2.5  # fmt: skip


def test_defaults_fill_what_is_not_set():
    loaded = StoreSettings.from_env(STORE)
    assert (loaded.allow_loopback, loaded.max_input_bytes) == (False, 20 * 1024 * 1024)


def test_every_missing_or_malformed_value_is_named_in_one_error():
    with pytest.raises(SettingsError) as raised:
        StoreSettings.from_env({"TABLE_NAME": "jobs", "ALLOW_LOOPBACK": "maybe", "MAX_INPUT_BYTES": "ten"})
    message = str(raised.value)
    for named in ("BUCKET_NAME is not set", "EVENT_BUS_NAME is not set", "ALLOW_LOOPBACK", "MAX_INPUT_BYTES"):
        assert named in message


def test_rules_beyond_the_types_are_checked():
    with pytest.raises(SettingsError, match="TIMING_SCALE"):
        PollSettings.from_env({"TIMING_SCALE": "0"})
    assert PollSettings.from_env({"TIMING_SCALE": "0.5"}).timing_scale == 0.5


def test_settings_are_frozen():
    loaded = StoreSettings.from_env(STORE)
    with pytest.raises(AttributeError):
        loaded.table_name = "other"  # type: ignore[misc]
