import base64
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from adforge.adapters import dynamodb_tenants
from adforge.adapters.dynamodb_tenants import DynamoDBTenantSecrets
from adforge.ports.notifications import WebhookSecretMissing


def test_ensure_creates_a_standard_secret_once(table):
    tenants = DynamoDBTenantSecrets(table)
    secret = tenants.ensure_secret("acme")
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert tenants.ensure_secret("acme") == secret
    assert DynamoDBTenantSecrets(table).secret_for("acme") == secret
    now = datetime.now(UTC)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": ""}
    headers["webhook-signature"] = Webhook(secret).sign("msg_1", now, "{}")
    assert Webhook(secret).verify("{}", headers) == {}


def test_the_item_stays_out_of_the_job_listing(table):
    secret = DynamoDBTenantSecrets(table).ensure_secret("acme")
    assert table.get_item(Key={"pk": "TENANT#acme"})["Item"] == {"pk": "TENANT#acme", "webhook_secret": secret}


def test_two_callers_agree_on_the_secret_stored_first(table, monkeypatch):
    candidates = iter(["whsec_Zmlyc3Q=", "whsec_c2Vjb25k"])
    monkeypatch.setattr(dynamodb_tenants, "new_secret", lambda: next(candidates))
    first, second = DynamoDBTenantSecrets(table), DynamoDBTenantSecrets(table)
    assert first.ensure_secret("acme") == "whsec_Zmlyc3Q="
    assert second.ensure_secret("acme") == "whsec_Zmlyc3Q="
    assert second.secret_for("acme") == "whsec_Zmlyc3Q="


def test_an_existing_tenant_item_keeps_its_other_attributes(table):
    table.put_item(Item={"pk": "TENANT#acme", "display_name": "Acme Inc."})
    secret = DynamoDBTenantSecrets(table).ensure_secret("acme")
    assert table.get_item(Key={"pk": "TENANT#acme"})["Item"] == {
        "pk": "TENANT#acme",
        "display_name": "Acme Inc.",
        "webhook_secret": secret,
    }


def test_tenants_have_their_own_secrets(table):
    tenants = DynamoDBTenantSecrets(table)
    assert tenants.ensure_secret("acme") != tenants.ensure_secret("globex")


@pytest.mark.parametrize("existing", [None, {"pk": "TENANT#acme", "display_name": "Acme Inc."}])
def test_no_secret_is_a_typed_error(table, existing):
    if existing:
        table.put_item(Item=existing)
    with pytest.raises(WebhookSecretMissing):
        DynamoDBTenantSecrets(table).secret_for("acme")
