"""What the API does, apart from HTTP: keys, credits, rate limit, task creation and processing.

Views stay thin and call these functions; the web app uses create_api_key, grant_credits and balance.
"""

import base64
import hashlib
import hmac
import logging
import math
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

import engine
from engine.compliance import checks_for_error
from engine.errors import EngineError, ParamError, ProcessingTimeout

from . import fetch
from .models import (
    STATE_DONE,
    STATE_FAILED,
    STATE_LOOP,
    STATE_PREPARING,
    STATE_PROCESSING,
    STATE_PUBLISHING,
    STATE_QUEUED,
    STATE_TIMEOUT,
    UNFINISHED_STATES,
    ApiKey,
    CreditEntry,
    InputImage,
    Task,
)
from .pricing import price

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # the seed: image_file must be < 15 MB
KEY_PREFIX_LENGTH = 12
TRANSPORT_FIELDS = ("sync", "return_type", "image_url", "last_id", "image_file")
STATE_WORDS = {
    STATE_QUEUED: "Queued: the task is waiting for a worker.",
    STATE_PREPARING: "Preparing: reading the input image.",
    3: "Waiting for the engine.",
    STATE_PROCESSING: "Processing: finding the face and cutting out the person.",
    STATE_PUBLISHING: "Publishing the result.",
    STATE_LOOP: "Processing: background, label, encoding and checks.",
    STATE_DONE: "Completed: the ID photo is ready.",
}


class ApiError(Exception):
    """A request refused with an HTTP status and a message (never a task state)."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# --- API keys and credits ---------------------------------------------------------------------------


def hash_key(raw_key):
    return hmac.new(settings.SECRET_KEY.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def create_api_key(name: str, credits: int = 0, rate_limit: float | None = None) -> tuple[ApiKey, str]:
    """A new active key and its secret (shown once: only its HMAC is stored)."""
    raw = "idp_" + secrets.token_urlsafe(30)
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name, prefix=raw[:KEY_PREFIX_LENGTH], key_hash=hash_key(raw), rate_limit=rate_limit
        )
        if credits:
            grant_credits(key, credits, "initial credits")
    return key, raw


def grant_credits(api_key, amount: int, note: str) -> CreditEntry:
    """Append a grant (positive) or a correction (negative) to the key's ledger."""
    kind = CreditEntry.GRANT if amount >= 0 else CreditEntry.REFUND
    return CreditEntry.objects.create(api_key=api_key, kind=kind, amount=int(amount), note=note[:200])


def balance(api_key) -> int:
    return CreditEntry.objects.filter(api_key=api_key).aggregate(total=Sum("amount"))["total"] or 0


def reserved(api_key) -> int:
    """Credits promised to this key's unfinished tasks (charged if they succeed)."""
    unfinished = Task.objects.filter(api_key=api_key, state__in=UNFINISHED_STATES)
    return unfinished.aggregate(total=Sum("cost"))["total"] or 0


def authenticate(raw_key):
    if not raw_key:
        raise ApiError(401, "Unauthorized: send your API key in the X-API-KEY header.")
    key = ApiKey.objects.filter(key_hash=hash_key(raw_key.strip())).first()
    if key is None:
        raise ApiError(401, "Unauthorized: the X-API-KEY is not valid.")
    if not key.active:
        raise ApiError(401, "Unauthorized: this API key is disabled.")
    return key


def _clock():
    """Wall-clock seconds for the rate limiter (tests freeze it)."""
    return time.time()


def take_rate_token(api_key):
    """Spend one token of the key's bucket or raise 429 with Retry-After (whole seconds, >= 1)."""
    rate = api_key.rate_limit or settings.IDPHOTO_RATE_LIMIT_PER_SECOND
    capacity = max(1.0, rate)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        now = _clock()
        if key.bucket_updated <= 0:
            tokens = capacity
        else:
            tokens = min(capacity, key.bucket_tokens + max(0.0, now - key.bucket_updated) * rate)
        if tokens < 1:
            wait = max(1, math.ceil((1 - tokens) / rate))
            raise ApiError(
                429,
                f"Too many requests: this key may send {rate:g} requests per second. Retry in {wait} s.",
                {"Retry-After": str(wait)},
            )
        ApiKey.objects.filter(pk=key.pk).update(bucket_tokens=tokens - 1, bucket_updated=now)


# --- Creating tasks -----------------------------------------------------------------------------------


@dataclass
class CreateRequest:
    params: object  # engine.params.Params
    fields: dict  # the raw seed fields, kept to re-parse in the worker
    sync: bool
    return_type: int
    image_file: object = None
    image_url: str = ""
    last_id: uuid.UUID | None = None

    @property
    def cost(self):
        return price(self.params)


def _choice(data, name, allowed, default):
    raw = str(data.get(name) or "").strip()
    if raw == "":
        return default
    if raw not in {str(v) for v in allowed}:
        raise ApiError(400, f"{name}: must be {' or '.join(str(v) for v in allowed)} (got {raw!r})")
    return int(raw)


def parse_create_request(data, files):
    """Validate the body of a create request (ApiError 400/413 on the first problem found)."""
    fields = {k: data.get(k) for k in data if k not in TRANSPORT_FIELDS}
    try:
        params = engine.parse(fields)
        if params.layout is None and any(name.startswith("layout_") for name in fields):
            # The engine ignores layout_* when layout=0; a malformed value is still the caller's error.
            engine.parse({**fields, "layout": "1"})
        if params.spec_id is not None:
            from engine.specs import apply_spec  # unknown ids and edits the spec forbids are refused now

            apply_spec(params)
    except ParamError as exc:
        raise ApiError(400, exc.message) from None
    request = CreateRequest(
        params=params,
        fields=fields,
        sync=bool(_choice(data, "sync", (0, 1), 0)),
        return_type=_choice(data, "return_type", (1, 2), 1),
    )
    upload = files.get("image_file")
    image_url = str(data.get("image_url") or "").strip()
    last_id = str(data.get("last_id") or "").strip()
    if upload is not None:  # priority: image_file > image_url > last_id
        if upload.size >= MAX_UPLOAD_BYTES:
            raise ApiError(413, "image_file: must be smaller than 15 MB")
        request.image_file = upload
    elif image_url:
        refusal = fetch.url_refusal(image_url)
        if refusal:
            raise ApiError(400, refusal)
        request.image_url = image_url
    elif last_id:
        try:
            request.last_id = uuid.UUID(last_id)
        except ValueError:
            raise ApiError(400, "last_id: must be an image_id returned by an earlier task of this key") from None
    else:
        raise ApiError(400, "image_file, image_url or last_id: one of them is required")
    return request


def _store_input(api_key, data):
    image = InputImage(
        api_key=api_key,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        expires_at=timezone.now() + timedelta(seconds=settings.IDPHOTO_INPUT_RETENTION_SECONDS),
    )
    image.file.save("input", ContentFile(data), save=False)
    image.save()
    return image


def _reusable_input(api_key, image_id):
    image = InputImage.objects.filter(api_key=api_key, image_id=image_id, expires_at__gt=timezone.now()).first()
    if image is None or not image.file:
        raise ApiError(400, "last_id: unknown or expired image_id (it must come from an earlier task of this key)")
    return image


def create_task(api_key, request: CreateRequest) -> Task:
    """Reserve credit and insert the task atomically; async tasks are queued when the insert commits."""
    upload_bytes = request.image_file.read() if request.image_file is not None else None
    cost = request.cost
    with transaction.atomic():
        # The lock serialises creations of one key, so parallel requests cannot spend the same credit.
        ApiKey.objects.select_for_update().get(pk=api_key.pk)
        promised = reserved(api_key)
        available = balance(api_key) - promised
        if cost > available:
            raise ApiError(
                400,
                f"not enough credits: this request costs {cost}, balance {available}"
                + (f" ({promised} more are reserved by unfinished tasks)" if promised else ""),
            )
        input_image = None
        if upload_bytes is not None:
            input_image = _store_input(api_key, upload_bytes)
        elif request.last_id is not None:
            input_image = _reusable_input(api_key, request.last_id)
        task = Task.objects.create(
            api_key=api_key,
            input_image=input_image,
            image_url=request.image_url if input_image is None else "",
            params=request.fields,
            sync=request.sync,
            return_type=request.return_type,
            cost=cost,
            state_detail=STATE_WORDS[STATE_QUEUED],
        )
        if not request.sync:
            task_id = str(task.task_id)
            transaction.on_commit(lambda: enqueue(task_id))
    return task


def enqueue(task_id):
    from django_q.tasks import async_task

    try:
        async_task(
            "api.tasks.process_task",
            task_id,
            task_name=f"idphoto-{task_id}",
            sync=bool(settings.Q_CLUSTER.get("sync", False)),
        )
    except Exception:
        log.exception("could not queue task %s", task_id)
        _finish_failed(task_id, STATE_FAILED, "Processing failed: the task could not be queued.", "queue")


# --- Processing ---------------------------------------------------------------------------------------

# One engine run at a time per process: the machine learning stages already use every core, and the
# models are loaded once per process.
_engine_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="idphoto-engine")


def _state_for(percent):
    """The seed state while the stage after the one that reported `percent` runs."""
    if percent < 10:  # decoding
        return STATE_PREPARING
    if percent < 65:  # face detection, matting, geometry
        return STATE_PROCESSING
    return STATE_LOOP  # beauty, outfit, background, label, encoding, layout, checks


def _set_progress(task_pk, state, percent, detail=None):
    Task.objects.filter(pk=task_pk, state__in=UNFINISHED_STATES).update(
        state=state, progress=percent, state_detail=detail or STATE_WORDS.get(state, "")
    )


def _run_engine(task, image_bytes, params, deadline):
    """engine.process in the engine thread; progress goes to the database from this thread only."""
    seen = {"percent": 0}

    def progress(stage, percent):
        seen["percent"] = percent
        if time.monotonic() > deadline:  # stop at the next stage boundary once the time is up
            raise ProcessingTimeout(_timeout_text())

    future = _engine_executor.submit(engine.process, image_bytes, params, progress)
    written = None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            future.cancel()
            raise ProcessingTimeout(_timeout_text())
        try:
            return future.result(timeout=min(0.5, remaining))
        except FutureTimeout:
            percent = seen["percent"]
            if percent != written:
                _set_progress(task.pk, _state_for(percent), percent)
                written = percent


def _timeout_text():
    return f"Processing timed out: the maximum processing time is {settings.IDPHOTO_SYNC_TIMEOUT:g} seconds."


def _input_bytes(task):
    if task.input_image_id:
        image = task.input_image
        if not image.file:
            raise EngineError("Processing failed: the input image was deleted after its retention time.")
        with image.file.open("rb") as handle:
            return handle.read()
    data = fetch.download(task.image_url)
    image = _store_input(task.api_key, data)
    Task.objects.filter(pk=task.pk).update(input_image=image)
    task.input_image = image
    return data


def run_task(task_id):
    """Process one task to a final state. A finished task is left alone, so running twice is harmless."""
    task = Task.objects.select_related("api_key", "input_image").filter(task_id=task_id).first()
    if task is None or task.finished:
        return task
    deadline = time.monotonic() + settings.IDPHOTO_SYNC_TIMEOUT
    Task.objects.filter(pk=task.pk).update(
        state=STATE_PREPARING, progress=1, processed_at=timezone.now(), state_detail=STATE_WORDS[STATE_PREPARING]
    )
    try:
        image_bytes = _input_bytes(task)
        result = _run_engine(task, image_bytes, engine.parse(task.params), deadline)
        _set_progress(task.pk, STATE_PUBLISHING, 99)
        _finish_done(task, result)
    except fetch.DownloadError as exc:
        _finish_failed(task.task_id, exc.state, str(exc), type(exc).__name__)
    except EngineError as exc:
        state = exc.state if exc.state < 0 else STATE_FAILED
        _finish_failed(task.task_id, state, exc.message, exc.kind, checks=checks_for_error(exc))
    except Exception:
        log.exception("task %s failed", task.task_id)
        _finish_failed(task.task_id, STATE_FAILED, "Processing failed because of an internal error.", "internal")
    return Task.objects.get(pk=task.pk)


def _save_file(task, name, data):
    return default_storage.save(f"api/results/{task.task_id.hex}/{name}", ContentFile(data))


def _finish_done(task, result):
    ext = "jpg" if result.format == "jpg" else "png"
    names = {"result": _save_file(task, f"id-photo.{ext}", result.image)}
    if result.layout_image:
        names["layout"] = _save_file(task, f"layout.{ext}", result.layout_image)
    if result.layout_pdf:
        names["layout_pdf"] = _save_file(task, "layout.pdf", result.layout_pdf)
    with transaction.atomic():
        finished = Task.objects.filter(pk=task.pk, state__in=UNFINISHED_STATES).update(
            state=STATE_DONE,
            progress=100,
            completed_at=timezone.now(),
            state_detail=STATE_WORDS[STATE_DONE],
            error_kind="",
            measurements=_jsonable(result.measurements),
            checks=_jsonable(result.checks),
            warnings=_jsonable(result.warnings),
            result_token_time=time.time(),
            **names,
        )
        if finished and task.cost:
            charge(task)
    if not finished:  # another run finished it first: keep its files, drop ours
        for name in names.values():
            default_storage.delete(name)


def charge(task):
    """Spend the task's cost once; the unique constraint makes a second charge impossible."""
    try:
        with transaction.atomic():
            CreditEntry.objects.create(
                api_key_id=task.api_key_id, kind=CreditEntry.SPEND, amount=-task.cost, task=task,
                note=f"task {task.task_id}",
            )
    except IntegrityError:
        log.warning("task %s was already charged", task.task_id)


def _finish_failed(task_id, state, detail, kind, checks=()):
    Task.objects.filter(task_id=task_id, state__in=UNFINISHED_STATES).update(
        state=state, state_detail=detail, error_kind=kind[:40], completed_at=timezone.now(),
        checks=_jsonable(list(checks)),
    )


def _jsonable(value):
    """Engine reports may hold numpy numbers or tuples; JSON fields need plain Python."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if hasattr(value, "as_dict"):
        return _jsonable(value.as_dict())
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return _jsonable(asdict(value))
    return value


# --- Results: payloads and signed URLs ----------------------------------------------------------------


class _SignerAt(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is the task's completion time, not now."""

    def __init__(self, at, **kwargs):
        super().__init__(**kwargs)
        self.at = at

    def timestamp(self):
        return signing.b62_encode(int(self.at))


RESULT_SALT = "api.result"
RESULT_KINDS = ("result", "layout", "layout_pdf")


def result_token(task, kind):
    return _SignerAt(task.result_token_time, salt=RESULT_SALT).sign(f"{task.task_id.hex}.{kind}")


def task_for_token(token):
    """The finished task and file a result URL points to, or None once expired or invalid."""
    try:
        value = signing.TimestampSigner(salt=RESULT_SALT).unsign(token, max_age=settings.IDPHOTO_RESULT_URL_TTL)
        task_hex, kind = value.split(".", 1)
        task_uuid = uuid.UUID(task_hex)
    except (signing.BadSignature, ValueError):
        return None, None
    task = Task.objects.filter(task_id=task_uuid, state=STATE_DONE, results_deleted=False).first()
    if task is None or kind not in RESULT_KINDS or not getattr(task, kind):
        return None, None
    return task, getattr(task, kind)


def _file_value(task, kind, request):
    field = getattr(task, kind)
    if task.return_type == 2:
        with field.open("rb") as handle:
            return base64.b64encode(handle.read()).decode("ascii")
    return request.build_absolute_uri(reverse("api:result", args=[result_token(task, kind)]))


def _unix(moment):
    return int(moment.timestamp()) if moment else None


def task_data(task, request):
    """The seed's data object for a task, plus the documented additions."""
    data = {
        "task_id": str(task.task_id),
        "image_id": str(task.input_image.image_id) if task.input_image_id else "",
        "created_at": _unix(task.created_at),
        "processed_at": _unix(task.processed_at),
        "completed_at": _unix(task.completed_at),
        "image": "",
        "progress": task.progress,
        "return_type": task.return_type,
        "state": task.state,
        "state_detail": task.state_detail,
    }
    if task.state != STATE_DONE:
        if task.state < 0:
            # The failing checks say what to change in the photo ("take it from further away").
            data.update(error=task.error_kind, checks=task.checks)
        return data
    if task.results_deleted or not task.result:
        data["state_detail"] += " The result files were deleted after their retention time."
    else:
        data["image"] = _file_value(task, "result", request)
        if task.layout:
            data["layout_image"] = _file_value(task, "layout", request)
        if task.layout_pdf:
            data["layout_pdf"] = _file_value(task, "layout_pdf", request)
    data.update(measurements=task.measurements, checks=task.checks, warnings=task.warnings, cost=task.cost)
    return data


# --- Retention ------------------------------------------------------------------------------------------


# A task still unfinished this long after creation was lost (queue wiped, worker killed twice): it is
# failed as timed out, which also releases the credit it reserved.
STALE_TASK_SECONDS = 3600


def delete_expired(now=None):
    """Delete result files past IDPHOTO_RETENTION_SECONDS and inputs past their expiry; returns counts."""
    now = now or timezone.now()
    stale = Task.objects.filter(
        state__in=UNFINISHED_STATES, created_at__lt=now - timedelta(seconds=STALE_TASK_SECONDS)
    )
    for task_id in stale.values_list("task_id", flat=True):
        _finish_failed(task_id, STATE_TIMEOUT, "Processing timed out: the task was not processed in time.", "stale")
    cutoff = now - timedelta(seconds=settings.IDPHOTO_RETENTION_SECONDS)
    results = 0
    for task in Task.objects.filter(completed_at__lt=cutoff, results_deleted=False):
        for kind in RESULT_KINDS:
            field = getattr(task, kind)
            if field:
                default_storage.delete(field.name)
        Task.objects.filter(pk=task.pk).update(results_deleted=True, result="", layout="", layout_pdf="")
        results += 1
    inputs = 0
    for image in InputImage.objects.filter(expires_at__lt=now).exclude(file=""):
        default_storage.delete(image.file.name)
        InputImage.objects.filter(pk=image.pk).update(file="")
        inputs += 1
    return {"results": results, "inputs": inputs}

