"""What every vendor sandbox shares: a loopback HTTP server, run-time faults, webhook delivery, stats, a clock.

Admin endpoints (no auth, loopback only), the same on every sandbox:

- `GET /_sandbox/faults`, `POST /_sandbox/faults` (JSON, any subset of `Faults` fields, merged),
  `DELETE /_sandbox/faults` (back to defaults)
- `GET /_sandbox/stats`: request counts per route, status polls per vendor job, webhook attempts
- `GET /_sandbox/ledger`: every generation the vendor accepted (billed) and counts of creation requests (ledger.py)
- `POST /_sandbox/reset`: forget jobs (with their pending progress and webhook retries), stats, faults, the ledger
  and the rate-limit windows
- `POST /_sandbox/release`: end the `hold` fault (as `{"hold": false}` or DELETE above do) and start the held
  jobs; answers `{"released": <jobs>}`

`{"hold": true}` keeps every job started from then on in its first, in-progress state; when the hold ends, each
held job's normal pace (`processing_seconds`) starts from that moment. Time comes from the `clock` given to the
constructor (clock.py; the wall clock by default): job progress, the webhook retry schedule (`webhook_retry_delays`,
seconds between attempts), `latency_ms` (slept outside the sandbox lock) and timestamps.

`{"answer_late_seconds": s, "answer_late_count": n}`: the next n creation requests (0: all) are carried out,
then answered s seconds later: the vendor accepted, and a client with a shorter timeout cannot know it. (Only
creations: a late token or set-up call bills nothing, and would use up the count before the creation it aims at.)

Creation requests are the API calls that start a paid generation: each sandbox names their routes in `creations`
and says whose they are in `identity()` (the Bearer key by default). `{"rate_limit_per_minute": n}` (null: off)
limits them per identity to n in any sliding 60 s on the clock; one more gets the vendor's 429 (`fault_reply`)
with Retry-After = the seconds until the oldest counted request leaves the window (ceil, at least 1). Refused
requests are not counted (rate_window.py). Only authenticated calls count, and only while a limit is on: switching
a limit on, off or to another value starts every window empty. A sandbox may add limits of its own
(`rate_limits()`, switched by `documented_rate_limits`) and headers reporting them (`rate_headers()`): CreativeAI's.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from adforge_local.sandboxes.clock import Callback, Clock, RealClock
from adforge_local.sandboxes.ledger import Ledger
from adforge_local.sandboxes.rate_window import SlidingWindows, Usage

LIMIT_SWITCHES = ("rate_limit_per_minute", "documented_rate_limits")  # changing one restarts every window


@dataclass
class Faults:
    """Faults switchable at run time. Counts of 0 mean 'every request until cleared'."""

    latency_ms: int = 0
    error_status: int | None = None  # answer API calls with this 5xx
    error_count: int = 0
    rate_limit: bool = False  # answer API calls with 429 + Retry-After
    rate_limit_count: int = 0
    retry_after: int = 1
    drop_webhooks: bool = False
    duplicate_webhooks: bool = False
    reorder_webhooks: bool = False  # send a stale 'processing' delivery after the final one
    bad_signature: bool = False
    never_finish: bool = False
    fail_generation: bool = False  # jobs end in the vendor's 'failed' state
    no_credits: bool = False  # AdCreative: Download answers the documented 400 "API Key Credits ... does not exist"
    hold: bool = False  # new jobs stay in progress until the hold ends
    answer_late_seconds: float = 0  # creation requests are carried out, then answered this much later
    answer_late_count: int = 0
    answer_late_match: list[str] = field(default_factory=list)  # only creations whose body holds one of these
    rate_limit_per_minute: int | None = None  # creation requests per identity in any sliding 60 s (null: no limit)
    documented_rate_limits: bool = False  # the vendor's documented limits (CreativeAI: tiers and video limits)
    processing_seconds: float = 1.0
    webhook_retry_delays: list[float] = field(default_factory=lambda: [0.0, 5.0, 30.0])

    def __post_init__(self) -> None:
        limit = self.rate_limit_per_minute
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise ValueError("rate_limit_per_minute must be a positive integer or null")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    match: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, **headers: str) -> Reply:
        return cls(status, json.dumps(payload).encode(), "application/json", dict(headers))


Handler = Callable[[Request], Reply]
Step = tuple[float, Callback]  # (seconds after the job starts, what happens then)


class Sandbox:
    """Subclasses add routes with `route()`, implement `authorized()` and `fault_reply()`, name their creation
    routes in `creations` and put each accepted generation in the ledger with `bill()`."""

    name = "sandbox"
    creations: frozenset[str] = frozenset()  # names of the routes that start a paid generation

    def __init__(self, host: str = "127.0.0.1", port: int = 0, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or RealClock()
        self.faults = Faults()
        self.stats: Counter[str] = Counter()
        self.polls: Counter[str] = Counter()
        self.lock = threading.RLock()
        self._routes: list[tuple[str, re.Pattern[str], str, Handler, bool]] = []
        self._countdowns: Counter[str] = Counter()
        self._held: list[tuple[Step, ...]] = []
        self._epoch = 0  # bumped by reset(): callbacks scheduled before it do nothing
        self.ledger = Ledger()
        self.windows = SlidingWindows()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"{self.name}-sandbox", daemon=True)

    # lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() would wait forever for a loop that never ran
            self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.faults = Faults()
            self.stats.clear()
            self.polls.clear()
            self._countdowns.clear()
            self._held.clear()
            self._epoch += 1
            self.ledger = Ledger()
            self.windows.clear()
            self.forget_jobs()

    def forget_jobs(self) -> None:
        """Subclasses drop their job tables here."""

    def set_faults(self, **changes: Any) -> Faults:
        known = {f.name for f in fields(Faults)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        with self.lock:
            before, self.faults = self.faults, Faults(**{**asdict(self.faults), **changes})
            self._countdowns.clear()
            if any(getattr(before, name) != getattr(self.faults, name) for name in LIMIT_SWITCHES):
                self.windows.clear()
            holding = self.faults.hold
        if not holding:
            self.release()
        return self.faults

    def release(self) -> int:
        """End the `hold` fault and start every held job's pace now; returns how many jobs were held."""
        with self.lock:
            self.faults = replace(self.faults, hold=False)
            held, self._held = self._held, []
        for steps in held:
            self._start(steps)
        return len(held)

    # pacing ------------------------------------------------------------------------------
    def pace(self, *steps: Step) -> None:
        """Start a new job's steps on the clock, unless `never_finish` (never) or `hold` (when the hold ends)."""
        with self.lock:
            if self.faults.never_finish:
                return
            if self.faults.hold:
                self._held.append(steps)
                return
        self._start(steps)

    def _start(self, steps: tuple[Step, ...]) -> None:
        for seconds, step in steps:
            self.after(seconds, step)

    def after(self, seconds: float, callback: Callback) -> None:
        """Run `callback` `seconds` from now on the clock, unless the sandbox is reset meanwhile."""
        epoch = self._epoch

        def run() -> None:
            if self._epoch == epoch:
                callback()

        self.clock.call_later(seconds, run)

    # routing -----------------------------------------------------------------------------
    def route(self, method: str, pattern: str, name: str, handler: Handler, api: bool = True) -> None:
        """`api=False` routes (downloads) skip auth and faults."""
        self._routes.append((method, re.compile(f"^{pattern}$"), name, handler, api))

    def authorized(self, request: Request) -> Reply | None:
        """None when the request may proceed, else the vendor's documented 401 answer."""
        return None

    def fault_reply(self, status: int, retry_after: int | None) -> Reply:
        """The vendor's error body for an injected 5xx or 429."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return Reply.json(status, {"error": {"code": "injected", "message": f"sandbox fault {status}"}}, **headers)

    def _injected(self) -> Reply | None:
        with self.lock:
            latency_ms = self.faults.latency_ms
        if latency_ms:
            self.clock.sleep(latency_ms / 1000)  # outside the lock: one slow call must not hold up the others
        with self.lock:
            faults = self.faults
            if faults.rate_limit and self._take("rate", faults.rate_limit_count):
                return self.fault_reply(429, faults.retry_after)
            if faults.error_status and self._take("error", faults.error_count):
                return self.fault_reply(faults.error_status, None)
        return None

    def _answer_late(self, request: Request) -> None:
        """Accept then answer late: the call was carried out (and billed); its answer comes after the
        client has given up, so the client cannot know it was accepted. With `answer_late_match`, only a creation
        whose body holds one of its strings (a test's job tag) is late: which job meets the fault does not then
        depend on the order the jobs' requests arrive in."""
        matches = self.faults.answer_late_match
        if matches and not any(marker.encode() in request.body for marker in matches):
            return
        with self.lock:
            late = (
                self.faults.answer_late_seconds
                if self.faults.answer_late_seconds and self._take("late", self.faults.answer_late_count)
                else 0.0
            )
        if late:
            self.clock.sleep(late)

    def _take(self, kind: str, limit: int) -> bool:
        if limit == 0:
            return True
        if self._countdowns[kind] >= limit:
            return False
        self._countdowns[kind] += 1
        return True

    def dispatch(self, request: Request) -> Reply:
        if request.path.startswith("/_sandbox/"):
            return self._admin(request)
        for method, pattern, name, handler, api in self._routes:
            found = pattern.match(request.path)
            if found and method == request.method:
                request.match = found.groupdict()
                with self.lock:
                    self.stats[name] += 1
                return self._api_call(name, handler, request) if api else handler(request)
        return Reply.json(404, {"error": {"code": "not_found", "message": f"no route {request.method} {request.path}"}})

    def _api_call(self, name: str, handler: Handler, request: Request) -> Reply:
        refusal = self.authorized(request)
        if refusal is not None:
            return refusal
        creation = name in self.creations
        identity = self.identity(request)
        with self.lock:
            now = self.clock.now()  # read under the lock: windows get their times in order
            if creation:
                self.ledger.receive(now)
            usages = self.windows.admit(identity, self.rate_limits(name, identity), now)
        waits = [usage.retry_after for usage in usages if usage.retry_after is not None]
        reply = self.fault_reply(429, max(waits)) if waits else self._injected()
        carried_out = reply is None
        reply = reply or handler(request)
        with self.lock:
            if creation and reply.status == 429:
                self.ledger.rejected_429 += 1
            reply.headers.update(self.rate_headers(identity, usages, now))
        if carried_out and creation:
            self._answer_late(request)
        return reply

    # rate limits and the ledger ------------------------------------------------------------
    def identity(self, request: Request) -> str:
        """Whose (authenticated) call this is, for rate limits and the ledger: the Bearer key by default."""
        value = next((value for key, value in request.headers.items() if key.lower() == "authorization"), "")
        return value.removeprefix("Bearer ")

    def rate_limits(self, name: str, identity: str) -> dict[str, int]:
        """The sliding windows this call counts in, {bucket: requests per 60 s}; called under the lock."""
        per_minute = self.faults.rate_limit_per_minute
        return {"creation": per_minute} if per_minute and name in self.creations else {}

    def rate_headers(self, identity: str, usages: list[Usage], now: float) -> dict[str, str]:
        """Headers every API answer carries about the windows (`usages`: what this call counted in); none unless the
        vendor documents some. Called under the lock."""
        return {}

    def bill(self, request: Request, job_id: str, prompt: str | None) -> None:
        """Put a generation the vendor accepted (and charges for) in the ledger, under the vendor's job id."""
        with self.lock:
            self.ledger.bill(job_id, self.identity(request), self.clock.now(), prompt, request.path)

    def record_status_call(self, job_id: str) -> None:
        """A status call named `job_id`: counted in `polls` and timed in the ledger's timeline."""
        with self.lock:
            self.polls[job_id] += 1
            self.ledger.status_call(job_id, self.clock.now())

    def record_finished(self, job_id: str) -> None:
        """The vendor's work on `job_id` (as a status call names it) ended, completed or failed."""
        with self.lock:
            self.ledger.finish(job_id, self.clock.now())

    def _admin(self, request: Request) -> Reply:
        if request.path == "/_sandbox/faults":
            if request.method == "POST":
                try:
                    self.set_faults(**request.json())
                except (ValueError, TypeError) as error:
                    return Reply.json(400, {"error": str(error)})
            elif request.method == "DELETE":
                self.set_faults(**asdict(Faults()))
            return Reply.json(200, asdict(self.faults))
        if request.path == "/_sandbox/stats":
            return Reply.json(200, {"requests": dict(self.stats), "polls": dict(self.polls)})
        if request.path == "/_sandbox/ledger" and request.method == "GET":
            with self.lock:
                return Reply.json(200, self.ledger.public())
        if request.path == "/_sandbox/reset" and request.method == "POST":
            self.reset()
            return Reply.json(200, {"reset": True})
        if request.path == "/_sandbox/release" and request.method == "POST":
            return Reply.json(200, {"released": self.release()})
        return Reply.json(404, {"error": "unknown admin route"})

    # webhooks ----------------------------------------------------------------------------
    def deliver(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        """POST on the clock's retry schedule, in the background; honours drop/duplicate faults."""
        faults = self.faults
        if faults.drop_webhooks:
            with self.lock:
                self.stats["webhook_dropped"] += 1
            return
        for _ in range(2 if faults.duplicate_webhooks else 1):
            self._next_attempt(url, body, headers, list(faults.webhook_retry_delays))

    def _next_attempt(self, url: str, body: bytes, headers: dict[str, str], delays: list[float]) -> None:
        """Schedule an attempt `delays[0]` seconds from now, or give up when no delay is left."""
        if not delays:
            with self.lock:
                self.stats["webhook_gave_up"] += 1
            return
        self.after(delays[0], functools.partial(self._attempt, url, body, headers, delays[1:]))

    def _attempt(self, url: str, body: bytes, headers: dict[str, str], later: list[float]) -> None:
        with self.lock:
            self.stats["webhook_attempt"] += 1
        try:
            request = urllib.request.Request(
                url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST"
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                if 200 <= response.status < 300:
                    with self.lock:
                        self.stats["webhook_delivered"] += 1
                    return
        except OSError:
            pass
        self._next_attempt(url, body, headers, later)

    # plumbing ----------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        sandbox = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), body, {})
                try:
                    reply = sandbox.dispatch(request)
                except Exception as error:  # a sandbox bug must show up as a 500, not a hang
                    reply = Reply.json(500, {"error": {"code": "sandbox_bug", "message": repr(error)}})
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_DELETE = do_PUT = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return

        return _Handler
