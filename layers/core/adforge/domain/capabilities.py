"""What a vendor can do: the facts routing and `GET /v1/vendors` are built from."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from adforge.domain.models import JobKind, JobRequest

# The vendor's clock starts when it accepts a creation, inside Submit; our webhook wait starts once Submit has
# recorded the answer and AwaitWebhook has begun (a few hundred milliseconds deployed), and the status call that
# follows the wait comes a Lambda start later. The wait is this much shorter than the window it covers.
WAIT_STARTS_LATE_SECONDS = 1.0


class Timings(BaseModel):
    """How long a vendor's work takes and how it tells us, in the vendor's own seconds (each vendor package's
    docstring names the source of every figure, or says it is a guess).

    - `image_render_seconds` / `video_render_seconds`: the expected time from an accepted creation to its result;
    - `webhook_retry_seconds`: when the vendor's last webhook retry comes, counted from its first attempt (0: one
      delivery, no retry documented);
    - `poll_interval_seconds`: the status-call interval the vendor recommends, where the poll cadence starts.

    The defaults are for a vendor that declares nothing: a minute's render, one delivery, a poll every 10 s.
    """

    model_config = ConfigDict(frozen=True)

    image_render_seconds: float = 60.0
    video_render_seconds: float | None = None  # None: as an image
    webhook_retry_seconds: float = 0.0
    poll_interval_seconds: float = 10.0

    def render_seconds(self, kind: JobKind) -> float:
        if kind is JobKind.VIDEO and self.video_render_seconds is not None:
            return self.video_render_seconds
        return self.image_render_seconds

    def webhook_window(self, kind: JobKind) -> float:
        """From the vendor's acceptance of a job of `kind` to its last webhook delivery: the expected render time
        plus the retry window (a delivery the vendor still retries is not yet lost)."""
        return self.render_seconds(kind) + self.webhook_retry_seconds

    def webhook_wait(self, kind: JobKind, ceiling: int, scale: float = 1.0) -> int:
        """Seconds the state machine waits for a job's webhook: the `webhook_window`, less the time our wait
        starts after the vendor's clock did (`WAIT_STARTS_LATE_SECONDS`), in whole seconds rounded down, so that
        a dropped webhook is noticed within the window; at most `ceiling`. `scale` shrinks every figure alike
        (the embedded local stack's compressed time; 1 when deployed)."""
        wait = math.floor((self.webhook_window(kind) - WAIT_STARTS_LATE_SECONDS) * scale + 1e-9)
        return max(1, min(ceiling, wait))

    def first_poll_wait(self, ceiling: int, scale: float = 1.0) -> int:
        """Seconds before the first status call: the vendor's recommended interval, at most `ceiling`."""
        return _seconds(self.poll_interval_seconds * scale, ceiling)


def _seconds(value: float, ceiling: int) -> int:
    """Whole seconds for Step Functions (a wait is never 0): `value` rounded up, between 1 and `ceiling`."""
    return max(1, min(ceiling, math.ceil(value - 1e-9)))


class Capabilities(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    display_name: str
    kinds: frozenset[JobKind]
    aspect_ratios: frozenset[str]
    video_aspect_ratios: frozenset[str] | None = None  # when videos support other ratios than images
    max_count: int
    ratios_per_job: int = 1
    webhooks: bool
    webhook_names_job: bool = False  # True: its signed delivery carries our job id (a per-job callback URL)
    signed_webhooks: bool = True  # False: a delivery is only a hint; a final one is confirmed by one status call
    callback_token_param: str | None = None  # the callback URL's query parameter carrying a secret token, if any
    uses_product_image: bool = True  # False: text-to-image only, the product photo is not sent
    needs_product_image: bool = False
    # the product-photo formats the vendor's doc names; None: every one AdForge takes (PNG, JPEG, WebP). A photo of
    # another format is converted before it is sent (services/submission.py, `ImageFramer.convert`)
    photo_types: frozenset[str] | None = None
    # the job request's options, honoured exactly as the vendor documents them (never approximated):
    transparent_background: bool = False  # `background: transparent` on an image made from the prompt alone
    transparent_with_product_image: bool = False  # ... and on one made from a product photo too
    style_presets: bool = False  # `preset` names one of its own presets (an unknown one is refused before any payment)
    negative_prompt: bool = False  # `negative_prompt` is sent (up to the domain's NEGATIVE_PROMPT_CHARS)
    video_seconds: tuple[int, int] | None = None  # `video.duration_seconds` it takes (inclusive)
    video_resolutions: frozenset[str] = frozenset()  # `video.resolution` values it takes
    video_resolution_max_count: int | None = None  # `video.resolution` only for jobs of at most this many videos
    cost_per_output_usd: float
    video_cost_per_output_usd: float | None = None  # when a video output is priced otherwise than an image
    photo_answered_at_once: frozenset[JobKind] = frozenset()  # with a product photo: outputs in the answer, no webhook
    output_per_generation: frozenset[JobKind] = frozenset()  # N outputs are N generations, each its own delivery
    timings: Timings = Timings()  # render times, webhook retries, poll interval (the vendor package's docstring)

    def cost_per_output(self, kind: JobKind) -> float:
        """What one output of `kind` costs (the video price where one is declared)."""
        if kind is JobKind.VIDEO and self.video_cost_per_output_usd is not None:
            return self.video_cost_per_output_usd
        return self.cost_per_output_usd

    def webhook_completes(self, request: JobRequest) -> bool:
        """One webhook delivery will carry the whole result of `request`: worth waiting for. Not so when the
        answer itself carries the outputs (`photo_answered_at_once`), nor when the job's N outputs are N
        generations each with its own delivery (`output_per_generation`): such a job is polled."""
        if not self.webhooks:
            return False
        if request.image is not None and request.kind in self.photo_answered_at_once:
            return False
        return request.count == 1 or request.kind not in self.output_per_generation

    def adopts_by_webhook(self, request: JobRequest) -> bool:
        """A creation of `request` whose HTTP answer was lost is adopted from the signed delivery naming our
        job: only where that one delivery names the job's whole vendor job (`webhook_completes`)."""
        return self.webhook_names_job and self.webhook_completes(request)

    def why_not(self, request: JobRequest) -> str | None:
        """The reason this vendor cannot serve `request`, or None when it can."""
        if request.kind not in self.kinds:
            return f"{self.name} does not make {request.kind.value} creatives"
        ratios = self.video_aspect_ratios if request.kind is JobKind.VIDEO and self.video_aspect_ratios else self.aspect_ratios
        unsupported = sorted(set(request.aspect_ratios) - ratios)
        if unsupported:
            return f"{self.name} does not support aspect ratios {unsupported}"
        if len(request.aspect_ratios) > self.ratios_per_job:
            return f"{self.name} serves {self.ratios_per_job} aspect ratio(s) per job"
        if request.count > self.max_count:
            return f"{self.name} makes at most {self.max_count} outputs per job"
        if self.needs_product_image and request.image is None:
            return f"{self.name} needs a product image"
        if not self.uses_product_image and request.image is not None:
            return f"{self.name} cannot use a product image"
        return self._why_not_options(request)

    def _why_not_options(self, request: JobRequest) -> str | None:
        """The request's options this vendor does not document (see the fields above)."""
        if request.background == "transparent":
            if not self.transparent_background:
                return f"{self.name} documents no transparent background"
            if request.image is not None and not self.transparent_with_product_image:
                return f"{self.name} makes a transparent background only without a product image (from the prompt alone)"
        if request.preset is not None and not self.style_presets:
            return f"{self.name} has no style presets (describe the style in the prompt)"
        if request.negative_prompt is not None and not self.negative_prompt:
            return f"{self.name} documents no negative prompt"
        video = request.video
        if video is None:
            return None
        seconds = video.duration_seconds
        if seconds is not None:
            if self.video_seconds is None:
                return f"{self.name} documents no video length"
            low, high = self.video_seconds
            if not low <= seconds <= high:
                return f"{self.name} takes {low}-{high} seconds, not {seconds}"
        if video.resolution is not None:
            if video.resolution not in self.video_resolutions:
                return f"{self.name} takes video resolutions {sorted(self.video_resolutions)}, not {video.resolution}"
            if self.video_resolution_max_count is not None and request.count > self.video_resolution_max_count:
                return f"{self.name} takes a video resolution only for up to {self.video_resolution_max_count} video(s) per job"
        return None
