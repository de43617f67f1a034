"""AdCreative.ai: Product Photoshoot (adcreative-product-photoshoot-api.txt) and Stock Image Generation
(adcreative-stock-image-api.txt), two gateways over one auth.

Credentials (one vendor-secret entry per gateway; both may name the same application): `api_key`, `api_secret`,
`application_id`, `user_id` (a GUID of our choosing that each job's userId derives from, below), `webhook_token`,
and optionally `jwt_private_key`.

Assumptions where the two docs are silent (the family's public Authentication, Notifications and Enums pages were
followed where they say something):

- Auth: `POST /api/v1/Authorization/GenerateJwtToken` with the x-api-key / x-api-secret headers and JSON
  `{"applicationId"}` (plus `jwtPrivateKey` when the secret has one) answers `accessToken` and
  `accessTokenExpiration` (ISO 8601). Every call sends x-api-key, x-api-secret and `Bearer <accessToken>`. The token
  is cached and renewed a minute before it expires; a 401 on a cached token renews it once and repeats the call.
- Client reference (issue 9): the only field a start carries that we choose and a lookup filters by is `userId`
  ("User ID for whom the image generation is being performed", documented only as a non-empty GUID; credits are
  the application's). Each job's calls (Recommendations, start, CheckUserProgress) send
  `uuid5(NAMESPACE_URL, "adforge:<application_id>:<user_id>:<job id>")`, so CheckUserProgress?userId=<that> without
  a process id lists that job's processes and nobody else's. A start whose answer was lost is reconciled with that
  one call: one process -> adopted; the documented 404 ("No running or incomplete ... process ... for the User")
  -> the vendor has none, sent again; two or more -> `vendor_outcome_unknown`. The 404 is read as "none" because
  the doc's CheckUserProgress answer lists a finished process (progress 100, every task 5) too: finished processes
  are listed, not only running ones. The guess: that AdCreative accepts any GUID as userId (the doc requires
  nothing more); if a real application must register its users, `user_for` is the one place to change.
  The vendor job id is `<processId>@<userId>` (CheckUserProgress needs both); outputs stay `<processId>/<taskId>`.
- Both APIs answer a start, and every CheckUserProgress item, with the stock progress object
  (`imageRenderProcessId`, `progress`, `tasks` {taskId: renderState}, `requestRenderState`, `errorMessage`).
  The vendor job id is that process id; CheckUserProgress answers a JSON array and we take the item with our id.
  Photoshoot's process query parameter is `imageProductGeneratorProcessId` (its Download's name for the same id).
- States: renderState 5 is the only documented final value, 1 the only other one shown (running); the "Enums and
  Descriptions" page the stock doc points to is not among our docs, so no other `requestRenderState` or task state
  is given a meaning. A process is final:
  - at once on the documented failure fields: `isSuccessful` false (a JSON boolean) with a non-empty
    `errorMessage`, at any progress. The doc does not say when `errorMessage` is set; every documented running or
    finished object has it empty (running ones with `isSuccessful: false`), so an empty message alone is no failure,
    and a message with `isSuccessful: true` is none either;
  - else once `progress` reaches 100 and either every task is 5 (completed, the doc's rule) or
    `requestRenderState` has left 1.
  Tasks not at 5 in a final process failed. Partial failure: at least one task succeeded -> COMPLETED with the
  successful tasks' outputs and `error` = `partial_failure` ("N of M tasks failed to render (<vendor message>)");
  none succeeded -> FAILED with the vendor's `errorMessage` (stock has one task, so a failed stock process is
  always FAILED). The same rule reads the Progress notifications.
- Output refs are `<processId>/<taskId>`; `open_output` streams the authenticated Download (photoshoot: PNG,
  full resolution; stock: full resolution, the API has no format).
- Photoshoot always renders 6 images (6 tasks; PromptObjectsString holds at most 6): a job of `count` N collects the
  first N successful ones (services/completion.py) and never downloads the rest: Download is where credits are
  charged (the documented "API Key Credits" 400 comes on Download), so the job pays for the N it keeps.
  We always send 6 prompt objects. `request.preset` picks presets from PresetKeys (by
  id, preview name or category, case-insensitive; `recommended` = Recommendations' recommendedPresetIds), cycled to 6;
  an unknown preset is refused before the photo is uploaded. A prompt object is either a preset or a custom prompt, so
  with a preset our prompt is not sent; without one it is the custom prompt of all 6.
  renderKind 4 (Landscape, the doc's example). Aspect ratios: the doc's only outputs are 1200x628
  (DisableSafeMargin=true, about 1.91:1) and 1674x628 (the default, with safe margins, about 2.67:1), neither an
  AdForge ratio. 16:9 and 21:9 are declared and rendered at the native size nearest each (`photoshoot.NEAREST_SIZE`:
  16:9 -> 1200x628, 21:9 -> 1674x628), and Collect crops each image to exactly the ratio asked for (1104x621 and
  1463x627; the asset records the native size). Other ratios are not declared: a portrait or square crop of a
  landscape render would keep too little of it.
  UseSameStyleReferenceImage is true with presets. Recommendations is multipart `productImage` plus applicationId and
  userId, under the same `/api/v1/Image/ProductGeneration/` prefix as its siblings; PresetKeys answers a JSON array of
  preset objects shaped like the documented example.
- Stock: one task, hence one image, per process (`max_count` 1). renderKind from the aspect ratio (Post 1:1, Story
  9:16, Vertical 4:5, FullHD 16:9, Portrait 3:4, Widescreen 4:3). imageStyle is Photorealistic (3), the only style whose
  value is documented: a `preset` is refused for stock (`style_presets` false). CustomWithText takes free
  `customStyleText`, which is no preset (nothing could be refused as unknown), so a preset is not turned into one;
  the mapping keeps the documented CustomWithText / CustomWithImage rules (sent by name, as ASP.NET binds enum
  names) for a caller that builds a `StockStyle` itself. `request.metadata["lora_params"]`, when given, is sent as
  loraParams after a format check (`GUID:float,GUID:float`).
- Errors: problem+json `errors` map -> vendor code = the first key (e.g. `engine: StockGeneration/AdCreative`, or a
  field name), message = every message (prefixed with its field/source), trace id = `traceId` or
  `extensions.traceId`. The documented 400 "API Key Credits for Application does not exist" (photoshoot doc, on
  Download; the stock doc documents no credits error, the family shares the body) can only be told from other 400s
  by its text: any error message containing that phrase (case-insensitive), on any endpoint of either API, gets
  vendor code `insufficient_credits`, hence `VendorInsufficientCredits`, so `auto` fails over when it comes at
  submission. The doc shows it on Download, which runs in Collect, after the vendor was chosen: there the job fails.
- Webhooks: the NotificationChannel is per application, not per job, and is required before any generation. On the
  first submit each gateway makes sure one active WebHook channel points at our callback endpoint
  (`/v1/webhooks/<vendor>?token=<webhook_token>`, the job id removed: the receiver finds the job by the process id).
  A channel at that endpoint with another URL (a rotated token) or inactive is updated rather than a second one made.
  Channels are listed with `GET /api/v1/NotificationChannel` (a JSON array of `{id, url, isActive, ...}`); another
  shape, or any vendor error while listing, creating or updating, is logged and the set-up skipped (tried again on
  the next submission), never failing the job: the photoshoot doc calls webhooks optional and they only spare polls;
  the job is then found by polling after the webhook wait. Every channel gets every message of the
  application, so one application serving both APIs delivers each message to both endpoints, and the other
  gateway's receiver answers 404 (unknown generation).
- Deliveries are not signed: they are authenticated only by the `token` query parameter (constant-time compare). A
  delivery is a hint (`signed_webhooks=False`): one claiming a final state is confirmed with one status call before
  it is believed; one claiming progress (TaskCompleted, Progress below 100) is acknowledged and not recorded, with no
  status call (services/webhooks), so a job costs one status call on the webhook path instead of one per message.
  Keys are read case-insensitively (the documented messages are PascalCase). `...Progress` messages carry the progress
  object and map like a status answer; `...TaskCompleted` messages map to processing.
- Options: Photoshoot takes `preset` (`style_presets`: PresetKeys ids, above). Neither API documents a negative
  prompt, a transparent background (Background Remover is another API, not among our docs) or videos.
- Prices are placeholders (neither doc gives one); the per-output figures rank vendors for `auto` only.

Timings (`TIMINGS_PHOTOSHOOT`, `TIMINGS_STOCK`): neither doc gives a render time, a webhook retry schedule or a poll
interval, so every figure is a guess. Renders: 60 s for a photoshoot (6 tasks), 30 s for a stock image. Webhook
retries: none documented; CreativeAI's window (35 s) is assumed, so that a notification a little later than the
guessed render is still waited for (a wait of the render alone times out as the notification comes, and the job
then costs a poll and the notification's confirmation: two status calls). Poll interval 10 s, as CreativeAI
documents.
"""

from adforge.domain.capabilities import Capabilities, Timings
from adforge.domain.models import JobKind

NAME_PHOTOSHOOT = "adcreative_photoshoot"
NAME_STOCK = "adcreative_stock"
TOKEN_PARAM = "token"  # noqa: S105 (the callback URL's query parameter carrying its secret token)

PHOTOSHOOT_TASKS = 6
NEAREST_RATIOS = ("16:9", "21:9")  # the ratios a photoshoot's native sizes are cropped to (photoshoot.NEAREST_SIZE)

TIMINGS_PHOTOSHOOT = Timings(image_render_seconds=60, webhook_retry_seconds=35, poll_interval_seconds=10)
TIMINGS_STOCK = Timings(image_render_seconds=30, webhook_retry_seconds=35, poll_interval_seconds=10)

CAPABILITIES_PHOTOSHOOT = Capabilities(
    name=NAME_PHOTOSHOOT,
    display_name="AdCreative.ai Product Photoshoot",
    kinds=frozenset({JobKind.IMAGE}),
    aspect_ratios=frozenset(NEAREST_RATIOS),  # rendered 1200x628 / 1674x628, cropped by Collect: see the notes above
    max_count=PHOTOSHOOT_TASKS,
    webhooks=True,
    signed_webhooks=False,
    needs_product_image=True,
    style_presets=True,
    cost_per_output_usd=0.05,
    timings=TIMINGS_PHOTOSHOOT,
    callback_token_param=TOKEN_PARAM,
)

CAPABILITIES_STOCK = Capabilities(
    name=NAME_STOCK,
    display_name="AdCreative.ai Stock Image Generation",
    kinds=frozenset({JobKind.IMAGE}),
    aspect_ratios=frozenset({"1:1", "9:16", "4:5", "16:9", "3:4", "4:3"}),
    max_count=1,
    webhooks=True,
    signed_webhooks=False,
    uses_product_image=False,
    cost_per_output_usd=0.05,
    timings=TIMINGS_STOCK,
    callback_token_param=TOKEN_PARAM,
)
