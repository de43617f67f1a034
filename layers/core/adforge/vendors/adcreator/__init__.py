"""adcreator.ai platform API (adcreator-platform-api.txt): image generation, poll only.

Choices:

- Images only. A video is made from a *finished* image generation (`sourceGenerationId`), so one
  AdForge video job would be two vendor jobs started one after the other. `status()` is one
  side-effect-free observation under the single vendor job id fixed at submission, and the doc
  gives no way to find a video by its source generation (no video list): starting the video from
  `status()` would start it again on every poll or lose its id, and waiting for the image inside
  `submit()` would hold the Submit step and pay twice when that step is retried. The client still
  covers every video endpoint.
- `count` N is served as N generations of `batchCount: 1`; the vendor job id is their ids joined
  by ",". The doc shows one `image_url` per generation and says nothing of where the other images
  of a batch could be read. If one of them cannot be started, those already started are deleted
  (best effort) before the error is raised.
- Aspect ratios: the doc names only "1:1" (the default); the others live in `/models` and are not
  declared until confirmed there (a declared ratio the vendor refuses fails jobs instead of
  routing them elsewhere).
- Cost: the doc gives `creditsCost` per image but no price per credit; assumed about 1 credit per
  image at about $0.10 a credit, hence 0.10 USD per output.

Assumptions where the doc is silent:

- Error bodies are `{"error": "<message>"}` or `{"error": {"code", "message"}}` (a top-level `code`
  or `message` is read too), with no trace id. Status codes map through `error_for_status`: 400
  refuses this request, 402 or code `insufficient_credits` means no credits, 429 may carry
  `Retry-After` in seconds. 422 ("Generation Failed" at submission) is the vendor failing the
  generation, not a refusal of our request: a plain `VendorError`, so `auto` fails over.
- The model is "nano-banana-2" (the doc's example) when `/models` lists it and it fits (accepts an
  input image when we send one), else the first listed model that fits.
- Credits are checked on `/credits` before anything is uploaded or started (balance below
  `creditsCost` x count, account not unlimited: insufficient credits), since the doc documents no
  error for a generation the balance cannot pay for.
- `preset` is sent as `stylePreset`, and must be a style `id` listed by `GET /styles` ("Pass a style id as the
  stylePreset parameter"): the list is read before credits, upload or generation, and an id it does not list is
  refused (`unknown_preset`, naming the listed ids), so nothing is paid for a style the vendor does not have.
  Matched exactly (ids are identifiers; no display-name or category matching, unlike AdCreative's presets).
- `negative_prompt` is sent as `negativePrompt` ("max 500 chars", counted as UTF-16 code units like the prompt).
- No transparent background is documented. Videos are not made (above), so `video` options are never sent
  (`negativePrompt` 2500, `durationSeconds` 2-15 and `resolution` 720p/1080p are the video endpoint's).
- "characters" are counted as a JavaScript server counts them (UTF-16 code units), on the trimmed
  prompt, which is what we send: 3-1000 is checked conservatively.
- The product photo is uploaded multipart as field `file`, its type read from its first bytes;
  "10 MB" is taken as 10,000,000 bytes (the stricter reading). A larger photo, or another type, is found
  before anything is sent and is `VendorInputUnsupported`: `auto` moves to the next vendor.
- Statuses are exactly processing/completed/failed (anything else is a protocol error). A failed
  generation documents no reason: its `error` is used when it is a string, else a generic message.
- `image_url` is public: outputs are fetched without the API key, through the SSRF guard.

Timings (`TIMINGS`): poll only, so no webhook wait. `/models` gives each model's `estimatedSeconds`
("Approximate generation time"), but no value in the doc: 15 s is a guess for the declared image render. The doc
gives no poll interval ("Poll GET /generations/:id for the result"): 10 s is assumed, as CreativeAI documents.
"""

from adforge.domain.capabilities import Capabilities, Timings
from adforge.domain.models import JobKind

NAME = "adcreator"

TIMINGS = Timings(image_render_seconds=15, poll_interval_seconds=10)

CAPABILITIES = Capabilities(
    name=NAME,
    display_name="adcreator.ai",
    kinds=frozenset({JobKind.IMAGE}),
    aspect_ratios=frozenset({"1:1"}),
    max_count=4,
    webhooks=False,
    style_presets=True,
    negative_prompt=True,
    cost_per_output_usd=0.10,
    timings=TIMINGS,
)
