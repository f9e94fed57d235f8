"""Creating tasks: validate the request, reserve its credit and insert the task in one transaction."""

import logging
import re
import uuid
from dataclasses import dataclass

from django.db import transaction

import engine
from engine import specs
from engine.contract import MAX_UPLOAD_MB, STATE_FAILED, STATE_QUEUED, upload_too_large
from engine.errors import ParamError
from engine.specs import apply_spec

from .. import fetch
from ..models import ApiKey, Task
from ..pricing import price
from .errors import ApiError
from .inputs import reusable_input, store_input
from .keys import balance, reserved
from .processing import STATE_WORDS, finish_failed
from .retention import fail_abandoned

log = logging.getLogger(__name__)

TRANSPORT_FIELDS = ("sync", "return_type", "image_url", "last_id", "image_file")
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


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
    raw = str(data.get(name) or "")
    if raw == "":
        return default
    if raw not in {str(v) for v in allowed}:
        raise ApiError(f"{name}: must be {' or '.join(str(v) for v in allowed)} (got {raw!r})")
    return int(raw)


def _check_spec_exists(spec_id):
    try:
        specs.get(spec_id)
    except KeyError:
        raise ApiError(f"spec_id: no spec with id {spec_id}; list them with GET /api/specs", status=404) from None


def parse_create_request(data, files):
    """Validate the body of a create request (ApiError 400/413 on the first problem found)."""
    fields = {k: data.get(k) for k in data if k not in TRANSPORT_FIELDS}
    try:
        params = engine.parse(fields)
        if params.layout is None and any(name.startswith("layout_") for name in fields):
            # The engine ignores layout_* when layout=0; a malformed value is still the caller's error.
            engine.parse({**fields, "layout": "1"})
        if params.spec_id is not None:
            _check_spec_exists(params.spec_id)
            apply_spec(params)  # edits the spec forbids are refused now, not in the worker
    except ParamError as exc:
        raise ApiError(exc.message) from None
    request = CreateRequest(
        params=params,
        fields=fields,
        sync=bool(_choice(data, "sync", (0, 1), 0)),
        return_type=_choice(data, "return_type", (1, 2), 1),
    )
    _choose_source(request, data, files)
    return request


def _choose_source(request, data, files):
    """Every source given is checked (a malformed one is an error even when another wins, as layout_*
    fields are checked when layout=0); then the seed's priority picks one: image_file > image_url >
    last_id. Empty fields count as not given."""
    upload = files.get("image_file")
    image_url = str(data.get("image_url") or "")
    last_id = str(data.get("last_id") or "")
    if upload is not None and upload_too_large(upload.size):
        raise ApiError(f"image_file: must be at most {MAX_UPLOAD_MB} MB", status=413)
    if image_url and (refusal := fetch.url_refusal(image_url)):
        raise ApiError(refusal)
    if last_id and not UUID_RE.fullmatch(last_id):
        raise ApiError("last_id: must be an image_id (a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e)")
    if upload is not None:
        request.image_file = upload
    elif image_url:
        request.image_url = image_url
    elif last_id:
        request.last_id = uuid.UUID(last_id)
    else:
        raise ApiError("image_file, image_url or last_id: one of them is required")


def create_task(api_key, request: CreateRequest) -> Task:
    """Reserve credit and insert the task atomically; async tasks are queued when the insert commits."""
    upload_bytes = request.image_file.read() if request.image_file is not None else None
    cost = request.cost
    with transaction.atomic():
        # The lock serialises creations of one key, so parallel requests cannot spend the same credit.
        ApiKey.objects.select_for_update().get(pk=api_key.pk)
        fail_abandoned(api_key=api_key)  # a task whose process died no longer holds credit
        promised = reserved(api_key)
        available = balance(api_key) - promised
        if cost > available:
            raise ApiError(
                f"not enough credits: this request costs {cost}, balance {available}"
                + (f" ({promised} more are reserved by unfinished tasks)" if promised else "")
            )
        input_image = None
        if upload_bytes is not None:
            input_image = store_input(api_key, upload_bytes)
        elif request.last_id is not None:
            input_image = reusable_input(api_key, request.last_id)
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
        async_task("api.tasks.process_task", task_id, task_name=f"idphoto-{task_id}")
    except Exception:
        log.exception("could not queue task %s", task_id)
        finish_failed(task_id, STATE_FAILED, "Processing failed: the task could not be queued.", "queue")
