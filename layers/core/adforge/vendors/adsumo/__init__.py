"""Adsumo image API (adsumo-image-api.txt): images only, 202 + poll, no webhooks.

Which endpoint serves a job:

- With a product photo: `POST /images/edit`, the presigned photo URL as the only entry of
  `reference_image_urls`. `POST /images/product-shots` needs a `product_id` (a product already in
  the Adsumo account) and a `style_id`; the doc gives no way to create a product from a photo and
  AdForge holds no Adsumo product ids, so it is not routed to (the client still exposes it).
- Text only: `POST /images/text-to-image`.

How a count of N is served: N generations of `quantity: 1`, the vendor job id being their
`generation_id`s joined by "," (adcreator's convention). `quantity` (1-8) is documented, but the
documented completion carries one `result_url` ("a link to the generated image") and the doc shows
no way to read the other images of a generation of quantity > 1: it would pay for N and collect 1.
Status is one `GET /generations/{id}` per generation, combined: failed as soon as any one failed
(with its `error`), completed when all completed (outputs: each `result_url`, in order), else
processing. The doc documents no delete or cancel endpoint: if generation k of N cannot be started,
the k-1 already started are paid and left unused (logged with their ids), and the error is raised
unchanged, so a 402 still fails over under `auto`.

Assumptions where the doc is silent:

- Every job runs `model: "pro"` at `resolution: "2k"`: 2 credits per image by the doc's table, the
  same as pro/1k and fast/2k, so the best output for that price. Pixel sizes are not documented.
- Price: the doc prices in credits only. `USD_PER_CREDIT` (0.025) is our assumption, to be replaced
  by the account's plan price; `cost_per_output_usd` = 2 credits (pro, 2k, one image) x that price.
- Aspect ratios: only the doc's examples (1:1, 16:9, 9:16) are declared; other ratios are not
  documented, so routing sends them to vendors that document them. One ratio per request.
- The merchant prompt is sent verbatim (as the edit description too). `quantity` is always 1.
- Options: none of the job request's is documented on the endpoints we use. The doc's style templates
  (`style_id`) belong to product-shots only (not routed, above), and it shows no way to list them, so a `preset`
  is refused (`style_presets` false) rather than pasted into the prompt; no negative prompt, transparent
  background or video is documented.
- Error bodies are undocumented: `{"error": "<message>"}` (the `error` field failed generations
  carry) or `{"error": {"code", "message"}}` are read; the typed error comes from the status code.
  429 may carry `Retry-After` in seconds.
- Poll answers are read for the documented fields only: `status` (`processing | completed |
  failed`, compared case-insensitively; `pending` / `queued` read as pending, anything else is a
  protocol error), `result_url` when completed (missing: a protocol error), `error` when failed
  (its shape is undocumented: a string or `{code, message}`). `type`, `created_at`,
  `completed_at` are not needed. No progress is documented, so none is reported.
- Result URLs are public (no auth) and fetched through the SSRF guard.
- Generation ids are UUIDs in the doc: an id containing "," (our separator) is a protocol error.
- The vendor fetches the reference image while processing, within the presigned URL's lifetime.

Timings (`TIMINGS`): poll only, so no webhook wait. Image render: 12 s, the doc's completed example
(`created_at` 12:00:00, `completed_at` 12:00:12). No poll interval is documented: 5 s is a guess (a first poll
before the 12 s render, the second after it).
"""

from adforge.domain.capabilities import Capabilities, Timings
from adforge.domain.models import JobKind

NAME = "adsumo"
USD_PER_CREDIT = 0.025
CREDITS_PER_OUTPUT = 2  # transform.estimate_credits(MODEL, RESOLUTION, 1): pro at 2k

TIMINGS = Timings(image_render_seconds=12, poll_interval_seconds=5)

CAPABILITIES = Capabilities(
    name=NAME,
    display_name="Adsumo",
    kinds=frozenset({JobKind.IMAGE}),
    aspect_ratios=frozenset({"1:1", "16:9", "9:16"}),
    max_count=8,
    webhooks=False,
    cost_per_output_usd=CREDITS_PER_OUTPUT * USD_PER_CREDIT,
    timings=TIMINGS,
)
