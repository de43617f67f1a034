"""`python -m adforge_local demo|dev`: run the pipeline on the embedded local stack."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from adforge_local.stack import ROOT, LocalStack

SAMPLE = ROOT / "local" / "assets" / "sample-product.png"
TENANT = "demo-merchant"


def _say(started: float, message: str) -> None:
    print(f"[{time.monotonic() - started:6.2f}s] {message}", flush=True)


def demo(out_dir: Path) -> int:
    """Sample product photo in, ad creatives out: upload, create a job, follow it, download."""
    started = time.monotonic()
    with LocalStack() as stack:
        _say(started, f"local stack up: API {stack.api.url}  AWS {stack.aws_endpoint}  CreativeAI sandbox {stack.creativeai.url}")
        api_key = stack.create_tenant(TENANT)
        key = f"tenants/{TENANT}/uploads/{SAMPLE.name}"
        stack.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=SAMPLE.read_bytes(), ContentType="image/png")
        _say(started, f"uploaded {SAMPLE.name} ({SAMPLE.stat().st_size} bytes) to s3://{stack.bucket}/{key}")
        api = httpx.Client(base_url=stack.api.url, headers={"Authorization": f"Bearer {api_key}"}, timeout=30)
        request = {
            "prompt": "A red ceramic mug on a sunlit marble counter, soft morning light, lifestyle ad",
            "image": {"key": key},
            "aspect_ratios": ["1:1"],
            "count": 2,
            "metadata": {"sku": "MUG-RED-01"},
        }
        created = api.post("/v1/jobs", json=request)
        if created.status_code != 202:
            _say(started, f"job refused: {created.status_code} {created.text}")
            return 1
        job_id = created.json()["id"]
        _say(started, f"job {job_id} accepted (202, status {created.json()['status']})")
        job = _follow(api, job_id, started)
        if job["status"] != "completed":
            _say(started, f"job ended {job['status']}: {job.get('error')}")
            return 1
        target = out_dir / job_id
        target.mkdir(parents=True, exist_ok=True)
        for asset in job["assets"]:
            path = target / Path(asset["key"]).name
            path.write_bytes(httpx.get(asset["url"], timeout=30).content)
            _say(
                started,
                f"creative saved: {path} ({asset['content_type']}, {asset['size']} bytes, sha256 {asset['sha256'][:12]}…)",
            )
        events = [event["detail-type"] for event in stack.drain_events()]
        transitions = len(stack.history(job_id))
        _say(started, f"events: {', '.join(events)}")
        _say(started, f"vendor status polls: {sum(stack.creativeai.polls.values())}; execution history events: {transitions}")
    _say(started, "done")
    return 0


def _follow(api: httpx.Client, job_id: str, started: float, timeout: float = 90) -> dict[str, Any]:
    last = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = api.get(f"/v1/jobs/{job_id}").json()
        state = (job["status"], job.get("vendor"), job.get("progress"))
        if state != last:
            _say(started, f"status {job['status']}" + (f" at {job['vendor']}" if job.get("vendor") else ""))
            last = state
        if job["status"] in ("completed", "failed", "cancelled", "timed_out"):
            return job
        time.sleep(0.2)
    raise TimeoutError(f"job {job_id} did not finish in {timeout}s")


def dev() -> int:
    """Keep the stack up for curl / boto3 until Ctrl-C."""
    with LocalStack() as stack:
        api_key = stack.create_tenant(TENANT)
        credentials = stack.session.get_credentials()
        print(
            f"AdForge local stack is up.\n"
            f"  API:               {stack.api.url}   (Authorization: Bearer {api_key})\n"
            f"  AWS (moto):        {stack.aws_endpoint}   (AWS_ENDPOINT_URL; region us-east-1; IAM enforced)\n"
            f"  operator keys:     AWS_ACCESS_KEY_ID={credentials.access_key} AWS_SECRET_ACCESS_KEY={credentials.secret_key}\n"
            f"  function logs:     {stack.logs}/<function>.log\n"
            f"  bucket / table:    {stack.bucket} / {stack.table}\n"
            f"  CreativeAI sandbox {stack.creativeai.url}   (faults: POST /_sandbox/faults)\n"
            f"Try:\n"
            f"  curl -s -X POST {stack.api.url}/v1/jobs -H 'Authorization: Bearer {api_key}' "
            f"-H 'Content-Type: application/json' -d '{{\"prompt\": \"a mug on marble\"}}'\n"
            f"Ctrl-C to stop.",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adforge_local")
    sub = parser.add_subparsers(dest="command", required=True)
    run_demo = sub.add_parser("demo", help="sample product photo in, ad creatives out")
    run_demo.add_argument("--out", type=Path, default=Path("out"))
    sub.add_parser("dev", help="keep the local stack running")
    args = parser.parse_args(argv)
    return demo(args.out) if args.command == "demo" else dev()


if __name__ == "__main__":
    sys.exit(main())
