import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from adforge.domain.errors import InputRejected
from adforge.domain.models import Job, JobRequest
from adforge.domain.shops import ProductEvent, ShopConfig
from adforge.domain.signatures import SignatureInvalid
from adforge.platforms import shopify, woocommerce
from adforge.platforms.readers import PLATFORMS
from adforge.ports.assets import FetchFailed
from adforge.ports.shops import PayloadInvalid, UnknownPlatform, UnknownShop
from adforge.services.intake import JobIntake
from adforge.services.shop_webhooks import ShopWebhooks
from adforge.vendors.catalog import CAPABILITIES
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeJobs, FakeWorkflow

EVENTS = Path(__file__).resolve().parents[2] / "events"
SHOP = "acme-mugs.myshopify.com"
STORE = "shop.acme.example"
SHOPIFY_SECRET = "shpss_0123456789abcdef"
WOO_SECRET = "ck_wc_secret_0123456789"
RECIPE = JobRequest(prompt="Lifestyle ad for this product", aspect_ratios=["1:1", "9:16"], metadata={"campaign": "autumn"})
CDN = "https://cdn.shopify.com/s/files/1/0005/4838/0009/products"
FRONT = {"id": 850703190, "position": 1, "src": f"{CDN}/mug-front.png?v=1700000000"}
SIDE = {"id": 562641783, "position": 2, "src": f"{CDN}/mug-side.png?v=1700000000"}
FRONT_V2 = {**FRONT, "src": f"{CDN}/mug-front-v2.png?v=1795288797"}  # the same image slot, another photo
T1, T2, T3 = "2026-11-22T06:19:57-05:00", "2026-11-22T06:25:00-05:00", "2026-11-22T12:00:00Z"  # product updated_at
MISSING = object()


def b64_hmac(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def shopify_delivery(*images, webhook_id="wh-1", topic="products/update", secret=SHOPIFY_SECRET, updated_at=T1, **extra):
    product = {"id": 632910392, "title": "Red Mug", "images": list(images)}
    if updated_at is not MISSING:
        product["updated_at"] = updated_at
    body = json.dumps(product).encode()
    headers = {
        "X-Shopify-Hmac-Sha256": b64_hmac(body, secret),
        "x-shopify-shop-domain": SHOP,  # any casing: API Gateway keeps the sender's
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": webhook_id,
        **extra,
    }
    return body, headers


def woo_delivery(product, delivery_id="d41d8cd98f00b204e9800998ecf8427e", secret=WOO_SECRET, topic="product.updated"):
    body = json.dumps(product).replace("/", "\\/").encode()  # PHP's json_encode escapes slashes
    headers = {
        "X-WC-Webhook-Source": f"https://{STORE}/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Signature": b64_hmac(body, secret),
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }
    return body, headers


def woo_product(product_id=412, *srcs, **fields):
    images = [{"id": 415 + i, "src": src, "date_modified": "2026-11-22T11:19:51"} for i, src in enumerate(srcs)]
    stamps = {"date_modified": "2026-11-22T06:19:57", "date_modified_gmt": "2026-11-22T11:19:57"}  # store in UTC-5
    return {"id": product_id, "name": "Red Mug", "type": "simple", "parent_id": 0, "images": images, **stamps, **fields}


class Directory:
    def __init__(self, shops):
        self.shops = shops
        self.lookups = []

    def find(self, platform, shop):
        self.lookups.append((platform, shop))
        return self.shops.get((platform, shop))


class Ledger:
    """Same contract as DynamoDBProductLedger (tested against moto in tests/integration)."""

    def __init__(self):
        self.deliveries = set()
        self.updates = {}  # (platform, shop, resource) -> [accepted updated_at, ...], latest last
        self.fingerprints = {}
        self.failing_updates = 0

    def claim_delivery(self, platform, shop, body_sha256):
        if (platform, shop, body_sha256) in self.deliveries:
            return False
        self.deliveries.add((platform, shop, body_sha256))
        return True

    def release_delivery(self, platform, shop, body_sha256):
        self.deliveries.discard((platform, shop, body_sha256))

    def record_update(self, platform, shop, resource_id, updated_at):
        if self.failing_updates:
            self.failing_updates -= 1
            raise RuntimeError("dynamodb down")
        seen = self.updates.setdefault((platform, shop, resource_id), [])
        if seen and seen[-1] >= updated_at:
            return False
        seen.append(updated_at)
        return True

    def undo_update(self, platform, shop, resource_id, updated_at):
        seen = self.updates.get((platform, shop, resource_id), [])
        if seen and seen[-1] == updated_at:
            seen.pop()

    def latest_update(self, platform, shop, resource_id):
        seen = self.updates.get((platform, shop, resource_id))
        return seen[-1] if seen else None

    def image_changed(self, platform, shop, product_id, image):
        key = (platform, shop, product_id, image.image_id)
        previous, self.fingerprints[key] = self.fingerprints.get(key), image.fingerprint
        return previous != image.fingerprint

    def forget_image(self, platform, shop, product_id, image):
        key = (platform, shop, product_id, image.image_id)
        if self.fingerprints.get(key) == image.fingerprint:
            del self.fingerprints[key]


class Intake:
    def __init__(self):
        self.created = []
        self.refuse = {}  # image url -> exception

    def create(self, tenant_id, request):
        if request.image.url in self.refuse:
            raise self.refuse[request.image.url]
        self.created.append((tenant_id, request))
        return Job(id=f"job_{len(self.created)}", tenant_id=tenant_id, request=request, vendor_requested=request.vendor)


@pytest.fixture
def world():
    class World:
        directory = Directory(
            {
                ("shopify", SHOP): ShopConfig(tenant_id="acme", secret=SHOPIFY_SECRET, recipe=RECIPE),
                ("woocommerce", STORE): ShopConfig(tenant_id="acme", secret=WOO_SECRET, recipe=RECIPE),
            }
        )
        ledger = Ledger()
        intake = Intake()
        hooks = ShopWebhooks(directory, ledger, intake, PLATFORMS)

        def deliver(self, platform, body, headers):
            event = self.hooks.accept(platform, body, headers)
            return event, (self.hooks.process(event) if event else [])

    return World()


def statuses(outcomes):
    return [(outcome.image_id, outcome.status) for outcome in outcomes]


# accept: verification ------------------------------------------------------------------------
def test_a_signed_shopify_update_is_read_claimed_and_serialisable(world):
    event = world.hooks.accept("shopify", *shopify_delivery(FRONT, SIDE))
    assert (event.platform, event.shop, event.topic, event.delivery_id) == ("shopify", SHOP, "products/update", "wh-1")
    assert (event.resource_id, event.updated_at) == ("632910392", datetime(2026, 11, 22, 11, 19, 57, tzinfo=UTC))
    assert (event.product_id, event.title) == ("632910392", "Red Mug")
    assert [(image.image_id, image.url) for image in event.images] == [("850703190", FRONT["src"]), ("562641783", SIDE["src"])]
    assert ProductEvent.model_validate_json(event.model_dump_json()) == event  # what goes on the queue
    body, _ = shopify_delivery(FRONT, SIDE)
    assert world.ledger.deliveries == {("shopify", SHOP, hashlib.sha256(body).hexdigest())}
    assert world.ledger.updates == {("shopify", SHOP, "632910392"): [event.updated_at]}


def tampered(body, headers):
    return body.replace(b"632910392", b"632910393"), headers  # one changed byte


def resigned_over_parsed_json(body, headers):
    return body, {**headers, "X-Shopify-Hmac-Sha256": b64_hmac(json.dumps(json.loads(body), indent=1).encode(), SHOPIFY_SECRET)}


@pytest.mark.parametrize(
    "forge",
    [
        tampered,
        resigned_over_parsed_json,
        lambda body, headers: (body, {k: v for k, v in headers.items() if k != "X-Shopify-Hmac-Sha256"}),
        lambda body, headers: (body, {**headers, "X-Shopify-Hmac-Sha256": ""}),
        lambda body, headers: (body, {**headers, "X-Shopify-Hmac-Sha256": b64_hmac(body, "shpss_someone_elses_secret")}),
        lambda body, headers: (
            body,
            {**headers, "X-Shopify-Hmac-Sha256": hmac.new(SHOPIFY_SECRET.encode(), body, "sha256").hexdigest()},
        ),
        lambda body, headers: (b"not json at all", headers),  # refused for its signature, never parsed
    ],
    ids=["one-byte", "re-serialised", "missing", "empty", "wrong-secret", "hex-not-base64", "unsigned-garbage"],
)
def test_shopify_deliveries_that_fail_the_raw_body_hmac_are_refused_and_change_nothing(world, forge):
    with pytest.raises(SignatureInvalid):
        world.hooks.accept("shopify", *forge(*shopify_delivery(FRONT)))
    assert world.ledger.deliveries == set()
    assert world.intake.created == []


@pytest.mark.parametrize(
    ("forge", "refused"),
    [
        (lambda body, headers: (body, headers), False),
        (lambda body, headers: (body.replace(b"412", b"413"), headers), True),
        (lambda body, headers: (body, {**headers, "X-WC-Webhook-Signature": b64_hmac(body, "another_secret_0000")}), True),
        (lambda body, headers: (body, {k: v for k, v in headers.items() if k != "X-WC-Webhook-Signature"}), True),
    ],
    ids=["valid", "one-byte", "wrong-secret", "missing"],
)
def test_woocommerce_signatures_are_checked_the_same_way(world, forge, refused):
    body, headers = forge(*woo_delivery(woo_product(412, "https://shop.acme.example/wp-content/uploads/mug.jpg")))
    if refused:
        with pytest.raises(SignatureInvalid):
            world.hooks.accept("woocommerce", body, headers)
        assert world.ledger.deliveries == set()
    else:
        event = world.hooks.accept("woocommerce", body, headers)
        assert (event.shop, event.product_id, [image.image_id for image in event.images]) == (STORE, "412", ["415"])


@pytest.mark.parametrize(
    "unsigned",
    [
        {"X-Shopify-Triggered-At": "2026-11-22T11:19:58Z"},  # a second after the update
        {"X-Shopify-Triggered-At": "2020-01-01T00:00:00Z"},  # outside any window
        {"X-Shopify-Triggered-At": "2030-01-01T00:00:00Z"},
        {"X-Shopify-Triggered-At": "yesterday"},
        {"X-Shopify-Webhook-Id": ""},
        {"X-Shopify-Webhook-Id": "x" * 300},
    ],
    ids=["recent", "long-ago", "future", "garbage", "no-webhook-id", "long-webhook-id"],
)
def test_unsigned_delivery_headers_decide_nothing(world, unsigned):
    """Anyone replaying a captured body can set, change or drop them: they are logged, never trusted."""
    event = world.hooks.accept("shopify", *shopify_delivery(FRONT, **unsigned))
    assert event is not None and len(event.delivery_id or "") <= 256


def test_a_duplicate_delivery_is_taken_once_and_a_released_one_again(world):
    first = world.hooks.accept("shopify", *shopify_delivery(FRONT))
    assert world.hooks.accept("shopify", *shopify_delivery(FRONT)) is None  # a platform retry
    world.hooks.release(first)  # the hand-off to the worker failed: the next retry must be taken
    assert world.hooks.accept("shopify", *shopify_delivery(FRONT)) == first


@pytest.mark.parametrize(
    "headers_change",
    [
        {"x-shopify-shop-domain": "someone-else.myshopify.com"},
        {"x-shopify-shop-domain": "acme-mugs.example.com"},
        {"x-shopify-shop-domain": ""},
    ],
)
def test_an_unknown_shop_is_answered_like_a_bad_signature(world, headers_change):
    body, headers = shopify_delivery(FRONT)
    with pytest.raises(UnknownShop) as refused:
        world.hooks.accept("shopify", body, {**headers, **headers_change})
    assert isinstance(refused.value, SignatureInvalid) and refused.value.code == SignatureInvalid.code
    assert world.ledger.deliveries == set()


def test_shop_domains_are_matched_in_canonical_form(world):
    body, headers = shopify_delivery(FRONT)
    assert world.hooks.accept("shopify", body, {**headers, "x-shopify-shop-domain": " ACME-Mugs.myshopify.com"}) is not None


def test_an_unknown_platform_is_refused_before_any_lookup(world):
    with pytest.raises(UnknownPlatform):
        world.hooks.accept("magento", *shopify_delivery(FRONT))
    assert world.directory.lookups == []


def test_a_verified_topic_we_do_not_act_on_is_acknowledged_without_a_claim(world):
    assert world.hooks.accept("shopify", *shopify_delivery(FRONT, topic="products/delete")) is None
    assert world.ledger.deliveries == set()


@pytest.mark.parametrize(
    ("body", "drop_header"),
    [
        (b"[1, 2]", None),
        (b'{"title": "no id", "updated_at": "2026-11-22T06:19:57-05:00"}', None),
        (b'{"id": "12; DROP", "updated_at": "2026-11-22T06:19:57-05:00"}', None),
        (b'{"id": 1}', None),  # no updated_at
    ],
)
def test_a_verified_but_unreadable_delivery_is_a_payload_error_and_not_claimed(world, body, drop_header):
    _, headers = shopify_delivery()
    headers = {k: v for k, v in headers.items() if k != drop_header} | {"X-Shopify-Hmac-Sha256": b64_hmac(body, SHOPIFY_SECRET)}
    with pytest.raises(PayloadInvalid):
        world.hooks.accept("shopify", body, headers)
    assert world.ledger.deliveries == set()


# replays: what the signature covers decides --------------------------------------------------
def test_a_replay_with_a_fresh_delivery_id_and_no_trigger_time_is_not_taken_again(world):
    body, headers = shopify_delivery(FRONT, webhook_id="wh-1", **{"X-Shopify-Triggered-At": "2026-11-21T19:39:00Z"})
    world.deliver("shopify", body, headers)
    replay = {k: v for k, v in headers.items() if k != "X-Shopify-Triggered-At"} | {"X-Shopify-Webhook-Id": "wh-forged"}
    assert world.deliver("shopify", body, replay) == (None, [])
    assert len(world.intake.created) == 1


def test_an_old_shopify_delivery_replayed_after_the_image_changed_makes_no_job(world):
    old = shopify_delivery(FRONT, webhook_id="wh-1", updated_at=T1)
    world.deliver("shopify", *old)
    _, outcomes = world.deliver("shopify", *shopify_delivery(FRONT_V2, webhook_id="wh-2", updated_at=T2))
    assert statuses(outcomes) == [("850703190", "created")]
    body, headers = old
    assert world.deliver("shopify", body, {**headers, "X-Shopify-Webhook-Id": "wh-forged"}) == (None, [])
    assert [request.image.url for _, request in world.intake.created] == [FRONT["src"], FRONT_V2["src"]]
    _, outcomes = world.deliver("shopify", *shopify_delivery(FRONT, webhook_id="wh-3", updated_at=T3))
    assert statuses(outcomes) == [("850703190", "created")]  # a newer update back to the first photo is a real change


def test_an_old_woocommerce_delivery_replayed_with_a_fresh_delivery_id_makes_no_job(world):
    old = woo_delivery(woo_product(412, "https://shop.acme.example/wp-content/uploads/mug.jpg"))
    world.deliver("woocommerce", *old)
    newer = woo_product(412, "https://shop.acme.example/wp-content/uploads/mug-v2.jpg", date_modified_gmt="2026-11-22T11:30:00")
    _, outcomes = world.deliver("woocommerce", *woo_delivery(newer, delivery_id="e" * 32))
    assert statuses(outcomes) == [("415", "created")]
    body, headers = old
    assert world.deliver("woocommerce", body, {**headers, "X-WC-Webhook-Delivery-ID": "f" * 32}) == (None, [])
    assert len(world.intake.created) == 2


def test_an_update_no_newer_than_the_last_one_taken_is_not_worked(world):
    world.deliver("shopify", *shopify_delivery(FRONT, updated_at=T2))
    # only the platform can sign these, but an equal or older updated_at is never worked (twice)
    assert world.hooks.accept("shopify", *shopify_delivery(SIDE, webhook_id="wh-2", updated_at=T2)) is None
    assert world.hooks.accept("shopify", *shopify_delivery(FRONT_V2, webhook_id="wh-3", updated_at=T1)) is None
    assert [request.image.url for _, request in world.intake.created] == [FRONT["src"]]


def test_an_older_update_reaching_the_worker_after_a_newer_one_makes_no_job(world):
    older = world.hooks.accept("shopify", *shopify_delivery(FRONT, updated_at=T1))
    newer = world.hooks.accept("shopify", *shopify_delivery(FRONT_V2, webhook_id="wh-2", updated_at=T2))
    assert statuses(world.hooks.process(newer)) == [("850703190", "created")]
    assert world.hooks.process(older) == []  # the queue does not keep order
    assert statuses(world.hooks.process(newer)) == [("850703190", "unchanged")]  # the worker's redelivery
    assert [request.image.url for _, request in world.intake.created] == [FRONT_V2["src"]]


@pytest.mark.parametrize("updated_at", [MISSING, None, "", "yesterday", 1795290000, "2026-11-22T11:19:57"])
def test_a_shopify_product_without_a_readable_updated_at_is_malformed_and_not_claimed(world, updated_at):
    with pytest.raises(PayloadInvalid, match="updated_at"):
        world.hooks.accept("shopify", *shopify_delivery(FRONT, updated_at=updated_at))
    assert world.ledger.deliveries == set()


@pytest.mark.parametrize(
    "stamps",
    [{}, {"date_modified_gmt": None, "date_modified": None}, {"date_modified_gmt": "soon"}, {"date_modified": 20261122}],
)
def test_a_woocommerce_product_without_a_readable_modification_date_is_malformed(world, stamps):
    product = {k: v for k, v in woo_product(412).items() if not k.startswith("date_modified")} | stamps
    with pytest.raises(PayloadInvalid, match="date_modified"):
        world.hooks.accept("woocommerce", *woo_delivery(product))
    assert world.ledger.deliveries == set()


def test_a_ledger_failure_after_the_claim_releases_it_so_the_retry_is_taken(world):
    world.ledger.failing_updates = 1
    with pytest.raises(RuntimeError):
        world.hooks.accept("shopify", *shopify_delivery(FRONT))
    assert world.ledger.deliveries == set()
    assert world.hooks.accept("shopify", *shopify_delivery(FRONT)) is not None


def test_a_released_update_is_taken_again_but_never_one_a_newer_update_superseded(world):
    older = world.hooks.accept("shopify", *shopify_delivery(FRONT, updated_at=T1))
    newer = world.hooks.accept("shopify", *shopify_delivery(FRONT_V2, webhook_id="wh-2", updated_at=T2))
    world.hooks.release(older)  # its hand-off failed after the newer one was taken: the newer one stands
    assert world.hooks.accept("shopify", *shopify_delivery(FRONT, updated_at=T1)) is None
    world.hooks.release(newer)
    assert world.hooks.accept("shopify", *shopify_delivery(FRONT_V2, webhook_id="wh-2", updated_at=T2)) == newer


def test_a_woocommerce_variation_keeps_its_own_modification_time(world):
    src = "https://shop.acme.example/wp-content/uploads/mug-red.jpg"
    world.deliver("woocommerce", *woo_delivery(woo_product(412, src, date_modified_gmt="2026-11-22T11:30:00")))
    # saved a moment before its parent, delivered after it: not an old update of the parent
    variation = woo_product(420, src, type="variation", parent_id=412, date_modified_gmt="2026-11-22T11:29:59")
    event = world.hooks.accept("woocommerce", *woo_delivery(variation))
    assert (event.product_id, event.resource_id) == ("412", "420")


@pytest.mark.parametrize(
    ("stamps", "expected"),
    [
        ({"date_modified_gmt": "2026-11-22T11:19:57", "date_modified": "2026-11-22T06:19:57"}, "2026-11-22T11:19:57+00:00"),
        ({"date_modified_gmt": None, "date_modified": "2026-11-22T06:19:57"}, "2026-11-22T06:19:57+00:00"),
        ({"date_modified_gmt": "2026-11-22T12:19:57+01:00"}, "2026-11-22T11:19:57+00:00"),
    ],
    ids=["gmt-first", "local-when-no-gmt", "offset-honoured"],
)
def test_woocommerce_modification_time_is_read_from_the_signed_body(world, stamps, expected):
    product = {k: v for k, v in woo_product(412).items() if not k.startswith("date_modified")} | stamps
    assert world.hooks.accept("woocommerce", *woo_delivery(product)).updated_at.isoformat() == expected


# process: one job per changed image -----------------------------------------------------------
def test_each_new_image_makes_one_job_from_the_shops_recipe(world):
    _, outcomes = world.deliver("shopify", *shopify_delivery(FRONT, SIDE))
    assert [(o.status, o.job_id) for o in outcomes] == [("created", "job_1"), ("created", "job_2")]
    tenant, request = world.intake.created[0]
    assert tenant == "acme"
    assert request.image.url == FRONT["src"]
    assert (request.prompt, request.aspect_ratios) == (RECIPE.prompt, RECIPE.aspect_ratios)
    assert request.metadata == {
        "campaign": "autumn",
        "platform": "shopify",
        "shop": SHOP,
        "product_id": "632910392",
        "image_id": "850703190",
    }


def test_an_update_that_changes_no_image_makes_no_job(world):
    world.deliver("shopify", *shopify_delivery(FRONT, SIDE))
    # another delivery of the product: new title, images reordered, cache-busting ?v= bumped
    moved = [{**SIDE, "position": 1, "src": SIDE["src"].replace("v=1700000000", "v=1795288797")}, {**FRONT, "position": 2}]
    _, outcomes = world.deliver("shopify", *shopify_delivery(*moved, webhook_id="wh-2", updated_at=T2))
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    assert len(world.intake.created) == 2


def test_a_changed_image_makes_exactly_one_job(world):
    world.deliver("shopify", *shopify_delivery(FRONT, SIDE))
    replaced = {**SIDE, "src": f"{CDN}/mug-side-v2.png?v=1795288797"}
    _, outcomes = world.deliver("shopify", *shopify_delivery(FRONT, replaced, webhook_id="wh-2", updated_at=T2))
    assert statuses(outcomes) == [("850703190", "unchanged"), ("562641783", "created")]
    assert [request.image.url for _, request in world.intake.created[2:]] == [replaced["src"]]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InputRejected("unsupported_media", "not an image"), "unsupported_media"),
        (FetchFailed("GET answered 404"), "fetch_failed"),
    ],
)
def test_a_refused_image_does_not_block_the_others_and_is_tried_again_with_the_next_delivery(world, error, code):
    world.intake.refuse[FRONT["src"]] = error
    _, outcomes = world.deliver("shopify", *shopify_delivery(FRONT, SIDE))
    assert statuses(outcomes) == [("850703190", "rejected"), ("562641783", "created")]
    assert outcomes[0].error.code == code
    del world.intake.refuse[FRONT["src"]]  # e.g. the CDN now serves the new file
    _, again = world.deliver("shopify", *shopify_delivery(FRONT, SIDE, webhook_id="wh-2", updated_at=T2))
    assert statuses(again) == [("850703190", "created"), ("562641783", "unchanged")]


def test_a_transient_failure_is_raised_and_the_retry_redoes_only_what_is_missing(world):
    event = world.hooks.accept("shopify", *shopify_delivery(FRONT, SIDE))
    world.intake.refuse[SIDE["src"]] = RuntimeError("states down")
    with pytest.raises(RuntimeError):
        world.hooks.process(event)
    del world.intake.refuse[SIDE["src"]]
    assert statuses(world.hooks.process(event)) == [("850703190", "unchanged"), ("562641783", "created")]
    assert [request.image.url for _, request in world.intake.created] == [FRONT["src"], SIDE["src"]]


def test_a_shop_unregistered_after_acceptance_makes_no_job(world):
    event = world.hooks.accept("shopify", *shopify_delivery(FRONT))
    world.directory.shops.clear()
    assert world.hooks.process(event) == []
    assert world.intake.created == []


def test_requests_go_through_the_real_intake_and_a_recipe_no_vendor_serves_is_refused_per_image(world):
    jobs, fetcher = FakeJobs(), FakeFetcher()
    intake = JobIntake(jobs, FakeAssets(), FakeEvents(), FakeWorkflow(), fetcher, CAPABILITIES)
    hooks = ShopWebhooks(world.directory, world.ledger, intake, PLATFORMS)
    event = hooks.accept("shopify", *shopify_delivery(FRONT, SIDE))
    # two aspect ratios per job: creativeai serves one, so nothing is fetched and no image counts as seen
    assert {(o.status, o.error.code) for o in hooks.process(event)} == {("rejected", "no_capable_vendor")}
    assert (fetcher.opened, world.ledger.fingerprints) == ([], {})
    fixed = ShopConfig(tenant_id="acme", secret=SHOPIFY_SECRET, recipe=RECIPE.model_copy(update={"aspect_ratios": ["1:1"]}))
    world.directory.shops[("shopify", SHOP)] = fixed
    outcomes = hooks.process(event)
    assert [o.status for o in outcomes] == ["created", "created"]
    job = jobs.get(outcomes[0].job_id)
    assert (fetcher.opened, job.input_key) == ([FRONT["src"], SIDE["src"]], f"tenants/acme/jobs/{job.id}/input.png")


# WooCommerce specifics ------------------------------------------------------------------------
def test_woocommerce_ping_is_acknowledged_without_any_lookup_or_claim(world):
    ping = {"User-Agent": "WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)", "Content-Type": "application/x-www-form-urlencoded"}
    assert world.hooks.accept("woocommerce", b"webhook_id=7", ping) is None
    assert (world.directory.lookups, world.ledger.deliveries) == ([], set())
    with pytest.raises(UnknownShop):  # anything else unsigned and shop-less is not a ping
        world.hooks.accept("woocommerce", b"webhook_id=7&id=412", ping)
    with pytest.raises(SignatureInvalid):  # nor is a ping-shaped body that claims a shop and a signature
        world.hooks.accept("woocommerce", b"webhook_id=7", {**woo_delivery(woo_product())[1], **ping})


def test_woocommerce_deliveries_sharing_an_id_within_a_second_are_each_taken(world):
    # WooCommerce's delivery id hashes the webhook id and the current second: a bulk edit repeats it
    mug = woo_delivery(woo_product(412, "https://shop.acme.example/wp-content/uploads/mug.jpg"))
    cup = woo_delivery(woo_product(413, "https://shop.acme.example/wp-content/uploads/cup.jpg"))
    assert world.hooks.accept("woocommerce", *mug) is not None
    assert world.hooks.accept("woocommerce", *cup) is not None
    assert world.hooks.accept("woocommerce", *mug) is None  # the very same delivery again


def test_woocommerce_variation_images_are_recorded_under_their_product(world):
    src = "https://shop.acme.example/wp-content/uploads/mug-red.jpg"
    world.deliver("woocommerce", *woo_delivery(woo_product(412, src)))
    variation = woo_product(420, src, type="variation", parent_id=412)
    event, outcomes = world.deliver("woocommerce", *woo_delivery(variation))
    assert (event.product_id, [o.status for o in outcomes]) == ("412", ["unchanged"])


# parsing and canonical forms ------------------------------------------------------------------
def test_shopify_image_shapes_and_fingerprints():
    front_media = {"id": 31, "media_content_type": "IMAGE", "preview_image": {"src": FRONT["src"]}}
    video = {"id": 32, "media_content_type": "EXTERNAL_VIDEO", "preview_image": {"src": f"{CDN}/video.jpg"}}
    assert [i.image_id for i in shopify.images({"media": [front_media, video]})] == ["31"]
    assert [i.image_id for i in shopify.images({"image": FRONT})] == ["850703190"]
    assert shopify.images({"images": [], "image": None, "media": []}) == []
    listed = shopify.images({"images": [FRONT, {**SIDE, "src": FRONT["src"]}, {"id": 9, "src": None}, {"src": SIDE["src"]}]})
    assert [i.image_id for i in listed] == ["850703190"]  # one file listed twice counts once; unusable entries skipped

    def fingerprint(image_id, src):
        return shopify.images({"images": [{"id": image_id, "src": src}]})[0].fingerprint

    base = fingerprint(1, "https://cdn.shopify.com/a/mug.png?v=1")
    assert base == fingerprint(1, "https://CDN.shopify.com/a/mug.png?v=2&width=400#top")
    assert base != fingerprint(1, "https://cdn.shopify.com/a/mug-v2.png?v=1")
    assert base != fingerprint(2, "https://cdn.shopify.com/a/mug.png?v=1")


@pytest.mark.parametrize(
    ("module", "value", "key"),
    [
        (shopify, " Acme-Mugs.myshopify.com", "acme-mugs.myshopify.com"),
        (shopify, "acme.example.com", None),
        (shopify, "acme.myshopify.com.evil.example", None),
        (woocommerce, "https://Shop.Acme.example/", "shop.acme.example"),
        (woocommerce, "http://shop.acme.example", "shop.acme.example"),
        (woocommerce, "https://acme.example:8443/store/", "acme.example:8443/store"),
        (woocommerce, "https://user@acme.example/", None),
        (woocommerce, "ftp://acme.example/", None),
        (woocommerce, "https://acme.example/?p=1", None),
        (woocommerce, "not a url", None),
    ],
)
def test_shop_keys_are_canonical(module, value, key):
    if key is None:
        with pytest.raises(ValueError):
            module.shop_key(value)
    else:
        assert module.shop_key(value) == key


def test_a_shop_config_holds_a_template_and_a_real_secret():
    with pytest.raises(ValidationError, match="must not name an image"):
        ShopConfig(
            tenant_id="acme", secret=SHOPIFY_SECRET, recipe=RECIPE.model_copy(update={"image": {"url": "https://x/y.png"}})
        )
    with pytest.raises(ValidationError):
        ShopConfig(tenant_id="acme", secret="short", recipe=RECIPE)
    with pytest.raises(ValidationError, match="at most 16 metadata"):
        ShopConfig(
            tenant_id="acme", secret=SHOPIFY_SECRET, recipe=JobRequest(prompt="mug", metadata={str(i): "x" for i in range(17)})
        )
    assert SHOPIFY_SECRET not in repr(ShopConfig(tenant_id="acme", secret=SHOPIFY_SECRET, recipe=RECIPE))


@pytest.mark.parametrize(
    ("sample", "platform", "shop", "secret"),
    [
        ("product_webhook_shopify", "shopify", "adforge-demo.myshopify.com", "shpss_sample_secret"),
        ("product_webhook_woocommerce", "woocommerce", "shop.adforge-demo.example", "wc_sample_secret"),
    ],
)
def test_the_sample_events_are_signed_with_the_documented_secrets(sample, platform, shop, secret):
    event = json.loads((EVENTS / f"{sample}.json").read_text())
    hooks = ShopWebhooks(
        Directory({(platform, shop): ShopConfig(tenant_id="demo-merchant", secret=secret, recipe=RECIPE)}),
        Ledger(),
        Intake(),
        PLATFORMS,
    )
    accepted = hooks.accept(event["pathParameters"]["platform"], event["body"].encode(), event["headers"])
    assert (accepted.shop, accepted.title, len(accepted.images)) == (shop, "Red Ceramic Mug", 2)
    assert accepted.updated_at == datetime(2026, 11, 22, 11, 19, 57, tzinfo=UTC)  # both samples: the same instant
    assert [o.status for o in hooks.process(accepted)] == ["created", "created"]
