"""`make bench`, issue 9: a Shopify catalog burst against a rate-limited vendor, the AWS cost per 1,000 jobs
counted from that run, and a fault run's money invariants. No figure here is asserted; they are printed.

- `scale`: N products of one Shopify catalog, each a signed `products/update` through `POST /v1/hooks/shopify`
  (a unique title, an image served by a local "CDN"), with a recipe naming ONE vendor whose sandbox allows
  `limit` creations a minute per key. Printed: completed / failed by error code, the vendor's 429s, its
  peak creations in any 60 s window, the drain time (first delivery to the last job's terminal write)
  against the theoretical minimum N / limit minutes, and terminal events per job.
- cost: the same run's counted usage at AWS us-east-1 list prices (`PRICES`), per 1,000 jobs, against what
  the vendor charges for the outputs of the same jobs.
- `faults`: a mix of jobs over every vendor while, at seeded times, sandboxes rate-limit per key, accept and
  answer after the client's timeout, answer 5xx bursts, and jobs are cancelled at each stage (queued,
  submitting, processing, collecting). Printed: jobs billed more than once at one vendor or at two vendors,
  generations no job references, cancelled jobs that left objects in S3, jobs without exactly one terminal
  event. `tests/e2e/test_fault_invariants.py` runs a small one and asserts them.

What the vendors billed comes from each sandbox's `GET /_sandbox/ledger` (every generation it accepted). A
generation belongs to the job whose `vendor_job_id` or attempts name its id (adcreator's id may be several
generation ids joined by ","), else to the job whose unique prompt tag it carries (fault run only: product
jobs share their shop's recipe prompt).

How usage is counted (the bench's own calls, made as the operator, are never counted):
- AWS calls: every call a function's execution role makes, seen at the IAM check (`Enforcer.check`), by
  action. The state machine's own Lambda invokes are its transitions, not billed as API calls.
- Lambda: each invocation's handler time in its execution environment (init included when cold), measured
  around `Environment.invoke`, i.e. without the time an invocation waited for a free environment (the local
  stack runs at most `function_concurrency` per function; `bridge.record` includes that wait and is shown
  beside it), times the function's MemorySize from template.yaml. On a loaded 2-core machine running moto
  as well, handler times are far above Lambda's: an upper bound.
- Step Functions Standard: state transitions per execution history, each `...StateEntered` plus each retry of
  a task (a task scheduled again within one state entry).
- DynamoDB on-demand: request units per call, from the item sizes by DynamoDB's size rules (names + values):
  a write takes ceil(size / 1 KB) WRU of the item it writes (PutItem: the item sent; UpdateItem/DeleteItem:
  the item as it ends the run, at least what the update sends); a read ceil(size / 4 KB) RRU (half when
  eventually consistent) of the item as it ends the run (items only grow here: an upper bound); a Query or Scan
  as one 4 KB read per call; transactions twice.
- EventBridge: PutEvents entries (each under 64 KB: one event each). S3: requests by class (PUT/COPY/POST/
  LIST, GET and others; DELETE free), presigned GETs made by vendors included (billed to the bucket owner).
- SQS: calls by functions, plus two requests (receive, delete) per message a queue with a Lambda event source
  hands on (an approximation of Lambda's poller, which also polls empty queues: a fixed cost, not per job).
- API Gateway REST: every request through the local gateway (the bench makes only those a merchant would:
  product webhooks, cancels). CloudWatch Logs: bytes the functions wrote to their logs (without Lambda's own
  START/END/REPORT lines). Neither X-Ray traces nor data transfer out are counted.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import logging
import math
import random
import re
import secrets
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from adforge.domain.events import TERMINAL_EVENTS
from adforge.domain.models import JobKind
from adforge.vendors.catalog import CAPABILITIES
from adforge_local import iam_enforcement, lambda_bridge
from adforge_local.sandboxes.base import Reply, Request, Sandbox
from adforge_local.stack import LocalStack, Options

# AWS us-east-1 list prices, USD (on-demand, no free tier, as published on the services' pricing pages)
LAMBDA_ARM64_GB_SECOND = 0.0000133334  # Lambda arm64 duration, per GB-second (first 7.5 billion GB-s a month)
LAMBDA_REQUEST = 0.20 / 1_000_000  # Lambda, per request
SFN_STANDARD_TRANSITION = 0.025 / 1_000  # Step Functions Standard, per state transition
APIGW_REST_REQUEST = 3.50 / 1_000_000  # API Gateway REST API, per request (first 333 million a month)
DYNAMODB_WRITE_UNIT = 0.625 / 1_000_000  # DynamoDB on-demand, Standard table class, per write request unit
DYNAMODB_READ_UNIT = 0.125 / 1_000_000  # DynamoDB on-demand, Standard table class, per read request unit
EVENTBRIDGE_EVENT = 1.00 / 1_000_000  # EventBridge, per custom event published (per 64 KB chunk)
S3_PUT_CLASS_REQUEST = 0.005 / 1_000  # S3 Standard, per PUT, COPY, POST or LIST request
S3_GET_CLASS_REQUEST = 0.0004 / 1_000  # S3 Standard, per GET, SELECT or other request (DELETE is free)
SQS_REQUEST = 0.40 / 1_000_000  # SQS standard queue, per request (per 64 KB chunk), beyond the first million
SECRETS_MANAGER_CALL = 0.05 / 10_000  # Secrets Manager, per API call
CLOUDWATCH_LOGS_GB = 0.50  # CloudWatch Logs, per GB ingested (Standard log class)

S3_FREE = ("DeleteObject", "DeleteObjects")
S3_PUT_CLASS = ("PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "ListObjects",
                "ListObjectsV2", "ListBucket", "PostObject")  # fmt: skip
DYNAMODB_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
DYNAMODB_READS = ("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems")
CREATION = re.compile(r"(?i)(/images/[a-z-]+|/generate|/videos|/generateImage|/images/generations|/images/edits|"
                      r"/video/generat\w*|/AdCreative)$")  # fmt: skip
DOWNLOAD = re.compile(r"(?i)(^/output/|/Download$)")  # a vendor's output file or download call
SANDBOX_OF = {"creativeai": "creativeai", "adcreator": "adcreator", "adsumo": "adsumo",
              "adcreative_photoshoot": "adcreative", "adcreative_stock": "adcreative"}  # fmt: skip
Answer = tuple[int, dict[str, str], bytes]  # status, headers, body
TERMINAL = {event.value for event in TERMINAL_EVENTS}
FINISHED = {"completed", "failed", "cancelled", "timed_out"}
SAMPLE = Path(__file__).resolve().parents[2] / "local" / "assets" / "sample-product.png"
SHOP = "bench-catalog.myshopify.com"
SHOP_SECRET = "shpss_bench_catalog_0123456789"  # noqa: S105 - a sandbox value


# usage --------------------------------------------------------------------------------------------------
@dataclass
class VendorCall:
    at: float
    sandbox: str
    method: str
    path: str
    status: int
    answered: float = 0.0  # when the sandbox answered (wall clock)

    @property
    def creates(self) -> bool:
        return self.method == "POST" and bool(CREATION.search(self.path))


@dataclass
class Meter:
    """What the stack did while installed (see the module docstring for what is counted and how)."""

    calls: Counter[str] = field(default_factory=Counter)  # "service:Action" by the functions
    dynamodb: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (action, request body)
    event_entries: int = 0
    lambda_calls: list[tuple[str, float, bool]] = field(default_factory=list)  # (function, handler seconds, cold)
    api: Counter[str] = field(default_factory=Counter)  # "METHOD /path" with ids elided
    vendor: list[VendorCall] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def installed(self, stack: LocalStack) -> Iterator[Meter]:
        undo = [self._tap_aws(stack), self._tap_lambda(), self._tap_api(stack)]
        undo += [self._tap_vendor(name, sandbox) for name, sandbox in stack.sandboxes.items()]
        try:
            yield self
        finally:
            for restore in reversed(undo):
                restore()

    def _tap_aws(self, stack: LocalStack) -> Callable[[], None]:
        enforcer, meter = stack.enforcer, self
        original = enforcer.check

        def check(response: Any, iam_request_cls: type, resource: str) -> None:
            original(response, iam_request_cls, resource)
            authorization = response.headers.get("Authorization", "")
            key = iam_enforcement._access_key(authorization) or iam_enforcement._presigned_key(response)
            if key in enforcer.principals:
                meter._count(iam_enforcement._service(response), str(response._get_action()), response)

        enforcer.check = check  # type: ignore[method-assign]
        return lambda: setattr(enforcer, "check", original)

    def _count(self, service: str, action: str, response: Any) -> None:
        body = iam_enforcement._json(response) if service in ("dynamodb", "events") else {}
        with self.lock:
            self.calls[f"{service}:{action}"] += 1
            if service == "dynamodb":
                self.dynamodb.append((action, body))
            elif service == "events" and action == "PutEvents":
                self.event_entries += len(body.get("Entries", []))

    def _tap_lambda(self) -> Callable[[], None]:
        original, meter = lambda_bridge.Environment.invoke, self

        def invoke(environment: lambda_bridge.Environment, event: Any, request_id: str) -> dict[str, Any]:
            cold, started = not environment.warm, time.perf_counter()
            try:
                return original(environment, event, request_id)
            finally:
                with meter.lock:
                    meter.lambda_calls.append((environment.spec.name, time.perf_counter() - started, cold))

        lambda_bridge.Environment.invoke = invoke  # type: ignore[method-assign, assignment]
        return lambda: setattr(lambda_bridge.Environment, "invoke", original)

    def _tap_api(self, stack: LocalStack) -> Callable[[], None]:
        gateway, meter = stack.api, self
        original = gateway.handle

        def handle(method: str, raw_path: str, headers: dict[str, str], body: bytes, source_ip: str) -> Answer:
            path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27,}", "/{id}", raw_path.split("?", maxsplit=1)[0])
            with meter.lock:
                meter.api[f"{method} {path}"] += 1
            return original(method, raw_path, headers, body, source_ip)

        gateway.handle = handle  # type: ignore[method-assign]
        return lambda: setattr(gateway, "handle", original)

    def _tap_vendor(self, name: str, sandbox: Sandbox) -> Callable[[], None]:
        original, meter = sandbox.dispatch, self

        def dispatch(request: Request) -> Reply:
            started = time.time()
            reply = original(request)
            if not request.path.startswith("/_sandbox/"):
                with meter.lock:
                    meter.vendor.append(VendorCall(started, name, request.method, request.path, reply.status, time.time()))
            return reply

        sandbox.dispatch = dispatch  # type: ignore[method-assign]
        return lambda: setattr(sandbox, "dispatch", original)


def peak_per_window(moments: list[float], window: float = 60.0) -> int:
    """The most moments in any `window` seconds (a moment at t has left the window at t + window, give or take
    the microsecond the sandboxes' windows allow for float clocks)."""
    ordered, best, start = sorted(moments), 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window - 1e-6:
            start += 1
        best = max(best, end - start + 1)
    return best


# DynamoDB request units ----------------------------------------------------------------------------------
def _value_bytes(value: dict[str, Any]) -> int:
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        return (len(str(inner).lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind == "B":
        return len(inner) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_bytes({kind[0]: member}) for member in inner)
    if kind == "M":
        return 3 + item_bytes(inner)
    if kind == "L":
        return 3 + sum(1 + _value_bytes(member) for member in inner)
    return 0


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size by DynamoDB's rules: attribute names plus values (DynamoDB JSON in)."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _key_of(key: dict[str, Any]) -> str:
    return json.dumps(key, sort_keys=True)


def _write_units(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


def _read_units(size: int, consistent: bool) -> float:
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)


class _Units:
    """Request units of one DynamoDB call by its action, given the items' sizes as they ended the run."""

    def __init__(self, final_sizes: dict[str, int]) -> None:
        self.final_sizes = final_sizes

    def stored(self, key: dict[str, Any] | None) -> int:
        return self.final_sizes.get(_key_of(key or {}), 0)

    def of(self, action: str, body: dict[str, Any]) -> tuple[float, float]:
        """(read units, write units)"""
        consistent = bool(body.get("ConsistentRead"))
        if action == "PutItem":
            return 0.0, _write_units(item_bytes(body.get("Item", {})))
        if action in ("UpdateItem", "DeleteItem"):
            values = body.get("ExpressionAttributeValues", {}).values()
            sent = item_bytes(body.get("Key", {})) + sum(_value_bytes(value) for value in values)
            return 0.0, _write_units(max(sent, self.stored(body.get("Key"))))
        if action == "BatchWriteItem":
            operations = [op for ops in body.get("RequestItems", {}).values() for op in ops]
            return 0.0, sum(self._batch_write(operation) for operation in operations)
        if action == "TransactWriteItems":
            return 0.0, sum(2 * self._transact_write(item) for item in body.get("TransactItems", []))
        if action == "GetItem":
            return _read_units(self.stored(body.get("Key")), consistent), 0.0
        if action == "BatchGetItem":
            tables = body.get("RequestItems", {}).values()
            return sum(_read_units(self.stored(k), bool(t.get("ConsistentRead"))) for t in tables for k in t.get("Keys", [])), 0.0
        if action == "TransactGetItems":
            items = body.get("TransactItems", [])
            return sum(2 * _read_units(self.stored(item.get("Get", {}).get("Key")), True) for item in items), 0.0
        if action in ("Query", "Scan"):
            return _read_units(0, consistent), 0.0
        return 0.0, 0.0

    def _batch_write(self, operation: dict[str, Any]) -> float:
        put = operation.get("PutRequest", {}).get("Item")
        return _write_units(item_bytes(put) if put else self.stored(operation.get("DeleteRequest", {}).get("Key")))

    def _transact_write(self, item: dict[str, Any]) -> float:
        kind, operation = next(iter(item.items()))
        return _write_units(item_bytes(operation["Item"]) if kind == "Put" else self.stored(operation.get("Key")))


def request_units(requests: list[tuple[str, dict[str, Any]]], final_sizes: dict[str, int]) -> tuple[float, float]:
    """(read units, write units) of the counted DynamoDB calls (approximation in the module docstring)."""
    units = _Units(final_sizes)
    counted = [units.of(action, body) for action, body in requests]
    return sum(read for read, _ in counted), sum(write for _, write in counted)


def final_item_sizes(stack: LocalStack) -> dict[str, int]:
    """Every table item's size at the end of the run, by its key (pk, and sk where the table has one)."""
    dynamodb, sizes = stack.client("dynamodb"), {}
    key_names = [k["AttributeName"] for k in dynamodb.describe_table(TableName=stack.table)["Table"]["KeySchema"]]
    for page in dynamodb.get_paginator("scan").paginate(TableName=stack.table):
        for item in page["Items"]:
            sizes[_key_of({name: item[name] for name in key_names if name in item})] = item_bytes(item)
    return sizes


# cost ----------------------------------------------------------------------------------------------------
@dataclass
class Cost:
    lines: list[tuple[str, float, str]]  # (component, USD for the run, what was counted)

    @property
    def total(self) -> float:
        return sum(usd for _, usd, _ in self.lines)


def aws_cost(stack: LocalStack, meter: Meter, transitions: int) -> Cost:
    memory = {config.name: config.memory for config in stack.resources.configs.values()}
    gb_seconds = sum(seconds * memory.get(function, 128) / 1024 for function, seconds, _ in meter.lambda_calls)
    invocations = len(meter.lambda_calls)
    waited = sum(i.seconds * memory.get(i.function, 128) / 1024 for i in stack.bridge.record)
    reads, writes = request_units(meter.dynamodb, final_item_sizes(stack))
    s3 = {action.split(":")[1]: count for action, count in meter.calls.items() if action.startswith("s3:")}
    s3_put = sum(count for action, count in s3.items() if action in S3_PUT_CLASS)
    s3_get = sum(count for action, count in s3.items() if action not in S3_PUT_CLASS and action not in S3_FREE)
    sqs_calls = sum(count for action, count in meter.calls.items() if action.startswith("sqs:"))
    sqs_sent = meter.calls["sqs:SendMessage"] + meter.calls["sqs:SendMessageBatch"]
    sqs = sqs_calls + 2 * sqs_sent
    secrets_calls = sum(count for action, count in meter.calls.items() if action.startswith("secretsmanager:"))
    api_requests = sum(meter.api.values())
    log_bytes = sum(path.stat().st_size for path in stack.logs.glob("*.log"))
    return Cost(
        [
            ("Lambda requests", invocations * LAMBDA_REQUEST, f"{invocations} invocations"),
            (
                "Lambda duration (arm64)",
                gb_seconds * LAMBDA_ARM64_GB_SECOND,
                f"{gb_seconds:.1f} GB-s handler time x MemorySize ({waited:.1f} GB-s with waits for an environment)",
            ),
            ("Step Functions Standard", transitions * SFN_STANDARD_TRANSITION, f"{transitions} state transitions"),
            ("API Gateway REST", api_requests * APIGW_REST_REQUEST, f"{api_requests} requests"),
            (
                "DynamoDB writes",
                writes * DYNAMODB_WRITE_UNIT,
                f"{writes:.0f} WRU over {sum(1 for a, _ in meter.dynamodb if a in DYNAMODB_WRITES)} write calls",
            ),
            (
                "DynamoDB reads",
                reads * DYNAMODB_READ_UNIT,
                f"{reads:.0f} RRU over {sum(1 for a, _ in meter.dynamodb if a in DYNAMODB_READS)} read calls",
            ),
            ("EventBridge events", meter.event_entries * EVENTBRIDGE_EVENT, f"{meter.event_entries} PutEvents entries"),
            ("S3 PUT/COPY/POST/LIST", s3_put * S3_PUT_CLASS_REQUEST, f"{s3_put} requests"),
            ("S3 GET and other", s3_get * S3_GET_CLASS_REQUEST, f"{s3_get} requests"),
            ("SQS", sqs * SQS_REQUEST, f"{sqs_calls} calls by functions + {2 * sqs_sent} by the event source poller (est.)"),
            ("Secrets Manager", secrets_calls * SECRETS_MANAGER_CALL, f"{secrets_calls} calls"),
            ("CloudWatch Logs ingestion", log_bytes / 1e9 * CLOUDWATCH_LOGS_GB, f"{log_bytes / 1e6:.1f} MB of function logs"),
        ]
    )


def transitions_of(history: list[dict[str, Any]]) -> int:
    """Billed state transitions of one execution: states entered, plus task retries."""
    entered = sum(1 for event in history if event["type"].endswith("StateEntered"))
    tasks = sum(1 for event in history if event["type"] == "TaskStateEntered")
    scheduled = sum(1 for event in history if event["type"] in ("LambdaFunctionScheduled", "TaskScheduled"))
    return entered + max(0, scheduled - tasks)


def print_cost(cost: Cost, jobs: int, vendor_usd: float, extra_note: str = "") -> None:
    scale = 1000 / max(jobs, 1)
    print(f"AWS cost per 1,000 jobs (us-east-1 list prices, counted over {jobs} jobs){extra_note}")
    for component, usd, counted in cost.lines:
        print(f"  {component:28s} ${usd * scale:9.4f}   ({counted})")
    total, vendor = cost.total * scale, vendor_usd * scale
    ratio = f"{total / vendor:.4f}" if vendor else "n/a"
    print(f"  {'total':28s} ${total:9.4f}   vendor spend for the same jobs ${vendor:8.2f}   AWS/vendor = {ratio}")


# the stack's records ---------------------------------------------------------------------------------------
def jobs_of(stack: LocalStack, tenant_id: str) -> dict[str, dict[str, Any]]:
    """Every job record of the tenant, by id (internal fields included), read as the operator."""
    dynamodb, found = stack.client("dynamodb"), {}
    scan = {
        "TableName": stack.table,
        "FilterExpression": "begins_with(pk, :job)",
        "ExpressionAttributeValues": {":job": {"S": "JOB#"}},
    }
    for page in dynamodb.get_paginator("scan").paginate(**scan):
        for item in page["Items"]:
            if "doc" in item:
                job = json.loads(item["doc"]["S"])
                if job.get("tenant_id") == tenant_id:
                    found[job["id"]] = job
    return found


class Records:
    """Job records read as the operator, through one client (boto3 clients are thread-safe)."""

    def __init__(self, stack: LocalStack) -> None:
        self._client, self._table = stack.client("dynamodb"), stack.table

    def get(self, job_id: str) -> dict[str, Any] | None:
        item = self._client.get_item(TableName=self._table, Key={"pk": {"S": f"JOB#{job_id}"}}).get("Item")
        return json.loads(item["doc"]["S"]) if item and "doc" in item else None


def terminal_events(events: list[dict[str, Any]]) -> Counter[str]:
    """Terminal events per job id."""
    return Counter(e["detail"].get("job_id", "?") for e in events if e.get("detail-type") in TERMINAL)


def collect_events(stack: LocalStack, quiet_seconds: float = 3.0, limit_seconds: float = 60.0) -> list[dict[str, Any]]:
    """Everything the event tap holds, until nothing new came for `quiet_seconds`."""
    found: list[dict[str, Any]] = []
    deadline, last_new = time.time() + limit_seconds, time.time()
    while time.time() < deadline and time.time() - last_new < quiet_seconds:
        batch = stack.drain_events()
        if batch:
            found += batch
            last_new = time.time()
        else:
            time.sleep(0.5)
    return found


def sandbox_faults(sandbox: Sandbox, **faults: Any) -> bool:
    """Switch faults on through the sandbox's admin API, as an operator would; False (and a warning) when the
    sandbox does not know one of them (a sandbox older than the fault)."""
    answer = httpx.post(f"{sandbox.url}/_sandbox/faults", json=faults, timeout=10)
    if answer.status_code != 200:
        print(f"  WARNING: {sandbox.name} sandbox refused faults {faults}: {answer.text[:160]}", flush=True)
        return False
    return True


def ledger(sandbox: Sandbox) -> dict[str, Any]:
    """`GET /_sandbox/ledger`: every generation the vendor accepted (billed) and its creation counters;
    `{"available": False}` from a sandbox without one (figures that need it then print n/a)."""
    answer = httpx.get(f"{sandbox.url}/_sandbox/ledger", timeout=30)
    if answer.status_code != 200:
        print(f"  WARNING: {sandbox.name} sandbox has no ledger ({answer.status_code})", flush=True)
        return {"available": False, "generations": [], "creations": {}}
    found: dict[str, Any] = answer.json()
    return found


def answer_ids(body: bytes) -> list[str]:
    """What a vendor's creation answer names: its ids (keys `id` or ending `_id`, `Id`) and its URLs' paths."""
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, str(name))
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif isinstance(value, str) and value:
            if "://" in value:
                found.append(urlsplit(value).path)
            elif key == "id" or key.endswith(("_id", "Id")):
                found.append(value)

    try:
        walk(json.loads(body))
    except ValueError:
        return []
    return found


def generation_ids(vendor_job_id: str | None) -> list[str]:
    """The vendor ids a job's `vendor_job_id` names: several joined by "," (N generations), an AdCreative
    process of its user (`<processId>@<userId>`), or, for answers that carry their outputs and no id (CreativeAI's
    edits: `edited:<url> <url>`), the outputs' paths."""
    ids = []
    for part in re.split(r"[,\s]+", (vendor_job_id or "").removeprefix("edited:")):
        if part:
            ids.append(urlsplit(part).path if "://" in part else part.partition("@")[0])
    return ids


def _names(generation_id: str, text: str) -> bool:
    """`text` (a job's ids and outputs) names the generation: its id whole, or as the stem of an output file
    (a synchronous answer has no id; its ledger entry is keyed by its outputs' stem, `sync-7` of `sync-7-0.png`)."""
    return re.search(rf"(?<![\w-]){re.escape(generation_id)}(?![\w])", text) is not None


def vendor_of(sandbox: str, generation: dict[str, Any]) -> str:
    if sandbox != "adcreative":
        return sandbox
    return "adcreative_stock" if "stock" in str(generation.get("endpoint", "")).lower() else "adcreative_photoshoot"


@dataclass
class Billing:
    """Ledger generations attributed to jobs. A submission is one creation the job made: the generations one
    `vendor_job_id` names (N outputs may be N generations), or one generation no job references."""

    by_job: dict[str, list[tuple[str, str, str]]]  # job id -> [(vendor, generation id, submission)]
    unreferenced: list[tuple[str, dict[str, Any], str | None]]  # (vendor, generation, job id by prompt tag)

    def billed_more_than_once(self) -> list[str]:
        """Jobs with more than one submission at one vendor."""
        return sorted(
            job
            for job, gens in self.by_job.items()
            if any(n > 1 for n in Counter(v for v, _ in {(v, s) for v, _, s in gens}).values())
        )

    def billed_at_two_vendors(self) -> list[str]:
        return sorted(job for job, gens in self.by_job.items() if len({v for v, _, _ in gens}) > 1)


def attribute(ledgers: dict[str, dict[str, Any]], jobs: dict[str, dict[str, Any]], tags: dict[str, str] | None = None) -> Billing:
    """Each accepted generation to its job: by the ids the job records (or its outputs, for a generation whose answer
    had no id), else by the job's unique prompt tag (then it counts as unreferenced)."""
    referenced: dict[str, tuple[str, str]] = {}  # generation id -> (job id, submission)
    named_by: list[tuple[str, str, str]] = []  # (job id, submission, text naming its generations)
    for job in jobs.values():
        named = {job.get("vendor_job_id"), *(a.get("vendor_job_id") for a in job.get("attempts", []))} - {None}
        for vendor_job_id in sorted(named):
            for generation_id in generation_ids(vendor_job_id):
                referenced[generation_id] = (job["id"], vendor_job_id)
            outputs = " ".join((job.get("result") or {}).get("outputs", [])) if vendor_job_id == job.get("vendor_job_id") else ""
            named_by.append((job["id"], vendor_job_id, f"{vendor_job_id} {outputs}"))
    by_job: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    unreferenced: list[tuple[str, dict[str, Any], str | None]] = []
    for sandbox, book in ledgers.items():
        for generation in book.get("generations", []):
            vendor, generation_id = vendor_of(sandbox, generation), str(generation["id"])
            owner = referenced.get(generation_id) or next(
                ((job, submission) for job, submission, text in named_by if _names(generation_id, text)), None
            )
            if owner is None:
                prompt = str(generation.get("prompt") or "")
                job_id = next((job for tag, job in (tags or {}).items() if tag in prompt), None)
                unreferenced.append((vendor, generation, job_id))
                owner = (job_id, generation_id) if job_id is not None else None
            if owner is not None:
                by_job[owner[0]].append((vendor, generation_id, owner[1]))
    return Billing(dict(by_job), unreferenced)


def outputs_spend(jobs: dict[str, dict[str, Any]]) -> float:
    """What the vendors charge for the outputs of the completed jobs: outputs x cost_per_output_usd."""
    return sum(
        len(job.get("assets") or []) * CAPABILITIES[job["vendor"]].cost_per_output_usd
        for job in jobs.values()
        if job["status"] == "completed" and job.get("vendor") in CAPABILITIES
    )


def outcome_line(jobs: dict[str, dict[str, Any]]) -> str:
    statuses = Counter(job["status"] for job in jobs.values())
    codes = Counter(
        (job.get("error") or {}).get("code", "?") for job in jobs.values() if job["status"] in ("failed", "timed_out")
    )
    failures = ", ".join(f"{code} {count}" for code, count in codes.most_common()) or "-"
    order = ("completed", "failed", "timed_out", "cancelled", "queued", "submitted", "processing")
    shown = " | ".join(f"{status} {statuses[status]}" for status in order if statuses[status])
    return f"{shown} | failed by code: {failures}"


def terminal_line(jobs: dict[str, dict[str, Any]], events: list[dict[str, Any]]) -> tuple[str, int]:
    per_job = terminal_events(events)
    none = sum(1 for job in jobs if per_job[job] == 0)
    many = sum(1 for job in jobs if per_job[job] > 1)
    kinds = Counter(e.get("detail-type") for e in events if e.get("detail-type") in TERMINAL)
    shown = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    return f"terminal events: {shown or 'none'} | jobs with none {none}, with more than one {many}", none + many


# the catalog ---------------------------------------------------------------------------------------------
class CatalogImages:
    """A local stand-in for Shopify's CDN: `GET /s/files/products/<handle>.png` answers a product photo."""

    def __init__(self, photo: bytes) -> None:
        served = photo

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                found = self.path.startswith("/s/files/products/") and self.path.split("?")[0].endswith(".png")
                body = served if found else b"not found"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "image/png" if found else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="catalog-cdn", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> CatalogImages:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


ADJECTIVES = ("Matte", "Glazed", "Speckled", "Nordic", "Terracotta", "Midnight", "Sage", "Coral", "Ivory", "Slate")
THINGS = ("Mug", "Tumbler", "Bowl", "Carafe", "Teapot", "Vase", "Planter", "Candle", "Tray", "Pitcher")


def product(number: int, images_url: str, updated: datetime) -> dict[str, Any]:
    """A Shopify product (REST Admin API shape, trimmed) with one image and a title of its own."""
    title = f"{ADJECTIVES[number % 10]} {THINGS[number // 10 % 10]} No. {number:04d}"
    handle = title.lower().replace(" ", "-").replace(".", "")
    product_id, image_id = 8_000_000_000_000 + number, 40_000_000_000_000 + number
    stamp = updated.strftime("%Y-%m-%dT%H:%M:%S-05:00")
    return {
        "id": product_id, "title": title, "handle": handle, "status": "active", "vendor": "Bench Ceramics",
        "product_type": "Kitchen", "tags": "ceramics, handmade", "body_html": f"<p>{title}, handmade stoneware.</p>",
        "created_at": stamp, "updated_at": stamp, "published_at": stamp,
        "variants": [{"id": 50_000_000_000_000 + number, "product_id": product_id, "title": "Default Title",
                      "price": f"{18 + number % 30}.00", "sku": f"BC-{number:04d}", "inventory_quantity": 12}],
        "images": [{"id": image_id, "product_id": product_id, "position": 1, "width": 1024, "height": 1024,
                    "src": f"{images_url}/s/files/products/{handle}.png?v={int(updated.timestamp())}"}],
        "image": {"id": image_id, "product_id": product_id},
    }  # fmt: skip


def shopify_delivery(body: bytes, secret: str, shop: str) -> dict[str, str]:
    """The headers Shopify sends with a `products/update` webhook, HMAC of the raw body."""
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {
        "X-Shopify-Topic": "products/update",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-API-Version": "2025-01",
        "Content-Type": "application/json",
    }


# A. the scale scenario --------------------------------------------------------------------------------------
@dataclass
class ScaleSettings:
    jobs: int = 300
    vendor: str = "adsumo"
    limit_per_minute: int = 60
    seed: int = 1
    senders: int = 4  # threads delivering the catalog's webhooks
    processing_seconds: float = 2.0
    control: int = 60  # products of a first run with no vendor limit (0: none)

    @property
    def minimum_seconds(self) -> float:
        return self.jobs / self.limit_per_minute * 60

    @property
    def deadline_seconds(self) -> float:
        return 3 * self.minimum_seconds + 120


def fresh_moto() -> None:
    """moto's backends live in the process: a stack started after another (a control run, `make bench`'s
    scenarios) must not find the last one's resources (its operator user, table, bucket)."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


def quiet_moto() -> None:
    """moto's state-machine executor logs every failed execution (a failed job) as an error with its whole state."""
    logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)


@dataclass
class CatalogRun:
    jobs: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    meter: Meter
    book: dict[str, Any]
    started: float
    delivered: float  # seconds to send every delivery
    ended: float
    refused: Counter[str]
    cost: Cost | None = None

    @property
    def drain(self) -> float:
        """First delivery to the last job's terminal write (the record's own time)."""
        finished = [job for job in self.jobs.values() if job["status"] in FINISHED]
        return (max(map(_finished_at, finished)) - self.started) if finished else float("nan")


def catalog_run(settings: ScaleSettings, products: int, limited: bool, counted: bool) -> CatalogRun:
    """`products` signed Shopify updates through the public hook on a stack of its own; the vendor's sandbox
    limited per key when `limited`; histories read and usage priced when `counted`."""
    options = Options(job_deadline_seconds=int(settings.deadline_seconds), processing_seconds=settings.processing_seconds,
                      webhook_wait_seconds=10, poll_initial_seconds=2, poll_max_seconds=8)  # fmt: skip
    rng = random.Random(settings.seed)  # noqa: S311 - seeded figures, not secrets
    fresh_moto()
    with LocalStack(options) as stack, CatalogImages(SAMPLE.read_bytes()) as cdn:
        tenant = "bench-catalog"
        stack.create_tenant(tenant)
        recipe = {"vendor": settings.vendor, "prompt": "lifestyle ad of the product on a sunlit kitchen counter",
                  "aspect_ratios": ["1:1"], "count": 1}  # fmt: skip
        stack.register_shop("shopify", SHOP, tenant, SHOP_SECRET, recipe)
        sandbox = stack.sandboxes[SANDBOX_OF[settings.vendor]]
        if limited:
            sandbox_faults(sandbox, **rate_limit_faults(SANDBOX_OF[settings.vendor], settings.limit_per_minute))
        stack.drain_events()
        base = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
        bodies = [
            json.dumps(product(n, cdn.url, base + timedelta(seconds=rng.randrange(3600)))).encode() for n in range(products)
        ]
        refused: Counter[str] = Counter()
        meter = Meter()
        with meter.installed(stack):
            started = time.time()

            def deliver(body: bytes) -> None:
                headers = shopify_delivery(body, SHOP_SECRET, SHOP)
                answer = httpx.post(f"{stack.api.url}/v1/hooks/shopify", content=body, headers=headers, timeout=60)
                if answer.status_code != 200 or answer.json() != {"accepted": True}:
                    with meter.lock:
                        refused[f"{answer.status_code} {answer.text[:60]}"] += 1

            with ThreadPoolExecutor(settings.senders, thread_name_prefix="shopify") as senders:
                list(senders.map(deliver, bodies))
            delivered = time.time() - started
            jobs = _wait_until_finished(stack, tenant, products, started + settings.deadline_seconds)
            events = collect_events(stack)
        run = CatalogRun(jobs, events, meter, ledger(sandbox), started, delivered, time.time(), refused)
        if counted:
            transitions = sum(transitions_of(stack.history(job_id)) for job_id in jobs)
            run.cost = aws_cost(stack, meter, transitions)
    return run


def scale(settings: ScaleSettings) -> None:
    """A Shopify catalog of `jobs` products to one named vendor limited at `limit_per_minute`; prints figures.
    First a control: `control` products of the same shape with no sandbox limit: the stack's own pace on this
    machine (with an admission limiter, its spacing too: the limiter goes by the vendor secret, not the sandbox)."""
    quiet_moto()
    control = catalog_run(settings, settings.control, limited=False, counted=False) if settings.control else None
    run = catalog_run(settings, settings.jobs, limited=True, counted=True)
    billing = attribute({SANDBOX_OF[settings.vendor]: run.book}, run.jobs)
    _print_scale(settings, run, billing, control)
    assert run.cost is not None
    print_cost(run.cost, len(run.jobs), outputs_spend(run.jobs))


def _wait_until_finished(stack: LocalStack, tenant: str, expected: int, deadline: float) -> dict[str, dict[str, Any]]:
    """The tenant's jobs once `expected` exist and all are finished, or whatever there is at the deadline."""
    jobs: dict[str, dict[str, Any]] = {}
    last_report = time.time()
    while time.time() < deadline:
        jobs = jobs_of(stack, tenant)
        done = sum(1 for job in jobs.values() if job["status"] in FINISHED)
        if len(jobs) >= expected and done == len(jobs):
            return jobs
        if time.time() - last_report > 60:
            print(f"  ... {len(jobs)} jobs, {done} finished", flush=True)
            last_report = time.time()
        time.sleep(10)  # a scan of every record costs the stack's process too
    return jobs_of(stack, tenant)


def epoch(moment: Any) -> float:
    """A ledger time: epoch seconds (the sandbox clock's), or an ISO 8601 string."""
    if isinstance(moment, int | float):
        return float(moment)
    return datetime.fromisoformat(str(moment).replace("Z", "+00:00")).timestamp()


def _finished_at(job: dict[str, Any]) -> float:
    return datetime.fromisoformat(job["updated_at"]).timestamp()


def _print_scale(settings: ScaleSettings, run: CatalogRun, billing: Billing, control: CatalogRun | None) -> None:
    sandbox, jobs, book = SANDBOX_OF[settings.vendor], run.jobs, run.book
    calls = [call for call in run.meter.vendor if call.sandbox == sandbox]
    creations = [call for call in calls if call.creates]
    accepted = [epoch(g["created_at"]) for g in book.get("generations", [])]
    counters = book.get("creations", {})
    unfinished = sum(1 for job in jobs.values() if job["status"] not in FINISHED)
    print(
        f"scale: {settings.jobs} Shopify products -> {settings.vendor}, sandbox limited to {settings.limit_per_minute} "
        f"creations/minute per key (seed {settings.seed}, {settings.senders} senders, render {settings.processing_seconds} s)"
    )
    pace = float("nan")
    if control is not None:
        pace = len(control.jobs) / control.drain * 60
        print(f"  control, no sandbox limit: {len(control.jobs)} products drained in {control.drain:5.1f} s = "
              f"{pace:4.1f} jobs/minute (the stack's own pace here, its admission spacing included) | "
              f"{outcome_line(control.jobs)}")  # fmt: skip
    refused = f"refused {sum(run.refused.values())} {dict(run.refused) or ''}"
    print(f"  deliveries: {settings.jobs} sent in {run.delivered:5.1f} s, {refused}")
    tail = f" | unfinished at the deadline {unfinished}" if unfinished else ""
    print(f"  jobs: {len(jobs)} created | {outcome_line(jobs)}{tail}")
    print(f"  vendor 429s: {sum(1 for c in calls if c.status == 429)} answers ({sum(1 for c in creations if c.status == 429)} on "
          f"creations; ledger rejected_429 {counters.get('rejected_429', '?')}) | creation requests {len(creations)} "
          f"(ledger received {counters.get('received', '?')}) | generations billed {len(accepted)}")  # fmt: skip
    print(f"  vendor peak: {peak_per_window([c.at for c in creations])} creation requests and "
          f"{peak_per_window(accepted)} accepted generations in any 60 s (ledger peak_per_minute "
          f"{counters.get('peak_per_minute', '?')}; limit {settings.limit_per_minute})")  # fmt: skip
    minimum, drain = settings.minimum_seconds, run.drain
    window_floor = max(0, settings.jobs - settings.limit_per_minute) / settings.limit_per_minute * 60
    floor = f", at the control's pace {settings.jobs / pace * 60:5.1f} s" if control is not None else ""
    print(f"  drain: {drain:6.1f} s first delivery -> last terminal | theoretical minimum {minimum:5.1f} s "
          f"({settings.jobs}/{settings.limit_per_minute} min) | drain/minimum = {drain / minimum:4.2f}x | other floors: "
          f"a sliding window admits the first {settings.limit_per_minute} at once, so the last creation can come "
          f"{window_floor:5.1f} s in{floor}")  # fmt: skip
    line, _ = terminal_line(jobs, run.events)
    print(f"  {line}")
    if not book.get("available", True):
        print("  billing figures n/a: the sandbox has no ledger (GET /_sandbox/ledger)")
    print(f"  billing: jobs billed more than once {len(billing.billed_more_than_once())} | generations no job references "
          f"{len(billing.unreferenced)}")  # fmt: skip


# C. the fault run ---------------------------------------------------------------------------------------------
STAGES = ("queued", "submitting", "processing", "collecting")
IN_CALL = ("submitting", "processing", "collecting")  # cancelled from inside that stage's vendor call
VENDORS = tuple(name for name, vendor in CAPABILITIES.items() if JobKind.IMAGE in vendor.kinds and vendor.aspect_ratios)
"""The vendors an image job can name (one that declares no aspect ratio is sent no job)."""


@dataclass
class FaultSettings:
    jobs: int = 300
    seed: int = 1
    limit_per_minute: int = 60
    arrival_seconds: float = 60.0  # jobs arrive over this long (300 in 60 s: above 60/min at the popular vendors)
    cancel_share: float = 0.15  # of the jobs, cancelled at a stage (the stages in turn)
    late_events: int = 3
    burst_events: int = 3
    slow_submits_ms: int = 800  # adsumo answers this slowly throughout: a window to cancel during Submit
    senders: int = 4
    warm_up: bool = True  # one job per vendor first (not counted)


@dataclass
class FaultEvent:
    at: float
    sandbox: str
    faults: dict[str, Any]


DOCUMENTED_LIMITS = {"creativeai": 100}  # creations/minute of the documented tier the limiter assumes by default (pro)


def rate_limit_faults(sandbox: str, per_minute: int) -> dict[str, Any]:
    """How a bench run limits a sandbox: at its vendor's documented limits where the doc gives them (CreativeAI's
    tiers: the pro tier's 100/minute, video creation 5, video status 120, as the limiter assumes for a key whose
    secret names no tier), else at `per_minute` per key (the limiter's default for a vendor that documents none).
    A sandbox limited below what the account's secret says is a misconfigured account, not a limiter test."""
    return {"documented_rate_limits": True} if sandbox in DOCUMENTED_LIMITS else {"rate_limit_per_minute": per_minute}


def fault_plan(settings: FaultSettings, vendor_timeout: float) -> list[FaultEvent]:
    """Seeded: when each transient fault goes on, on which sandbox, how hard; everything is off at the end."""
    rng = random.Random(settings.seed)  # noqa: S311 - seeded figures, not secrets
    names = ["creativeai", "adcreator", "adsumo", "adcreative"]
    plan = [FaultEvent(0.0, name, rate_limit_faults(name, settings.limit_per_minute)) for name in names]
    plan.append(FaultEvent(0.0, "adsumo", {"latency_ms": settings.slow_submits_ms}))
    for _ in range(settings.late_events):  # a window in which every creation is carried out, then answered late
        at, name, window = rng.uniform(0, settings.arrival_seconds), rng.choice(names), rng.uniform(2, 5)
        late = {"answer_late_seconds": round(vendor_timeout + 2 + rng.random() * 2, 1), "answer_late_count": 0}
        plan += [FaultEvent(at, name, late), FaultEvent(at + window, name, {"answer_late_seconds": 0})]
    for _ in range(settings.burst_events):
        burst = {"error_status": rng.choice([500, 502, 503]), "error_count": rng.randint(2, 6)}
        plan.append(FaultEvent(rng.uniform(0, settings.arrival_seconds), rng.choice(names), burst))
    plan += [FaultEvent(settings.arrival_seconds, name, {"answer_late_seconds": 0, "error_status": None}) for name in names]
    return sorted(plan, key=lambda event: event.at)


@dataclass
class PlannedJob:
    index: int
    at: float
    vendor: str
    tag: str
    cancel_at: str | None  # a stage, or None


def job_plan(settings: FaultSettings) -> list[PlannedJob]:
    rng = random.Random(settings.seed * 7919 + 1)  # noqa: S311 - seeded figures, not secrets
    cancels = round(settings.jobs * settings.cancel_share)
    chosen = set(rng.sample(range(settings.jobs), cancels))
    plan, turn = [], 0
    for index in range(settings.jobs):
        stage = None
        if index in chosen:
            stage, turn = STAGES[turn % len(STAGES)], turn + 1
        vendor = "auto" if rng.random() < 0.4 else rng.choice(VENDORS)
        if stage in ("submitting", "processing"):
            vendor = "adsumo"  # cancelled from inside its creation / first status call (_cancel_in_flight): polled
        elif stage == "collecting":
            vendor = "creativeai"  # cancelled when Collect asks for its first output
        at = rng.uniform(0, settings.arrival_seconds)
        plan.append(PlannedJob(index, at, vendor, f"ref-{secrets.token_hex(5)}", stage))
    return sorted(plan, key=lambda job: job.at)


def job_request(job: PlannedJob, upload_key: str) -> dict[str, Any]:
    """One output, the product photo where the vendor uses one, 1:1 where the vendor makes it (else its first ratio);
    the prompt carries the job's tag (a second key to a generation no job references)."""
    capabilities = CAPABILITIES.get(job.vendor)
    ratio = "1:1" if capabilities is None or "1:1" in capabilities.aspect_ratios else sorted(capabilities.aspect_ratios)[0]
    body: dict[str, Any] = {"prompt": f"lifestyle ad of the product on a sunlit table, {job.tag}", "vendor": job.vendor,
                            "aspect_ratios": [ratio], "count": 1}  # fmt: skip
    if capabilities is None or capabilities.uses_product_image:
        body["image"] = {"key": upload_key}
    return body


def stage_of(job: dict[str, Any] | None) -> str | None:
    """Where a job is, as its record says: queued, submitting, processing, collecting, or None when finished."""
    if job is None:
        return "queued"
    status = job["status"]
    if status in FINISHED:
        return None
    if status == "queued":
        attempts = job.get("attempts") or []
        return "submitting" if attempts and attempts[-1].get("outcome") == "submitting" else "queued"
    result = job.get("result") or {}
    return "collecting" if result.get("state") == "completed" else "processing"


@dataclass
class FaultReport:
    jobs: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    billing: Billing
    leftovers: dict[str, list[str]]  # cancelled job -> keys left under its prefix
    cancels: dict[str, tuple[str, str | None, int]]  # job -> (wanted stage, stage seen when cancelling, answer status)
    applied: list[FaultEvent]
    vendor_calls: list[VendorCall]
    seconds: float
    ledgers_available: bool = True

    @property
    def missing_terminal(self) -> list[str]:
        per_job = terminal_events(self.events)
        return sorted(job for job in self.jobs if per_job[job] != 1)

    @property
    def unreferenced(self) -> list[tuple[str, dict[str, Any], str | None]]:
        return self.billing.unreferenced

    @property
    def on_nothing(self) -> list[tuple[str, dict[str, Any], str | None]]:
        """Unreferenced generations that are not even their job's unknown outcome (see `unknown_on_its_job`)."""
        return [entry for entry in self.unreferenced if not unknown_on_its_job(entry, self.jobs)]


def unknown_on_its_job(entry: tuple[str, dict[str, Any], str | None], jobs: dict[str, dict[str, Any]]) -> bool:
    """A generation no job names by id is still on its job when that job (found by prompt tag) recorded an
    `unknown` outcome at that vendor: the request whose answer never came, at a vendor that gave us no way to
    learn its id (no list, no reference, no webhook naming the job)."""
    vendor, _, job_id = entry
    job = jobs.get(job_id or "")
    return job is not None and any(
        a.get("vendor") == vendor and a.get("outcome") == "unknown" for a in job.get("attempts", [])
    )  # (an unknown attempt names the answered part of its submission, if any, by id: the rest is this one)


class FaultRun:
    """The seeded plan on a started stack: merchants create jobs (the tenant's upload is each job's product
    photo), faults go on and off at their times, jobs are cancelled at their planned stage (_cancel_in_flight)."""

    def __init__(self, stack: LocalStack, tenant_id: str, api_key: str, upload_key: str, settings: FaultSettings,
                 plan: list[PlannedJob] | None = None, faults: list[FaultEvent] | None = None) -> None:  # fmt: skip
        """`plan` and `faults` replace the seeded ones (a scripted run)."""
        self.stack, self.tenant_id, self.upload_key, self.settings = stack, tenant_id, upload_key, settings
        self.faults = faults if faults is not None else fault_plan(settings, float(stack.options.vendor_timeout_seconds))
        self.plan = sorted(plan, key=lambda job: job.at) if plan is not None else job_plan(settings)
        self.api = httpx.Client(base_url=stack.api.url, headers={"Authorization": f"Bearer {api_key}"}, timeout=60)
        self.tags: dict[str, str] = {}  # prompt tag -> job id
        self.created: dict[int, str] = {}
        self.cancels: dict[str, tuple[str, str | None, int]] = {}
        self.cancel_in_call = {job.tag: job.cancel_at for job in self.plan if job.cancel_at in IN_CALL}
        self.applied: list[FaultEvent] = []
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.started = 0.0
        self.records = Records(stack)
        self.in_call: dict[str, tuple[str, list[str]]] = {}  # job -> (stage, its generation ids), from the creation

    def warm_up(self, timeout: float = 90) -> None:
        """One job per vendor before the run, so that the plan's timings are not eaten by cold starts (a new
        execution environment takes seconds here); then the sandboxes start afresh (ledgers included)."""
        warm = [PlannedJob(-1 - n, 0.0, vendor, f"warm-{n}", None) for n, vendor in enumerate(VENDORS)]
        ids = [self.api.post("/v1/jobs", json=job_request(job, self.upload_key)).json().get("id") for job in warm]
        _wait_for_ids(self.records, [job_id for job_id in ids if job_id], time.time() + timeout)
        self.stack.reset_sandboxes()
        self.stack.forget_vendor_health()

    def run(self, deadline_seconds: float) -> FaultReport:
        meter = Meter()
        if self.settings.warm_up:
            self.warm_up()
        self.stack.drain_events()
        for event in self.faults:  # the run's starting conditions, all in place before its clock starts
            if event.at <= 0:
                self._apply(event, 0.0)
        self.started = time.time()
        with meter.installed(self.stack), self._cancel_in_flight():
            helpers = [
                threading.Thread(target=self._apply_faults, daemon=True),
            ]
            for helper in helpers:
                helper.start()
            try:
                with ThreadPoolExecutor(self.settings.senders, thread_name_prefix="merchant") as senders:
                    list(senders.map(self._create, self.plan))
                jobs = _wait_for_ids(self.records, list(self.created.values()), self.started + deadline_seconds)
            finally:
                self.stop.set()
                for helper in helpers:
                    helper.join(10)
            events = collect_events(self.stack)
        ledgers = {name: ledger(sandbox) for name, sandbox in self.stack.sandboxes.items()}
        available = all(book.get("available", True) for book in ledgers.values())
        billing = attribute(ledgers, jobs, self.tags)
        seconds = time.time() - self.started
        return FaultReport(
            jobs, events, billing, self._leftovers(jobs), self.cancels, self.applied, meter.vendor, seconds, available
        )

    def _leftovers(self, jobs: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
        """Cancelled jobs -> the keys still under their prefix (inputs and outputs live under it)."""
        s3, found = self.stack.client("s3"), {}
        for job_id, job in jobs.items():
            if job["status"] == "cancelled":
                prefix = f"tenants/{self.tenant_id}/jobs/{job_id}/"
                listed = s3.list_objects_v2(Bucket=self.stack.bucket, Prefix=prefix).get("Contents", [])
                if listed:
                    found[job_id] = [obj["Key"] for obj in listed]
        return found

    def _await_stage(self, job_id: str, stage: str, tries: int = 50) -> None:
        """Until the record shows `stage` (Submit writes its intent before the request; this is the reading's
        margin), at most `tries` x 20 ms."""
        for _ in range(tries):
            if stage_of(self.records.get(job_id)) == stage:
                return
            time.sleep(0.02)

    def _cancel(self, job_id: str, wanted: str) -> None:
        seen = stage_of(self.records.get(job_id))
        answer = self.api.post(f"/v1/jobs/{job_id}/cancel")
        with self.lock:
            self.cancels[job_id] = (wanted, seen, answer.status_code)

    def _create(self, job: PlannedJob) -> None:
        time.sleep(max(0.0, self.started + job.at - time.time()))
        body = job_request(job, self.upload_key)
        answer = self.api.post("/v1/jobs", json=body)
        if answer.status_code != 202:
            print(f"  job {job.index} refused: {answer.status_code} {answer.text[:120]}")
            return
        job_id = answer.json()["id"]
        with self.lock:
            self.created[job.index], self.tags[job.tag] = job_id, job_id
        if job.cancel_at == "queued":
            self._cancel(job_id, "queued")

    @contextmanager
    def _cancel_in_flight(self) -> Iterator[None]:
        """Jobs to cancel at `submitting`, `processing` or `collecting` are cancelled from inside the vendor call of
        that stage: Submit's creation request (found by the prompt's tag), Poll's first status call, Collect's first
        download (both found by the ids the creation answer named). The vendor's answer waits for the cancel (within
        the client's timeout), so the cancel lands while the function works; watching the record alone misses those
        windows under load. A job planned for `processing` must be at a vendor that is polled (adsumo)."""
        originals = {name: sandbox.dispatch for name, sandbox in self.stack.sandboxes.items()}
        timeout = min(4.0, self.stack.options.vendor_timeout_seconds - 1.0)

        def cancelled_in_call(job_id: str, stage: str) -> None:
            cancelling = threading.Thread(target=self._cancel, args=(job_id, stage), daemon=True)
            cancelling.start()
            cancelling.join(timeout=timeout)  # under the client's timeout

        def tap(original: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
            def dispatch(request: Request) -> Reply:
                if request.path.startswith("/_sandbox/"):  # the run's own fault switches name the jobs' tags too
                    return original(request)
                if request.method == "GET":
                    stage = "collecting" if DOWNLOAD.search(request.path) else "processing"
                    seen = request.path + json.dumps(request.query)
                    with self.lock:
                        job_id = next(
                            (job for job, (at, ids) in self.in_call.items() if at == stage and any(i in seen for i in ids)),
                            None,
                        )
                        if job_id is not None:
                            del self.in_call[job_id]  # its first such call only
                    if job_id is not None:
                        self._await_stage(job_id, stage)
                        cancelled_in_call(job_id, stage)
                elif request.method == "POST" and (planned := self._planned(request.body)) is not None:
                    tag, job_id, stage = planned
                    if stage == "submitting":  # its first creation request
                        with self.lock:
                            taken = self.cancel_in_call.pop(tag, None) is not None
                        if taken:
                            self._await_stage(job_id, "submitting")
                            cancelled_in_call(job_id, "submitting")
                    else:  # its ids, from the creation the vendor took, before Poll or Collect can ask about them
                        reply = original(request)
                        if 200 <= reply.status < 300:
                            with self.lock:
                                if self.cancel_in_call.pop(tag, None) is not None:
                                    self.in_call[job_id] = (stage, answer_ids(reply.body))
                        return reply
                return original(request)

            return dispatch

        for name, sandbox in self.stack.sandboxes.items():
            sandbox.dispatch = tap(originals[name])  # type: ignore[method-assign, assignment]
        try:
            yield
        finally:
            for name, sandbox in self.stack.sandboxes.items():
                sandbox.dispatch = originals[name]  # type: ignore[method-assign]

    def _planned(self, body: bytes) -> tuple[str, str, str] | None:
        """(tag, job, stage) of a job planned for a cancel inside a vendor call (IN_CALL) whose tag this creation
        request carries. The job's id arrives with the API's 202, which may come after Submit's request: waited
        for briefly (bounded)."""
        with self.lock:
            tag = next((tag for tag in self.cancel_in_call if tag.encode() in body), None)
            if tag is None:
                return None
            stage = self.cancel_in_call[tag]
        for _ in range(100):  # 100 x 20 ms
            with self.lock:
                job_id = self.tags.get(tag)
            if job_id is not None:
                return tag, job_id, stage
            time.sleep(0.02)
        return None

    def _apply_faults(self) -> None:
        """The faults after the start, each at its time (one after the other: each is an admin call, so a loaded
        machine makes them late, never out of order)."""
        for event in self.faults:
            if event.at <= 0:
                continue
            if self.stop.wait(max(0.0, self.started + event.at - time.time())):
                return
            self._apply(event, round(time.time() - self.started, 1))

    def _apply(self, event: FaultEvent, at: float) -> None:
        sandbox_faults(self.stack.sandboxes[event.sandbox], **event.faults)
        self.applied.append(FaultEvent(at, event.sandbox, event.faults))


def _wait_for_ids(records: Records, job_ids: list[str], deadline: float) -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = {}
    while True:
        jobs = {job_id: job for job_id in job_ids if (job := records.get(job_id)) is not None}
        if all(job["status"] in FINISHED for job in jobs.values()) or time.time() > deadline:
            return jobs
        time.sleep(2)


def _fault_note(event: FaultEvent) -> str:
    faults, where = event.faults, f"{event.sandbox}@{event.at:.0f}s"
    if faults.get("answer_late_seconds"):
        count = faults.get("answer_late_count") or "every"
        return f"{where} {count} creation(s) answered {faults['answer_late_seconds']:.0f} s late"
    if "answer_late_seconds" in faults and len(faults) == 1:
        return f"{where} late off"
    if faults.get("error_status"):
        return f"{where} next {faults['error_count'] or 'all'} calls {faults['error_status']}"
    if faults.get("latency_ms"):
        return f"{where} +{faults['latency_ms']} ms"
    if faults.get("rate_limit_per_minute"):
        return f"{where} {faults['rate_limit_per_minute']}/min per key"
    if faults.get("documented_rate_limits"):
        return f"{where} its documented limits ({DOCUMENTED_LIMITS[event.sandbox]}/min per key)"
    return ""


def print_faults(report: FaultReport, settings: FaultSettings) -> None:
    jobs, billing = report.jobs, report.billing
    print(f"faults (seed {settings.seed}): {len(jobs)} jobs over {', '.join(VENDORS)} and auto, arriving over "
          f"{settings.arrival_seconds:.0f} s, sandboxes limited to {settings.limit_per_minute} creations/minute per key, "
          f"CreativeAI to its documented {DOCUMENTED_LIMITS['creativeai']} ({report.seconds:.0f} s)")  # fmt: skip
    print("  faults on: " + "; ".join(_fault_note(event) for event in report.applied if _fault_note(event)))
    calls = report.vendor_calls
    per_sandbox = []
    for name in sorted({c.sandbox for c in calls}):
        creations = [c for c in calls if c.sandbox == name and c.creates]
        per_sandbox.append(f"{name} {len(creations)} (peak {peak_per_window([c.at for c in creations])}/60 s, "
                           f"429 {sum(1 for c in creations if c.status == 429)})")  # fmt: skip
    print(f"  vendor answers: 429 {sum(1 for c in calls if c.status == 429)}, 5xx {sum(1 for c in calls if c.status >= 500)} "
          f"| creation requests: {', '.join(per_sandbox)}")  # fmt: skip
    print(f"  jobs: {outcome_line(jobs)}")
    hit = Counter((wanted, seen) for wanted, seen, status in report.cancels.values() if status == 200)
    missed = Counter(wanted for wanted, _, status in report.cancels.values() if status != 200)
    print("  cancels (wanted<-seen when cancelling): " + ", ".join(f"{w}<-{s} {n}" for (w, s), n in sorted(hit.items(), key=str))
          + (f" | not cancelled (already past the stage or finished): {dict(missed)}" if missed else ""))  # fmt: skip
    by_prompt = sum(1 for _, _, job in billing.unreferenced if job)
    deleted = sum(1 for _, gen, _ in billing.unreferenced if gen.get("deleted") or gen.get("cancelled"))
    abandoned = sum(1 for job in jobs.values() for a in job.get("attempts", []) if a.get("outcome") == "abandoned")
    unknown = sum(1 for job in jobs.values() for a in job.get("attempts", []) if a.get("outcome") == "unknown")
    if not report.ledgers_available:
        print("  billing figures n/a: a sandbox has no ledger (GET /_sandbox/ledger)")
    print(f"  jobs billed more than once at one vendor: {len(billing.billed_more_than_once())}")
    print(f"  jobs billed at two vendors: {len(billing.billed_at_two_vendors())}")
    vendors = Counter(vendor for vendor, _, _ in billing.unreferenced)
    print(f"  vendor generations no job references by id: {len(billing.unreferenced)} {dict(vendors) or ''} ({by_prompt} "
          f"traced to their job by prompt, {deleted} deleted/cancelled at the vendor; on their job as its unknown outcome "
          f"{len(billing.unreferenced) - len(report.on_nothing)}, on nothing {len(report.on_nothing)}) | attempts abandoned "
          f"{abandoned}, unknown outcome {unknown}")  # fmt: skip
    cancelled = sum(1 for job in jobs.values() if job["status"] == "cancelled")
    print(f"  cancelled jobs that left objects in S3: {len(report.leftovers)} of {cancelled}")
    line, _ = terminal_line(jobs, report.events)
    print(f"  jobs without exactly one terminal event: {len(report.missing_terminal)} ({line})")


def faults(settings: FaultSettings) -> None:
    """A fault run on a stack of its own, timed for it; prints the invariants' figures."""
    quiet_moto()
    options = Options(webhook_wait_seconds=4, poll_initial_seconds=1, poll_max_seconds=4, job_deadline_seconds=240,
                      processing_seconds=2.0, vendor_timeout_seconds=4)  # fmt: skip
    fresh_moto()
    with LocalStack(options) as stack:
        tenant = "bench-faults"
        key = stack.create_tenant(tenant)
        upload = f"tenants/{tenant}/uploads/product.png"
        stack.client("s3").put_object(Bucket=stack.bucket, Key=upload, Body=SAMPLE.read_bytes())
        deadline = settings.arrival_seconds + options.job_deadline_seconds + 120
        report = FaultRun(stack, tenant, key, upload, settings).run(deadline)
    print_faults(report, settings)


# command line ------------------------------------------------------------------------------------------------
def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m adforge_local.bench", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("scale", help="the Shopify catalog burst and its AWS cost per 1,000 jobs")
    one.add_argument("--jobs", type=int, default=300)
    one.add_argument("--seed", type=int, default=1)
    one.add_argument("--vendor", default="adsumo", choices=sorted(SANDBOX_OF))
    one.add_argument("--limit", type=int, default=60, help="creations per minute per key the sandbox allows")
    one.add_argument("--render-seconds", type=float, default=2.0)
    one.add_argument("--control", type=int, default=60, help="products of a first, unlimited run (0: none)")
    run = commands.add_parser("faults", help="a fault run's money invariants")
    run.add_argument("--jobs", type=int, default=300)
    run.add_argument("--seed", type=int, action="append", help="repeat for several runs (default: 1 and 2)")
    run.add_argument("--limit", type=int, default=60)
    run.add_argument("--arrival-seconds", type=float, default=60.0)
    arguments = parser.parse_args(argv)
    if arguments.command == "scale":
        limit = DOCUMENTED_LIMITS.get(SANDBOX_OF[arguments.vendor], arguments.limit)  # the sandbox's real limit
        scale(ScaleSettings(arguments.jobs, arguments.vendor, limit, arguments.seed,
                            processing_seconds=arguments.render_seconds, control=arguments.control))  # fmt: skip
    else:
        for seed in arguments.seed or [1, 2]:
            faults(FaultSettings(arguments.jobs, seed, arguments.limit, arguments.arrival_seconds))
