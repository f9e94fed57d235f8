"""Retention: delete result files and inputs past their time, and fail tasks that were lost."""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from engine.contract import STATE_FAILED, STATE_QUEUED, STATE_TIMEOUT, UNFINISHED_STATES

from ..models import RESULT_FIELDS, InputImage, Task
from .processing import finish_failed

# A task still unfinished this long after creation was lost (queue wiped, worker killed twice): it is
# failed as timed out, which also releases the credit it reserved.
STALE_TASK_SECONDS = 3600
RUNNING_STATES = tuple(state for state in UNFINISHED_STATES if state != STATE_QUEUED)
INTERRUPTED_TEXT = (
    "Processing failed: the server process running this task stopped (a restart or a crash). "
    "Nothing was charged; send the request again."
)


def fail_abandoned(now=None, api_key=None):
    """Fail the tasks whose process died: running (or sync, which never waits in a queue) without a lease
    renewal for IDPHOTO_TASK_LEASE_SECONDS. Failing releases the credit they reserved. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.IDPHOTO_TASK_LEASE_SECONDS)
    tasks = Task.objects.filter(Q(state__in=RUNNING_STATES) | Q(sync=True, state=STATE_QUEUED)).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created__lt=cutoff)
    )
    if api_key is not None:
        tasks = tasks.filter(api_key=api_key)
    task_ids = list(tasks.values_list("task_id", flat=True))
    for task_id in task_ids:
        finish_failed(task_id, STATE_FAILED, INTERRUPTED_TEXT, "interrupted")
    return len(task_ids)


def delete_expired(now=None):
    """Delete result files past IDPHOTO_RETENTION_SECONDS and inputs past their expiry; returns counts."""
    now = now or timezone.now()
    stale = Task.objects.filter(
        state__in=UNFINISHED_STATES, created__lt=now - timedelta(seconds=STALE_TASK_SECONDS)
    )
    for task_id in stale.values_list("task_id", flat=True):
        finish_failed(task_id, STATE_TIMEOUT, "Processing timed out: the task was not processed in time.", "stale")
    cutoff = now - timedelta(seconds=settings.IDPHOTO_RETENTION_SECONDS)
    results = 0
    for task in Task.objects.filter(completed_at__lt=cutoff, results_deleted=False):
        for kind in RESULT_FIELDS:
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
