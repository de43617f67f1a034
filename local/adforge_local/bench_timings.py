"""Per vendor: vendor calls per job on its webhook path, and how soon a dropped webhook is noticed.

Every figure comes from the sandbox's own ledger (`GET /_sandbox/ledger`, sandboxes/ledger.py), on the sandbox's
clock: a job's render is its generation's `created_at` to its timeline's `finished_at`; it is noticed at the first
status call at or after `finished_at`. The stack waits as deployed (each vendor's declared `Capabilities.timings`,
the template's default ceilings) with every timing compressed by one scale: the stack's `timing_scale`, each
sandbox's render time (its vendor's declared one for the job's kind) and its webhook retry schedule (the
CreativeAI doc's 0 s, 5 s, 30 s, the sandbox default). Figures are printed in the vendor's seconds (divided back
by the scale), so our own Lambda steps weigh 1/scale as much as they do deployed.

`python -m adforge_local.bench_timings [--scale S] [--jobs N] [--json] [CASE ...]`: CASE is `<vendor>:<kind>` or
`<vendor>:<kind>:dropped` (default: every case); `--json` prints one JSON object per case instead of the table.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from adforge.domain.models import JobKind
from adforge.vendors.catalog import CAPABILITIES
from adforge_local.bench_scale import SAMPLE, fresh_moto, generation_ids
from adforge_local.sandboxes.base import Faults, Sandbox
from adforge_local.stack import LocalStack, Options

SCALE = 0.2  # whole-second waits (Step Functions) stay close to the scaled figures
JOBS = 2
PROMPT = "a red mug on marble, morning light"
REQUESTS: dict[str, dict[str, Any]] = {  # one job of each vendor's webhook (or poll) path, API bodies
    "creativeai:image": {"prompt": PROMPT, "vendor": "creativeai"},  # text to image: the native API's webhook
    "creativeai:video": {"prompt": PROMPT, "vendor": "creativeai", "kind": "video", "aspect_ratios": ["16:9"]},
    "adcreative_stock:image": {"prompt": PROMPT, "vendor": "adcreative_stock"},
    "adcreative_photoshoot:image": {
        "prompt": PROMPT,
        "vendor": "adcreative_photoshoot",
        "image": {},
        "aspect_ratios": ["16:9"],
    },  # its two documented sizes are 16:9 and 21:9 once cropped
    "adcreator:image": {"prompt": PROMPT, "vendor": "adcreator"},
    "adsumo:image": {"prompt": PROMPT, "vendor": "adsumo"},
}
STOCK_PHOTO = "tenants/bench/uploads/product.png"


@dataclass
class Result:
    """One case's figures; times in the vendor's seconds (sandbox seconds / scale)."""

    case: str
    vendor: str
    kind: str
    dropped: bool
    webhooks: bool  # the vendor completes this job by webhook
    scale: float
    declared_render: float
    declared_retries: float
    declared_wait: int | None  # the webhook wait Submit told the state machine (sandbox seconds), None when polled
    declared_poll: int | None = None  # the first poll wait Submit told it (sandbox seconds)
    jobs: int = 0
    refused: str | None = None  # the API refused the job (the vendor cannot serve it)
    statuses: list[str] = field(default_factory=list)
    status_calls: list[int] = field(default_factory=list)  # per job
    vendor_calls: float = 0.0  # every API call the sandbox answered, per job
    calls_by_route: dict[str, float] = field(default_factory=dict)  # the same, per sandbox route
    render: list[float] = field(default_factory=list)
    noticed_after_render: list[float] = field(default_factory=list)
    noticed_after_start: list[float] = field(default_factory=list)
    # from the execution history, per job noticed after its webhook wait ran out: how long the wait lasted
    # (AwaitWebhook scheduled -> timed out), from its end to the Poll step (no Wait between), and our own steps'
    # time (the accepted creation -> AwaitWebhook scheduled, Submit's tail; the Poll step -> its status call)
    hook_wait: list[float] = field(default_factory=list)
    to_poll: list[float] = field(default_factory=list)
    our_steps: list[float] = field(default_factory=list)


def sandbox_of(stack: LocalStack, vendor: str) -> Sandbox:
    return stack.sandboxes["adcreative" if vendor.startswith("adcreative") else vendor]


def measure(stack: LocalStack, api: httpx.Client, case: str, jobs: int, scale: float) -> Result:
    vendor, kind_name, *rest = case.split(":")
    kind, dropped = JobKind(kind_name), rest == ["dropped"]
    capabilities = CAPABILITIES[vendor]
    timings = capabilities.timings
    body = request(case)
    sandbox = sandbox_of(stack, vendor)
    # no reset: an AdCreative gateway sets up its notification channel once, and a reset would forget it
    sandbox.set_faults(
        processing_seconds=timings.render_seconds(kind) * scale,
        webhook_retry_delays=[delay * scale for delay in Faults().webhook_retry_delays],
        drop_webhooks=dropped,
    )
    result = Result(
        case, vendor, kind_name, dropped, False, scale, timings.render_seconds(kind), timings.webhook_retry_seconds, None
    )
    calls_before = dict(sandbox.stats)
    ids = []
    for _ in range(jobs):
        answer = api.post("/v1/jobs", json=body)
        if answer.status_code != 202:
            result.refused = f"{answer.status_code} {answer.json().get('error', {}).get('message', answer.text)}"
            return result
        ids.append(answer.json()["id"])
    for job_id in ids:
        stack.wait_for_execution(job_id, 600)
    result.jobs = len(ids)
    routes = {
        route: count - calls_before.get(route, 0) for route, count in sandbox.stats.items() if not route.startswith("webhook_")
    }
    result.calls_by_route = {route: count / len(ids) for route, count in sorted(routes.items()) if count}
    result.vendor_calls = sum(result.calls_by_route.values())
    ledger = httpx.get(f"{sandbox.url}/_sandbox/ledger").json()
    created = {generation["id"]: generation["created_at"] for generation in ledger["generations"]}
    for job_id in ids:
        job = api.get(f"/v1/jobs/{job_id}").json()
        result.statuses.append(job["status"])
        record = stored(stack, job_id)
        submit = submit_output(stack, job_id)
        result.webhooks = bool(submit.get("webhooks"))
        result.declared_wait = submit.get("webhook_wait") if result.webhooks else None
        result.declared_poll = submit.get("wait")
        vendor_job_id = next(iter(generation_ids(record.get("vendor_job_id"))), "")  # the vendor's own id
        entry = ledger["timeline"].get(vendor_job_id, {"finished_at": None, "status_calls": []})
        result.status_calls.append(len(entry["status_calls"]))
        finished, start = entry["finished_at"], created.get(vendor_job_id)
        if finished is None or start is None:
            continue
        result.render.append((finished - start) / scale)
        seen = [moment for moment in entry["status_calls"] if moment >= finished]
        if seen:
            result.noticed_after_render.append((seen[0] - finished) / scale)
            result.noticed_after_start.append((seen[0] - start) / scale)
            timed_out = hook_timeout(stack.history(job_id))
            if timed_out is not None:
                scheduled, ended, polled = timed_out
                result.hook_wait.append((ended - scheduled) / scale)
                result.to_poll.append((polled - ended) / scale)
                result.our_steps.append(((scheduled - start) + (seen[0] - polled)) / scale)
    return result


def hook_timeout(history: list[dict[str, Any]]) -> tuple[float, float, float] | None:
    """When the AwaitWebhook task was scheduled, when it timed out and when the next Poll task was scheduled."""
    moments: dict[str, float] = {}
    for event in history:
        kind, at = event["type"], event["timestamp"].timestamp()
        if kind == "TaskScheduled" and "timed_out" not in moments:
            moments["scheduled"] = at
        elif kind == "TaskTimedOut":
            moments["timed_out"] = at
        elif kind == "LambdaFunctionScheduled" and "timed_out" in moments:
            moments.setdefault("polled", at)
    if len(moments) < 3:
        return None
    return moments["scheduled"], moments["timed_out"], moments["polled"]


def stored(stack: LocalStack, job_id: str) -> dict[str, Any]:
    item = stack.client("dynamodb").get_item(TableName=stack.table, Key={"pk": {"S": f"JOB#{job_id}"}})["Item"]
    return dict(json.loads(item["doc"]["S"]))


def submit_output(stack: LocalStack, job_id: str) -> dict[str, Any]:
    """What the (last) Submit step told the state machine: `webhooks`, `webhook_wait`, `wait`."""
    for event in reversed(stack.history(job_id)):
        exited = event.get("stateExitedEventDetails")
        if exited and exited.get("name") == "Submit":
            return dict(json.loads(exited["output"])["submit"])
    return {}


def options(scale: float) -> Options:
    """The template's production ceilings (180 s webhook wait, 10 s first poll): each vendor's declared timings,
    compressed by `scale`, set every wait below them."""
    return Options(webhook_wait_seconds=180, poll_initial_seconds=10, poll_max_seconds=30, job_deadline_seconds=600,
                   timing_scale=scale)  # fmt: skip


def run(cases: list[str], jobs: int = JOBS, scale: float = SCALE) -> list[Result]:
    fresh_moto()  # `make bench` runs this after another scenario's stack, in the same process
    with LocalStack(options(scale)) as stack:
        key = stack.create_tenant("bench")
        stack.client("s3").put_object(Bucket=stack.bucket, Key=STOCK_PHOTO, Body=SAMPLE.read_bytes())
        api = httpx.Client(base_url=stack.api.url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        warm_up(stack, api, cases, jobs, scale)
        results: list[Result] = []
        for case in cases:
            refused = next((r for r in results if r.refused and r.case == ":".join(case.split(":")[:2])), None)
            if refused is None:  # a request the API refused is not tried again with its webhook dropped
                results.append(measure(stack, api, case, jobs, scale))
        return results


def warm_up(stack: LocalStack, api: httpx.Client, cases: list[str], jobs: int, scale: float) -> None:
    """`jobs` jobs at once of each vendor's first case, not measured: every function then has as many warm
    execution environments (a cold start is its own figure, bench.py), and each vendor its auth token and
    notification channel (set up once, not per job)."""
    firsts = {case.split(":")[0]: ":".join(case.split(":")[:2]) for case in reversed(cases)}
    for vendor, case in firsts.items():
        kind = JobKind(case.split(":")[1])
        sandbox_of(stack, vendor).set_faults(processing_seconds=CAPABILITIES[vendor].timings.render_seconds(kind) * scale)
    started = [api.post("/v1/jobs", json=request(case)) for case in firsts.values() for _ in range(jobs)]
    for answer in started:
        if answer.status_code == 202:
            stack.wait_for_execution(answer.json()["id"], 600)


def request(case: str) -> dict[str, Any]:
    body = dict(REQUESTS[":".join(case.split(":")[:2])])
    if "image" in body:
        body["image"] = {"key": STOCK_PHOTO}
    return body


def every_case() -> list[str]:
    """Every request but CreativeAI's video (a 163 s render: 33 s a job at the bench's scale; ask for it by name)."""
    cases = []
    for name in REQUESTS:
        if name == "creativeai:video":
            continue
        vendor = name.split(":")[0]
        cases.append(name)
        if CAPABILITIES[vendor].webhooks:
            cases.append(f"{name}:dropped")
    return cases


def _median(values: list[float] | list[int]) -> float:
    return statistics.median(values) if values else math.nan


def report(results: list[Result]) -> None:
    scale = results[0].scale if results else SCALE
    print(f"vendor timings (declared timings and sandbox pace x{scale}; seconds below are the vendor's)")
    for r in results:
        label = f"{r.vendor} {r.kind}"
        if r.refused:
            print(f"  {label:28s} not served: {r.refused}")
            continue
        path = "dropped webhook" if r.dropped else ("webhook path" if r.webhooks else "poll path")
        line = f"  {label:28s} {path:15s} status calls/job {_median(r.status_calls):3.1f} (max {max(r.status_calls)})"
        line += f" | vendor calls/job {r.vendor_calls:4.1f} | {r.jobs} jobs {'/'.join(sorted(set(r.statuses)))}"
        print(line)
        if not r.dropped:
            print(f"  {'':28s} {'':15s} calls: " + ", ".join(f"{route} {count:.1f}" for route, count in r.calls_by_route.items()))
        if r.dropped or not r.webhooks:
            render, delay = _median(r.render), _median(r.noticed_after_render)
            wait = (
                f"webhook wait {(r.declared_wait or 0) / scale:4.0f} s: render {r.declared_render:.0f} s + retries"
                f" {r.declared_retries:.0f} s"
                if r.webhooks
                else f"first poll after {(r.declared_poll or 0) / scale:.0f} s, then doubling"
            )
            fixed = f" | a fixed 180 s wait: {(180 - render) / render:4.1f}x" if r.webhooks else ""
            if r.our_steps:
                fixed += f" | of which our own Lambda steps {_median(r.our_steps):4.1f} s"
            print(
                f"  {'':28s} {'':15s} noticed {delay:5.1f} s after a {render:4.1f} s render = {delay / render:4.2f}x"
                f" render time ({wait}){fixed}"
            )
    webhook = [r for r in results if r.webhooks and not r.dropped and not r.refused]
    if webhook:
        worst = max(max(r.status_calls) for r in webhook)
        print(f"  most status calls for one job on a webhook path: {worst} (goal: at most 1)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="adforge_local.bench_timings")
    parser.add_argument("cases", nargs="*", help="<vendor>:<kind>[:dropped] (default: every case)")
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--jobs", type=int, default=JOBS)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args(argv)
    results = run(arguments.cases or every_case(), arguments.jobs, arguments.scale)
    if arguments.json:
        for result in results:
            print(json.dumps(asdict(result)))
    else:
        report(results)


if __name__ == "__main__":
    main(sys.argv[1:])
