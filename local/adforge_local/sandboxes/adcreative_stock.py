"""AdCreative.ai Stock Image Generation API: AdCreative, CheckUserProgress, CheckApplicationAllProgresses, Download."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from adforge_local.sandboxes.adcreative_auth import (
    Field,
    RequestError,
    form,
    guid,
    need_guid,
    problem,
    query,
    texts,
    validation,
    with_reference_ids,
)
from adforge_local.sandboxes.adcreative_jobs import RENDER_SIZES, STOCK, AdCreativeJobs, Task, render_kind
from adforge_local.sandboxes.base import Reply, Request

BASE = "/api/v1/Image/StockGeneration"
MAX_TEXT = 1000
PHOTOREALISTIC, CUSTOM_WITH_TEXT, CUSTOM_WITH_IMAGE = 3, 10, 11  # only Photorealistic = 3 is documented
IMAGE_STYLES = {"photorealistic": PHOTOREALISTIC, "customwithtext": CUSTOM_WITH_TEXT, "customwithimage": CUSTOM_WITH_IMAGE}
GUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
LORA_PAIR = re.compile(rf"\s*{GUID_PATTERN}\s*:\s*[+-]?(\d+(\.\d+)?|\.\d+)\s*")


def bad_request(message: str) -> RequestError:
    return RequestError(
        problem(
            400,
            {
                "engine: StockGeneration/AdCreative": [message],
                "business: StockGeneration/AdCreative": [
                    "Bad request error occurred while starting image stock generation process"
                ],
            },
        )
    )


def image_style(raw: str) -> int:
    """An ImageStyle by name or number; omitted means Photorealistic (3)."""
    if raw == "":
        return PHOTOREALISTIC
    style = IMAGE_STYLES.get(raw.lower(), int(raw) if raw.isdigit() else 0)
    if not 1 <= style <= CUSTOM_WITH_IMAGE:
        raise RequestError(validation("imageStyle", f"The value '{raw}' is not valid."))
    return style


def lora_params(raw: str) -> str:
    """loraParams: "GUID:float,GUID:float" (empty allowed)."""
    if raw.strip() and not all(LORA_PAIR.fullmatch(pair) for pair in raw.split(",")):
        raise bad_request("LoraParams must be comma-separated GUID:float pairs, e.g. 'e2b3c5d1-a123-456b-c789-d12345678901:0.75'")
    return raw.replace(" ", "")


def style_inputs(style: int, values: dict[str, str], image: Field | None) -> str:
    """The documented CustomWithText / CustomWithImage rules; returns the style part of the seed."""
    text = values.get("customstyletext", "")
    if len(text) > MAX_TEXT:
        raise bad_request(f"CustomStyleText can't be longer than {MAX_TEXT} characters.")
    if style == CUSTOM_WITH_TEXT and not text.strip():
        raise bad_request("CustomStyleText can't be null or empty if ImageStyle is CustomWithText")
    if style == CUSTOM_WITH_IMAGE and (image is None or not image.value):
        raise bad_request("CustomWithImage can't be null if ImageStyle is CustomWithImage")
    return f"{style}|{text}|{hashlib.sha256(image.value).hexdigest() if image else ''}"


class StockAPI(AdCreativeJobs):
    """The Stock Image Generation endpoints; one task per size in the RenderKind."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.api("POST", f"{BASE}/AdCreative", "stock_start", self._start_stock)
        self.api("GET", f"{BASE}/CheckUserProgress", "stock_progress", lambda request: self.check_user_progress(request, STOCK))
        self.api("GET", f"{BASE}/CheckApplicationAllProgresses", "stock_application_progresses", self._application_progresses)
        self.api("GET", f"{BASE}/Download", "stock_download", self._download)

    def _start_stock(self, request: Request) -> Reply:
        fields = form(request)
        values = texts(fields)
        application = need_guid(values, "applicationId")
        user = need_guid(values, "userId")
        kind = render_kind(values, default=None)
        style = image_style(values.get("imagestyle", ""))
        prompt = values.get("userprompt", "").strip()
        if not prompt:
            raise RequestError(validation("userPrompt", "The userPrompt field is required."))
        if len(prompt) > MAX_TEXT:
            raise bad_request(f"UserPrompt can't be longer than {MAX_TEXT} characters.")
        style_seed = style_inputs(style, values, fields.get("customstyleimage"))
        seed = f"{prompt}|{style_seed}|{lora_params(values.get('loraparams', ''))}"
        sizes = [size for bit, size in RENDER_SIZES.items() if kind & bit]
        tasks = [Task(str(uuid.uuid4()), size, f"{seed}|{index}", prompt=prompt) for index, size in enumerate(sizes)]
        process = self.start_process(STOCK, application, user, tasks)
        self.bill(request, process.id, prompt)
        return Reply.json(200, self.progress(process))

    def _download(self, request: Request) -> Reply:
        """The shared Download; its validation errors carry the `$id` references the stock doc's example shows."""
        try:
            return self.download(request, STOCK, with_format=False)
        except RequestError as rejection:
            raise RequestError(with_reference_ids(rejection.reply)) from None

    def _application_progresses(self, request: Request) -> Reply:
        raw = query(request).get("applicationid", "")
        application = guid(raw)
        if application is None:
            message = f"The value '{raw}' is not valid." if raw else "The applicationId field is required."
            raise RequestError(validation("applicationId", message))
        with self.lock:
            running = [
                p for p in self.processes.values() if p.flavor == STOCK and p.application_id == application and not p.finished
            ]
            for process in running:
                self.record_status_call(process.id)
            body = [self.progress(process) for process in running]
        if not body:
            subject = f"the User: N/A or the Application: {application}"
            engine = f"No running or incomplete {STOCK.label} process was not found for {subject}"
            business = f"Not found error occurred while checking {STOCK.label} process for the ApplicationId: {application}"
            return problem(404, {"engine: CheckProgress": [engine], "business: CheckApplicationAllProgresses": [business]})
        return Reply.json(200, body)
