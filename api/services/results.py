"""What a GET of a task returns, and the signed, expiring URLs of its result files."""

import base64
import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

from engine.contract import STATE_DONE

from ..models import RESULT_FIELDS, Task
from .errors import ApiError
from .retention import fail_abandoned


class _SignerAt(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is the task's completion time, not now."""

    def __init__(self, at, **kwargs):
        super().__init__(**kwargs)
        self.at = at

    def timestamp(self):
        return signing.b62_encode(int(self.at))


RESULT_SALT = "api.result"


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
    if task is None or kind not in RESULT_FIELDS or not getattr(task, kind):
        return None, None
    return task, getattr(task, kind)


def task_of_key(api_key, task_id):
    """The key's task by its id (ApiError 404 otherwise). An unfinished one is first checked for a dead
    process, so a GET after a restart says what happened instead of "processing" for an hour."""
    try:
        task_uuid = uuid.UUID(task_id)
    except ValueError:
        raise ApiError("Task not found: check the task_id.", status=404) from None
    tasks = Task.objects.select_related("input_image").filter(task_id=task_uuid, api_key=api_key)
    task = tasks.first()
    if task is None:
        raise ApiError("Task not found: check the task_id.", status=404)
    if not task.finished and fail_abandoned(api_key=api_key):
        task = tasks.first()
    return task


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
        "created_at": _unix(task.created),
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
