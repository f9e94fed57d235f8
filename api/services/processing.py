"""Processing a task: run the engine with a deadline, write progress, publish the files, charge once."""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

import engine
from engine.compliance import checks_for_error
from engine.contract import (
    STATE_DONE,
    STATE_FAILED,
    STATE_LOOP,
    STATE_PREPARING,
    STATE_PROCESSING,
    STATE_PUBLISHING,
    STATE_QUEUED,
    STATE_WAITING,
    UNFINISHED_STATES,
)
from engine.errors import EngineError, ProcessingTimeout

from .. import fetch
from ..models import CreditEntry, Task
from .inputs import store_input

log = logging.getLogger(__name__)

STATE_WORDS = {
    STATE_QUEUED: "Queued: the task is waiting for a worker.",
    STATE_PREPARING: "Preparing: reading the input image.",
    STATE_WAITING: "Waiting for the engine.",
    STATE_PROCESSING: "Processing: finding the face and cutting out the person.",
    STATE_PUBLISHING: "Publishing the result.",
    STATE_LOOP: "Processing: background, label, encoding and checks.",
    STATE_DONE: "Completed: the ID photo is ready.",
}

# One engine run at a time per process: the machine learning stages already use every core, and the
# models are loaded once per process.
_engine_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="idphoto-engine")


# The seed state while the stage after the one named runs: reading the input until "decode" is done, then
# face detection, matting and geometry, then the loop of beauty, outfit, background, label, encoding,
# layout and checks. Keyed on the engine's stage names, so the pipeline's percentages stay its own.
PROCESSING_AFTER = ("decode", "detect", "matte")


def _state_for(finished_stage):
    if finished_stage is None:
        return STATE_PREPARING
    return STATE_PROCESSING if finished_stage in PROCESSING_AFTER else STATE_LOOP


def set_progress(task_pk, state, percent, detail=None):
    Task.objects.filter(pk=task_pk, state__in=UNFINISHED_STATES).update(
        state=state, progress=percent, state_detail=detail or STATE_WORDS.get(state, "")
    )


class Lease:
    """The task's claim to be alive: heartbeat_at, renewed at most every quarter of the lease from the thread
    that runs the task (the engine runs in another thread, so a long stage never starves it)."""

    def __init__(self, task_pk):
        self.task_pk = task_pk
        self.interval = settings.IDPHOTO_TASK_LEASE_SECONDS / 4
        self.renewed = time.monotonic()

    def renew(self):
        now = time.monotonic()
        if now - self.renewed >= self.interval:
            Task.objects.filter(pk=self.task_pk, state__in=UNFINISHED_STATES).update(heartbeat_at=timezone.now())
            self.renewed = now


def _run_engine(task, image_bytes, params, deadline, lease):
    """engine.process in the engine thread; progress goes to the database from this thread only."""
    seen = {"stage": None, "percent": 0}

    def progress(stage, percent):
        seen["stage"], seen["percent"] = stage, percent
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
            lease.renew()
            percent = seen["percent"]
            if percent != written:
                set_progress(task.pk, _state_for(seen["stage"]), percent)
                written = percent


def _timeout_text():
    return f"Processing timed out: the maximum processing time is {settings.IDPHOTO_SYNC_TIMEOUT:g} seconds."


def _input_bytes(task, lease):
    if task.input_image_id:
        image = task.input_image
        if not image.file:
            raise EngineError("Processing failed: the input image was deleted after its retention time.")
        with image.file.open("rb") as handle:
            return handle.read()
    data = fetch.download(task.image_url, on_chunk=lease.renew)
    image = store_input(task.api_key, data)
    Task.objects.filter(pk=task.pk).update(input_image=image)
    task.input_image = image
    return data


def run_task(task_id):
    """Process one task to a final state. A finished task is left alone, so running twice is harmless."""
    task = Task.objects.select_related("api_key", "input_image").filter(task_id=task_id).first()
    if task is None or task.finished:
        return task
    deadline = time.monotonic() + settings.IDPHOTO_SYNC_TIMEOUT
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(
        state=STATE_PREPARING, progress=1, processed_at=now, heartbeat_at=now,
        state_detail=STATE_WORDS[STATE_PREPARING],
    )
    lease = Lease(task.pk)
    try:
        image_bytes = _input_bytes(task, lease)
        result = _run_engine(task, image_bytes, engine.parse(task.params), deadline, lease)
        set_progress(task.pk, STATE_PUBLISHING, 99)
        _finish_done(task, result)
    except fetch.DownloadError as exc:
        finish_failed(task.task_id, exc.state, str(exc), type(exc).__name__)
    except EngineError as exc:
        state = exc.state if exc.state < 0 else STATE_FAILED
        # Errors no compliance check describes may carry their own failing checks (file size).
        checks = checks_for_error(exc) or exc.data.get("checks", [])
        finish_failed(task.task_id, state, exc.message, exc.kind, checks=checks)
    except Exception:
        log.exception("task %s failed", task.task_id)
        finish_failed(task.task_id, STATE_FAILED, "Processing failed because of an internal error.", "internal")
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
            measurements=engine.plain(result.measurements),
            checks=engine.plain(result.checks),
            warnings=engine.plain(result.warnings),
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


def finish_failed(task_id, state, detail, kind, checks=()):
    """Move an unfinished task to a failed state; its reserved credit is released with it."""
    Task.objects.filter(task_id=task_id, state__in=UNFINISHED_STATES).update(
        state=state, state_detail=detail, error_kind=kind[:40], completed_at=timezone.now(),
        checks=engine.plain(list(checks)),
    )
