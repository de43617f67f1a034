"""CreativeAI (creativeai-api.txt).

What the doc says, and which endpoint serves which job:

- Image without a product photo: the native async API, `POST /api/v1/model/generateImage` (its webhook is the
  doc's "async image generation (native API)" delivery), polled at `GET /api/v1/model/prediction/{id}`. The doc
  shows one `output_url` per generation, so a count of N is N generations: the vendor job id is their ids
  joined by "," (as adcreator), and the job is failed when any failed, completed when all completed.
- Image with a product photo: "the documented way to put a product photo into a scene" is the multipart
  `POST /v1/images/edits` (`model=seedream-v4.5-edit`, `image=`, `prompt`, `size`), whose answer carries the
  output (`{created, data: [{url}]}`): nothing to poll, no webhook. A count of N is N edits. The vendor job id
  is `edited:` + the output URLs (space-separated), and its status is read from that id, without a call.
  An edit is answered only once rendered, so a job's N edits are sent at once and each waits up to
  `gateway.EDIT_SECONDS` (90 s; the doc gives no render time) for its answer, not the vendor timeout: an edit
  given up on was made and billed, and its outputs are only in that answer. Nothing else identifies an edit (no
  id, no list, no callback), so an edit still unanswered ends the job `vendor_outcome_unknown`, with the answered
  ones kept on its attempt by id; edits refused while others were answered cost nothing, and the job keeps the
  ones made (fewer outputs than asked, logged).
- Video: `POST /v1/video/generations` for one video (image-to-video with `image_url` when a photo is given),
  polled at `GET /v1/video/generations/{id}`; a count of N is one documented batch,
  `POST /v1/video/generations/batch` (1-20 `prompts`), polled at `GET /v1/video/generations/batch/{batch_id}`,
  whose one webhook (`video.batch.completed`) carries every video. The vendor job id is `batch:` + batch_id.
- `size` is only 1024x1024, 1536x1024 or 1024x1536 (1:1, 3:2, 2:3). Every AdForge ratio is declared for images:
  the request names the documented size nearest the ratio (`transform.size`: 4:3, 16:9, 21:9 -> 1536x1024; 4:5,
  3:4, 9:16 -> 1024x1536) and Collect crops the image to exactly the ratio asked for (the asset records the native
  size). Video ratios are the documented six (videos are not cropped).
- Signed webhooks (`X-CreativeAI-Signature: sha256=<hmac-hex>` over the raw body), "included when a signing
  secret is configured": we configure one and keep it in this vendor's entry of the vendor secret as
  `webhook_secret`; without that key the API key is used, as the doc's tip says ("Use your API key as the HMAC
  secret"). An unsigned delivery is refused. Every creation request that can have a webhook carries our per-job
  callback (`?job=<id>`): a signed delivery naming our job adopts a generation whose HTTP answer was lost
  (services/submission.py), but only where that one delivery is the job's whole vendor job
  (`Capabilities.adopts_by_webhook`): a one-image job or any video job (one generation or one batch).
- Prices: the doc prices in credits, per generation: 2 per image (the native image webhook), 30 per video (the
  image-to-video and batch examples; 60 in the text-to-video one). It gives no price of a credit: at the
  $0.02 per credit our image price of $0.04 assumes, a video is $0.60.

Assumptions where the doc is silent, kept as small as the rest of the doc allows:

- The native image endpoint's request fields are not documented: we send those of `/v1/images/generations`
  that mean one image (`model`, `prompt`, `size`), plus `webhook_url`; no `n` (one `output_url` per
  generation) and no `image_url` (documented only on the video endpoints). Its 202 answer and the prediction
  are read with the shape of the native image webhook (`id`, `status`, `output_url`). The model is the one the
  doc's native example names (`seedream-3.0`).
- A job of N native images carries no `webhook_url`: each delivery would name one of its N generations, which
  no job is (answered 404, retried by the vendor for nothing); such a job is polled. The generations started
  before a failed one are paid and left (the doc documents no way to delete one).
- Product photo formats (`photo_types`): image-to-video's `image_url` must be "a JPEG or PNG image", and
  `/v1/images/edits` names no formats (its examples are .png and .jpg), so both get PNG or JPEG only. A WebP photo
  is converted to PNG before it is sent, in the one place inputs are converted (services/submission.py): the copy
  is kept next to the job's outputs while the job runs and deleted when it ends. The gateway still reads a video
  photo's first bytes and refuses anything but JPEG or PNG (`VendorRejected`), a guard that no longer fires.
  `n` is not documented on the edits endpoint: one output per edit.
- A batch's status answer has no overall `status`, only counts and `jobs[]`: the batch is failed when any job
  failed, completed when all completed (outputs in `jobs` order). Its webhook is read the same way.
- Statuses are `pending | processing | completed | failed`, compared case-insensitively (the voice API writes
  them upper-case).
- The doc gives no timestamp header, so the replay window is applied to the payload's `completed_at` when
  present; otherwise replays are stopped by dedup on delivery id + status and by finished jobs refusing every
  change.
- One vendor job serves one aspect ratio (one `size` / `aspect_ratio` per request).

The job request's options (declared in CAPABILITIES, refused by `why_not` where the doc does not show them):

- `background: transparent` is `"background": "transparent"`, a documented Image Generation Parameter (the doc's
  transparent example is on `/v1/images/generations`; the native image endpoint takes that endpoint's fields, as
  above). `/v1/images/edits` documents no `background` (its fields are model, image, mask, prompt,
  outpaint_direction, style_reference_url, size), so a transparent job with a product photo is refused
  (`transparent_with_product_image` false) rather than delivered opaque. `auto` is the default and not sent.
- No style presets and no negative prompt are documented (`camera_angle` and `style_reference_url` are not
  presets): a request with either is refused; a merchant's style goes in the prompt, which is sent verbatim.
- `video.duration_seconds` is `duration` (3-15), on the single and the batch endpoint; without it we send 5 (every
  doc example). `video.resolution` is `resolution` (480p, 720p, 1080p; not sent when not asked, the default being
  720p), documented on `/v1/video/generations` only: the batch endpoint lists no `resolution`, so a resolution is
  honoured on a one-video job only (`video_resolution_max_count` 1).
- The doc prices a generation, not a second: a video's price does not depend on its length or resolution here.

Timings (`TIMINGS`; the webhook wait is render + retry window, services/submission.py):

- Webhook retries: "0s, 5s, and 30s" (Webhook Delivery Behavior), read as the delays between attempts, as the
  sandbox sends them: the last retry comes 35 s after the first attempt.
- Poll interval: "Poll with job ID every 10s" (video); the doc gives none for images, the same 10 s is assumed.
- Video render: 163 s, the doc's text-to-video example (`created_at` 16:10:00, `completed_at` 16:12:43; the
  image-to-video one took 152 s). A batch (1-20 videos) took 300 s in its example; it is not declared apart, so a
  slow batch is found by polling after the wait.
- Image render: the doc gives no figure (the native image webhook has no `created_at`): 20 s is a guess.
"""

from typing import get_args

from adforge.domain.capabilities import Capabilities, Timings
from adforge.domain.models import AspectRatio, JobKind

NAME = "creativeai"

TIMINGS = Timings(image_render_seconds=20, video_render_seconds=163, webhook_retry_seconds=0 + 5 + 30, poll_interval_seconds=10)

CAPABILITIES = Capabilities(
    name=NAME,
    display_name="CreativeAI",
    kinds=frozenset({JobKind.IMAGE, JobKind.VIDEO}),
    aspect_ratios=frozenset(get_args(AspectRatio)),  # rendered at the nearest documented size, cropped by Collect
    video_aspect_ratios=frozenset({"21:9", "16:9", "4:3", "1:1", "3:4", "9:16"}),
    max_count=4,
    webhooks=True,
    webhook_names_job=True,
    transparent_background=True,
    video_seconds=(3, 15),
    video_resolutions=frozenset({"480p", "720p", "1080p"}),
    video_resolution_max_count=1,
    photo_types=frozenset({"image/png", "image/jpeg"}),  # image_url: "a JPEG or PNG image"; the edits examples
    cost_per_output_usd=0.04,
    video_cost_per_output_usd=0.60,
    photo_answered_at_once=frozenset({JobKind.IMAGE}),
    output_per_generation=frozenset({JobKind.IMAGE}),
    timings=TIMINGS,
)
