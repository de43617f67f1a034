"""AdCreative.ai sandbox (Product Photoshoot + Stock Image Generation), built from
adcreative-product-photoshoot-api.txt and adcreative-stock-image-api.txt.

Implements, on one host with one auth (paths match case-insensitively, like ASP.NET routing):

- `POST /api/v1/Authorization/GenerateJwtToken` (adcreative_auth.py). Every other call needs x-api-key,
  x-api-secret and `Authorization: Bearer <JWT>`; a missing, invalid or expired token, wrong key or secret, or an
  applicationId (query, form or JSON body) other than the token's gives the documented 401.
- Product Photoshoot (adcreative_photoshoot.py), under `/api/v1/Image/ProductGeneration/`: `POST Recommendations`
  (multipart `productImage`), `GET PresetKeys`, `POST AdCreative` (multipart: applicationId, userId, renderKind,
  productImageAssetId, PromptObjectsString, productName, productDescription, DisableSafeMargin,
  UseSameStyleReferenceImage), `GET CheckUserProgress`, `GET Download` (format 0 PNG / 1 JPEG / 2 PDF, lowResolution).
- Stock Image Generation (adcreative_stock.py), under `/api/v1/Image/StockGeneration/`: `POST AdCreative`
  (renderKind, imageStyle with the CustomWithText / CustomWithImage rules, userPrompt, customStyleText,
  customStyleImage, loraParams `GUID:float,...`), `GET CheckUserProgress`, `GET CheckApplicationAllProgresses`,
  `GET Download`.
- NotificationChannel (adcreative_jobs.py): `POST /api/v1/NotificationChannel`, `GET /api/v1/NotificationChannel`,
  `GET /api/v1/NotificationChannel/Active`, `PUT` and `DELETE /api/v1/NotificationChannel/{id}`. Active WebHook
  channels get `<Prefix>TaskCompleted` per finished task and `<Prefix>Progress` once every task has finished,
  where Prefix is `ImageGeneration` (photoshoot) or `ImageStockGeneration` (stock).
- Errors: the documented problem+json bodies, both the business/engine form (`errors` map, `extensions.traceId`)
  and the model-validation form (`errors` map, top-level `traceId`); the stock Download's validation errors add
  the `"$id"` references its documented example shows (`"$id": "1"` on the body, `"$id": "2"` in `errors`).

Progress entries (start responses, CheckUserProgress and CheckApplicationAllProgresses items) have exactly the
fields of the stock doc's examples: messageType, requestRenderState, applicationId, userId, imageRenderProcessId,
totalTaskCount, completedTaskCount, progress, tasks, renderType, isSuccessful, errorMessage; and only the values
the docs show for RenderState (1 while running, 5 once done).

A failed process looks the way the docs let a failure look, and no other way: `isSuccessful: false` with a
non-empty `errorMessage`. The docs give no failed RenderState (the "Enums and Descriptions" page the stock doc
points to is not among them) and say nothing of progress at a failure, so the sandbox chose: the failure ends the
process where it happens, `requestRenderState` stays 1, the failed tasks keep RenderState 1, and `progress` /
`completedTaskCount` stay at the tasks rendered before it (below 100: the process never completes; the photoshoot
doc's completion is "progress = 100 and all 6 tasks return renderState = 5").

Sandbox conventions: a process's tasks finish one by one over `faults.processing_seconds`; `never_finish` leaves
them queued (`hold` does until released); `fail_generation` fails each process at the first task of its second
half: a photoshoot renders 3 of its 6 tasks and then fails (progress 50, errorMessage "3 of 6 tasks failed to
render."), a one-task stock process fails at progress 0 ("1 of 1 tasks failed to render."). `no_credits` makes
both Downloads answer the documented 400 "API Key Credits for Application does not exist" (the photoshoot doc's
body, verbatim but for the application id: the token's); the photoshoot doc shows it on Download only, so starts
are unaffected. Images are real and deterministic for
the same inputs: PNG originals (compose.py), baseline JPEG converted from them (adcreative_media.py), PDF 1.6 embedding
the original (Flate) or the thumbnail (DCT). A photoshoot task's original is the uploaded productImage (its backdrop
keyed out, standing in for the vendor's background removal) placed on the scene its prompt seeds; a stock task's is
the plain scene (customStyleImage is a style, not a product). Text in double quotes in a photoshoot task's custom
prompt or in the stock userPrompt is drawn as a headline band (neither doc has a headline field). `token_lifetime`
(seconds, default 3600) can be lowered to rehearse expired tokens.

Assumptions (the two docs are silent; where the family's public Authentication, Notifications, Notification
Message Types and Enums pages say something, that was followed first):

1. GenerateJwtToken takes a JSON body `{"applicationId", "jwtPrivateKey"}` (public Authentication page) plus the
   x-api-key / x-api-secret headers; applicationId is required, jwtPrivateKey is accepted and ignored. It answers
   `{"$id", applicationId, accessToken, accessTokenExpiration, refreshToken, refreshTokenExpiration}`; the token is an
   HS256 JWT carrying `applicationId`, `iat`, `exp`, `jti`, valid for 1 hour; the refresh token lives 7 days but no
   refresh endpoint is simulated. Wrong key or secret on GenerateJwtToken also gives the documented 401 body.
2. Recommendations is `POST /api/v1/Image/ProductGeneration/Recommendations` (same prefix as its siblings); it
   accepts PNG, JPEG or WEBP (else 400 validation on `productImage`); productName comes from the file name,
   the description is a template; the 6 recommended presets are the catalogue rotated by the image hash.
3. PresetKeys returns a JSON array of preset objects shaped like the documented example; the sandbox catalogue has
   9 presets in the documented categories monochrome / studio / holiday, with previewImageUrl following the
   documented URL pattern; no filters.
4. PromptObjectsString holds 1-6 objects (public page: "MAX 6"); a process always has 6 tasks, and fewer prompts
   are repeated in order. Unknown presets, empty custom prompts or a bad array give 400 in the business/engine form.
   renderKind is optional there (default 4, Landscape) but must be a RenderKind; output size comes only from
   DisableSafeMargin, at the doc's two sizes and no other: 1674x628 (false or omitted, "with safe zones") or 1200x628
   (true, "exact ... no margins"), whatever the renderKind. An unknown productImageAssetId gives 404 in the business/engine form.
5. Start responses and CheckUserProgress items use the stock progress object for both APIs. Photoshoot uses
   messageType `ImageGenerationProgress` and renderType 16 (AiProductCreative, if RenderType is the flag sequence
   that makes the documented stock renderType 32 AiImageGeneration); its process id is in `imageRenderProcessId`.
6. RenderState: 1 (queued/running) and 5 (done) are documented and are the only values sent. requestRenderState
   stays 1 until every task has rendered, then 5; `progress` is rendered tasks x 100 / total (integer),
   `completedTaskCount` counts rendered tasks, `isSuccessful` is true only when all rendered; a failure sets
   `errorMessage` to "N of M tasks failed to render." (N: the tasks it ended) and nothing else (see above).
7. CheckUserProgress (both APIs) returns every process of that user in the token's application, finished or not,
   filtered by the process id if given; none gives 404 worded like the documented application-level 404.
   CheckApplicationAllProgresses returns the stock processes not completed, failed ones included (its 404 says "No
   running or incomplete"; a failed process never completed).
8. Stock: ImageStyle numbers other than Photorealistic = 3 are undocumented: names (Photorealistic, CustomWithText,
   CustomWithImage) are accepted, numbers 1-11 are valid, CustomWithText = 10 and CustomWithImage = 11. userPrompt
   over 1000 characters, customStyleText over 1000, or malformed loraParams give 400 in the business/engine form;
   missing or invalid applicationId / userId / renderKind / imageStyle and an empty userPrompt give the validation form.
   A RenderKind that combines sizes (Social, Display, All) makes one task per size (RenderKind sizes from the public Enums page).
9. Download: lowResolution is a 1/4-scale thumbnail. The stock Download has no format: originals come back as PNG,
   thumbnails as JPEG (the photoshoot table's "as-is" rows). Replies carry Content-Disposition with
   `<taskId>.<ext>`. Unfinished, failed or unknown tasks give the documented 404. The credits 400 (`no_credits`) comes
   after that check (credits are decreased for an image that exists); the stock Download's version of it is assumed
   (the stock doc does not show it): keys `engine/business: StockGeneration/Download`, business message "Bad request
   error occurred while getting original image content stream" (the stock 404's wording).
10. NotificationChannel: body `{"applicationId", "notificationChannelType": "WebHook", "url", "includeImageData",
   "isActive"}`; only WebHook channels are accepted (RabbitMQ can't be delivered here), channels belong to the token's
   application, DELETE answers 204, `/Active` with none answers the documented "engine: Active" 404. Unlike the
   public Notifications page, no active channel is required to start a process: the photoshoot doc calls it optional.
11. Webhooks are unsigned JSON POSTs with PascalCase top-level keys (as in the documented TaskCompleted example);
   the Progress message carries the progress object's fields. `ImageContentBytes` is the base64 original PNG when
   the channel has includeImageData, else null (and null for failed tasks). Because nothing is signed, the
   `bad_signature` fault has no effect; `reorder_webhooks` replays the process's first (progress 0) snapshot after
   the final Progress message. Failed deliveries are retried on the sandbox schedule (`faults.webhook_retry_delays`).
12. Injected 5xx and 429 replies use the business/engine form with an `errors["business:"]` message; 429 carries
   Retry-After. All error replies are `application/problem+json` (the ASP.NET ProblemDetails default).
13. Query, form and JSON field names match case-insensitively (ASP.NET model binding); the "non-empty GUID" rule
   applies to applicationId and userId of both APIs. Not simulated: RefreshJwtToken, a credit balance (only the
   `no_credits` fault's documented 400), a photoshoot CheckApplicationAllProgresses (undocumented), RabbitMQ channels.
14. Rate limits and the ledger go by the identity the sandbox authenticates: the verified token's applicationId
   (every application shares the one key and secret, so a new token does not start a new window). Creation
   requests are the two `AdCreative` POSTs (Recommendations starts no render); a process is one ledger entry under
   its process id, with the photoshoot's product name (the productName field, else the asset's) or the stock
   userPrompt as its prompt. Neither doc has a DELETE or cancel for processes.
"""

from __future__ import annotations

from typing import Any

from adforge_local.sandboxes.adcreative_photoshoot import PhotoshootAPI
from adforge_local.sandboxes.adcreative_stock import StockAPI


class AdCreativeSandbox(PhotoshootAPI, StockAPI):
    """Both AdCreative.ai APIs on one loopback host, sharing JWT auth, processes and notification channels."""

    name = "adcreative"
    creations = frozenset({"photoshoot_start", "stock_start"})

    def __init__(self, api_key: str = "sandbox-key", api_secret: str = "sandbox-secret", **kw: Any) -> None:  # noqa: S107
        super().__init__(api_key=api_key, api_secret=api_secret, **kw)
