"""AdCreative.ai render processes shared by both APIs: tasks over time, progress, downloads, NotificationChannel webhooks."""

from __future__ import annotations

import base64
import functools
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from adforge_local.sandboxes.adcreative_auth import (
    AdCreativeAuth,
    RequestError,
    flag,
    guid,
    iso,
    json_body,
    need_guid,
    problem,
    query,
    validation,
)
from adforge_local.sandboxes.adcreative_media import CONTENT_TYPES, JPEG, PDF, PNG, render
from adforge_local.sandboxes.base import Reply, Request

QUEUED, COMPLETED = 1, 5  # the only RenderState values the docs show; no failed value is documented (none is sent)
CHANNELS = "/api/v1/NotificationChannel"
RENDER_KINDS = {
    "unset": 0,
    "post": 1,
    "story": 2,
    "landscape": 4,
    "vertical": 8,
    "pinsize": 16,
    "social": 31,
    "mediumbanner": 32,
    "leaderboard": 64,
    "wideskyscraper": 128,
    "halfpage": 256,
    "largeleaderboard": 512,
    "fullhd": 1024,
    "portrait": 2048,
    "widescreen": 4096,
    "videoportrait": 8192,
    "videolandscape": 16384,
    "display": 992,
    "all": 1023,
}
RENDER_SIZES = {
    1: (1080, 1080),
    2: (1080, 1920),
    4: (1200, 628),
    8: (1080, 1350),
    16: (1000, 1500),
    32: (300, 250),
    64: (728, 90),
    128: (160, 600),
    256: (300, 600),
    512: (970, 90),
    1024: (1920, 1080),
    2048: (768, 1024),
    4096: (1024, 768),
    8192: (768, 1280),
    16384: (1280, 768),
}


@dataclass(frozen=True)
class Flavor:
    """What differs between the Product Photoshoot and Stock Image processes."""

    api: str  # route segment and error-key prefix
    label: str
    message_prefix: str  # notification MessageType prefix
    render_type: int
    process_param: str
    download_missing: str
    no_credits: str  # the business message of the credits 400 on Download


PHOTOSHOOT = Flavor(
    "ProductGeneration",
    "Product Generation",
    "ImageGeneration",
    16,
    "imageProductGeneratorProcessId",
    "Not found error occurred while getting image content stream",
    "Bad request error occurred while getting image content stream",  # documented
)
STOCK = Flavor(
    "StockGeneration",
    "Stock Image Generation",
    "ImageStockGeneration",
    32,
    "imageStockGeneratorProcessId",
    "Not found error occurred while getting original image content stream",
    "Bad request error occurred while getting original image content stream",  # assumed: the stock 404's wording
)


@dataclass
class Task:
    id: str
    size: tuple[int, int]
    seed: str
    product: bytes | None = field(default=None, repr=False)  # the photoshoot asset's image, composed into the scene
    prompt: str = ""  # the task's prompt text: its quoted text is the creative's headline
    state: int = QUEUED  # a failed task keeps QUEUED: the docs show no failed RenderState
    failed: bool = False


@dataclass
class Process:
    id: str
    flavor: Flavor
    application_id: str
    user_id: str
    tasks: list[Task]
    started: dict[str, Any] = field(default_factory=dict)  # first progress snapshot, replayed by reorder_webhooks
    error: str = ""  # the errorMessage of a failed process

    @property
    def finished(self) -> bool:
        """Completed: every task rendered (the documented completion: progress 100, every task RenderState 5)."""
        return all(task.state == COMPLETED for task in self.tasks)

    @property
    def ended(self) -> bool:
        """Completed or failed: nothing about it changes any more."""
        return self.finished or bool(self.error)


@dataclass
class Channel:
    id: str
    application_id: str
    url: str
    include_image_data: bool
    is_active: bool
    created_at: str

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "applicationId": self.application_id,
            "notificationChannelType": "WebHook",
            "url": self.url,
            "includeImageData": self.include_image_data,
            "isActive": self.is_active,
            "createdAt": self.created_at,
        }


def render_kind(values: dict[str, str], default: int | None) -> int:
    """A RenderKind by number or name (ASP.NET binds enums both ways)."""
    raw = values.get("renderkind", "")
    if raw == "" and default is not None:
        return default
    if raw == "":
        raise RequestError(validation("renderKind", "The renderKind field is required."))
    kind = RENDER_KINDS.get(raw.lower(), int(raw) if raw.isdigit() else 0)
    if kind not in RENDER_KINDS.values() or kind == 0:
        raise RequestError(validation("renderKind", f"The value '{raw}' is not valid."))
    return kind


def pascal(message: dict[str, Any]) -> dict[str, Any]:
    """Webhook bodies use PascalCase top-level keys, as in the documented ImageGenerationTaskCompleted example."""
    return {key[0].upper() + key[1:]: value for key, value in message.items()}


class AdCreativeJobs(AdCreativeAuth):
    """Processes of tasks finishing over `faults.processing_seconds`, their progress, downloads and notifications."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.processes: dict[str, Process] = {}
        self.channels: dict[str, Channel] = {}
        self.api("POST", CHANNELS, "notification_channel_create", self._create_channel)
        self.api("GET", CHANNELS, "notification_channel_list", self._list_channels)
        self.api("GET", f"{CHANNELS}/Active", "notification_channel_active", self._active_channels)
        self.api("PUT", f"{CHANNELS}/(?P<id>[^/]+)", "notification_channel_update", self._update_channel)
        self.api("DELETE", f"{CHANNELS}/(?P<id>[^/]+)", "notification_channel_delete", self._delete_channel)

    def forget_jobs(self) -> None:
        self.processes.clear()
        self.channels.clear()

    # processes ------------------------------------------------------------------------------
    def start_process(self, flavor: Flavor, application_id: str, user_id: str, tasks: list[Task]) -> Process:
        process = Process(str(uuid.uuid4()), flavor, application_id, user_id, tasks)
        with self.lock:
            process.started = self.progress(process)
            self.processes[process.id] = process
            seconds = self.faults.processing_seconds
        self.pace(
            *(
                (seconds * (index + 1) / len(tasks), functools.partial(self._finish_task, process.id, index))
                for index in range(len(tasks))
            )
        )
        return process

    def progress(self, process: Process) -> dict[str, Any]:
        """The documented progress object (CheckUserProgress items, start responses, Progress notifications): exactly
        the fields of the stock doc's examples. Only documented values: RenderState 1 until the process completes, then
        5; a failed process keeps 1 and shows the failure by `isSuccessful: false` with a non-empty `errorMessage`."""
        total = len(process.tasks)
        succeeded = sum(task.state == COMPLETED for task in process.tasks)
        return {
            "messageType": f"{process.flavor.message_prefix}Progress",
            "requestRenderState": COMPLETED if process.finished else QUEUED,
            "applicationId": process.application_id,
            "userId": process.user_id,
            "imageRenderProcessId": process.id,
            "totalTaskCount": total,
            "completedTaskCount": succeeded,
            "progress": succeeded * 100 // total,
            "tasks": {task.id: task.state for task in process.tasks},
            "renderType": process.flavor.render_type,
            "isSuccessful": process.finished,
            "errorMessage": process.error,
        }

    def _finish_task(self, process_id: str, index: int) -> None:
        """The task's render ends: it completes, or (`fail_generation`, from the second half of the tasks on) the
        process fails there, with this and every task not yet rendered."""
        with self.lock:
            process = self.processes.get(process_id)
            if process is None or process.ended or self.faults.never_finish:
                return
            task = process.tasks[index]
            if self.faults.fail_generation and index >= len(process.tasks) // 2:
                ended = [pending for pending in process.tasks if pending.state == QUEUED]
                for pending in ended:
                    pending.failed = True
                process.error = f"{len(ended)} of {len(process.tasks)} tasks failed to render."
            else:
                task.state, ended = COMPLETED, [task]
            snapshot, last = self.progress(process), process.ended  # only the call that ends the process sees True
            if last:
                self.record_finished(process.id)
            channels = [c for c in self.channels.values() if c.application_id == process.application_id and c.is_active]
        for channel in channels:
            for done in ended:
                self._notify(channel, self._task_completed(process, done, channel.include_image_data))
            if last:
                self._notify(channel, pascal(snapshot))
                if self.faults.reorder_webhooks:
                    self._notify(channel, pascal(process.started))

    def _task_completed(self, process: Process, task: Task, include_image_data: bool) -> dict[str, Any]:
        succeeded = task.state == COMPLETED
        image = render(PNG, task.size, task.seed, False, task.product, task.prompt) if succeeded and include_image_data else None
        return {
            "MessageType": f"{process.flavor.message_prefix}TaskCompleted",
            "ApplicationId": process.application_id,
            "UserId": process.user_id,
            "ImageRenderProcessId": process.id,
            "TaskId": task.id,
            "ImageContentBytes": base64.b64encode(image).decode() if image else None,
            "IsSuccessful": succeeded,
            "ErrorMessage": "" if succeeded else "Rendering failed for this task.",
        }

    def _notify(self, channel: Channel, message: dict[str, Any]) -> None:
        self.deliver(channel.url, json.dumps(message).encode(), {})

    # shared endpoints -----------------------------------------------------------------------
    def check_user_progress(self, request: Request, flavor: Flavor) -> Reply:
        values = query(request)
        user, raw_process = guid(values.get("userid")), values.get(flavor.process_param.lower())
        process_id = guid(raw_process) if raw_process else None
        if user is None or (raw_process and process_id is None):
            raise RequestError(
                problem(
                    400,
                    {
                        f"business: {flavor.api}/CheckUserProgress": [f"Invalid userId or {flavor.process_param} provided."],
                        f"engine: {flavor.api}/CheckProgress": ["A required parameter is missing."],
                    },
                    detail="Validation error in the request parameters.",
                )
            )
        application = self.application(request)
        with self.lock:
            found = [
                p
                for p in self.processes.values()
                if p.flavor == flavor and p.application_id == application and p.user_id == user and process_id in (None, p.id)
            ]
            for process in found:
                self.record_status_call(process.id)
            body = [self.progress(process) for process in found]
        if not body:
            engine = f"No running or incomplete {flavor.label} process was not found for the User: {user} or the Application: N/A"
            business = f"Not found error occurred while checking {flavor.label} process for the UserId: {user}"
            raise RequestError(problem(404, {"engine: CheckProgress": [engine], "business: CheckUserProgress": [business]}))
        return Reply.json(200, body)

    def download(self, request: Request, flavor: Flavor, with_format: bool) -> Reply:
        values = query(request)
        application = need_guid(values, "applicationId")
        task_id = need_guid(values, "taskId")
        process_id = need_guid(values, flavor.process_param)
        low = flag(values, "lowResolution", False)
        kind = self._format(values) if with_format else (JPEG if low else PNG)
        with self.lock:
            process = self.processes.get(process_id)
            tasks = [t for t in process.tasks if t.id == task_id] if process and process.application_id == application else []
        if process is None or process.flavor != flavor or not tasks or tasks[0].state != COMPLETED:
            raise RequestError(
                problem(
                    404,
                    {
                        f"engine: {flavor.api}/Download": ["Image content not found."],
                        f"business: {flavor.api}/Download": [flavor.download_missing],
                    },
                )
            )
        with self.lock:
            no_credits = self.faults.no_credits
        if no_credits:  # the documented 400: Download is where credits are decreased
            engine = (
                f"Error decreasing Api Key Credits for Application {application}. "
                "ErrorMessage: API Key Credits for Application does not exist."
            )
            errors = {f"engine: {flavor.api}/Download": [engine], f"business: {flavor.api}/Download": [flavor.no_credits]}
            raise RequestError(problem(400, errors))
        content_type, extension = CONTENT_TYPES[kind]
        disposition = f'attachment; filename="{task_id}.{extension}"'
        return Reply(
            200,
            render(kind, tasks[0].size, tasks[0].seed, low, tasks[0].product, tasks[0].prompt),
            content_type,
            {"Content-Disposition": disposition},
        )

    @staticmethod
    def _format(values: dict[str, str]) -> int:
        raw = values.get("format", "")
        if raw == "":
            return PNG
        if raw not in {str(PNG), str(JPEG), str(PDF)}:
            raise RequestError(validation("format", f"The value '{raw}' is not valid."))
        return int(raw)

    # NotificationChannel --------------------------------------------------------------------
    def _create_channel(self, request: Request) -> Reply:
        body = json_body(request)
        channel = Channel(str(uuid.uuid4()), self.application(request), "", False, True, iso(self.clock.now()))
        self._apply(channel, body, creating=True)
        with self.lock:
            self.channels[channel.id] = channel
        return Reply.json(200, channel.public())

    def _list_channels(self, request: Request) -> Reply:
        return Reply.json(200, [channel.public() for channel in self._owned(request)])

    def _active_channels(self, request: Request) -> Reply:
        active = [channel.public() for channel in self._owned(request) if channel.is_active]
        if not active:
            application = self.application(request)
            return problem(
                404,
                {
                    "engine: Active": [f"No active notification channel configurations found for Application {application}."],
                    "business: Active": [
                        f"Error getting active notification channel configurations for Application: {application}"
                    ],
                },
            )
        return Reply.json(200, active)

    def _update_channel(self, request: Request) -> Reply:
        channel = self._channel(request)
        self._apply(channel, json_body(request), creating=False)
        return Reply.json(200, channel.public())

    def _delete_channel(self, request: Request) -> Reply:
        channel = self._channel(request)
        with self.lock:
            self.channels.pop(channel.id, None)
        return Reply(204)

    def _owned(self, request: Request) -> list[Channel]:
        application = self.application(request)
        with self.lock:
            return [channel for channel in self.channels.values() if channel.application_id == application]

    def _channel(self, request: Request) -> Channel:
        found = [channel for channel in self._owned(request) if channel.id == guid(request.match["id"])]
        if not found:
            raise RequestError(
                problem(
                    404,
                    {
                        "engine: NotificationChannel": ["Notification channel configuration not found."],
                        "business: NotificationChannel": [
                            "Not found error occurred while getting notification channel configuration"
                        ],
                    },
                )
            )
        return found[0]

    @staticmethod
    def _apply(channel: Channel, body: dict[str, Any], creating: bool) -> None:
        kind = str(body.get("notificationchanneltype", "WebHook"))
        if kind.lower() not in ("webhook", "1"):
            raise RequestError(validation("notificationChannelType", f"The value '{kind}' is not supported: WebHook only."))
        url = body.get("url", None if creating else channel.url)
        parts = urlsplit(str(url or ""))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RequestError(validation("url", "The url field must be an absolute http or https URL."))
        channel.url = str(url)
        channel.include_image_data = bool(body.get("includeimagedata", channel.include_image_data))
        channel.is_active = bool(body.get("isactive", channel.is_active))
