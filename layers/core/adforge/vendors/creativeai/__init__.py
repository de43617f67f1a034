"""CreativeAI (creativeai-api.txt).

Assumptions where the doc is silent, kept as small as the rest of the doc allows:

- Images go through the native async API: `POST /api/v1/model/generateImage` takes the JSON
  fields of `/v1/images/generations` (model, prompt, size, n, background) plus `image_url` and
  `webhook_url`, and answers 202 with the shape of the image webhook payload
  (`id`, `object: image.generation`, `status`). `GET /api/v1/model/prediction/{id}` returns that
  same shape; when n > 1 the outputs are in `output_urls`, else in `output_url`.
- Statuses are `pending | processing | completed | failed`, compared case-insensitively (the
  voice API writes them upper-case).
- Webhooks are always signed (we configure the signing secret: the API key, as the doc says).
  The doc gives no timestamp header, so the replay window is applied to the payload's
  `completed_at` when present; otherwise replays are stopped by dedup on delivery id + status
  and by finished jobs refusing every change.
- One vendor job serves one aspect ratio (one `size` / `aspect_ratio` per request).
"""

from adforge.domain.models import JobKind
from adforge.vendors.capabilities import Capabilities

NAME = "creativeai"

CAPABILITIES = Capabilities(
    name=NAME,
    display_name="CreativeAI",
    kinds=frozenset({JobKind.IMAGE, JobKind.VIDEO}),
    aspect_ratios=frozenset({"1:1", "4:5", "3:4", "4:3", "16:9", "9:16", "21:9"}),
    video_aspect_ratios=frozenset({"21:9", "16:9", "4:3", "1:1", "3:4", "9:16"}),
    max_count=4,
    webhooks=True,
    webhook_names_job=True,
    transparent_background=True,
    cost_per_output_usd=0.04,
)
