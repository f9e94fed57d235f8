"""Retention: delete result files and inputs past their time, and fail tasks that were lost."""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from engine.contract import STATE_TIMEOUT, UNFINISHED_STATES

from ..models import InputImage, Task
from .processing import finish_failed
from .results import RESULT_KINDS

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
        finish_failed(task_id, STATE_TIMEOUT, "Processing timed out: the task was not processed in time.", "stale")
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
