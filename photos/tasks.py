"""The django-q2 task that makes an order's photo: one hop from the queue to the engine (or the API).

Default (PHOTOS_API_BASE_URL empty): the worker runs the engine itself on the upload's bytes; no HTTP, no
API task, no second queue. The customer pays through the web app's own ledger, so nothing is charged to
an API key. Remote mode: one synchronous request (`sync=1`) to the server at PHOTOS_API_BASE_URL.

A task receives only the order id. `services.start_order` takes the order under a row lock, so a
duplicated queue message does nothing; every state change happens in photos.services.
"""

import logging
import time

import httpx
from django.conf import settings
from django.utils.translation import gettext_noop

import engine
from engine.compliance import checks_for_error
from engine.errors import ProcessingTimeout

from . import api_client, services

log = logging.getLogger(__name__)

NETWORK_ATTEMPTS = 3  # remote mode: a job whose server cannot be reached is tried this often, then failed
RETRY_WAIT = 2.0  # seconds before a network retry is queued
STUCK_GRACE_SECONDS = 90  # a queued order older than this lost its queue message
PROGRESS_EVERY = 0.2  # seconds between progress writes (a preview takes well under a second)
# The text shown while a stage runs, keyed on the engine stage that just finished.
NEXT_STAGE_TEXTS = {
    "decode": gettext_noop("Finding your face"),
    "detect": gettext_noop("Separating you from the background"),
    "matte": gettext_noop("Framing head and shoulders to the document rules"),
    "geometry": gettext_noop("Applying touch-ups and outfit"),
    "beauty": gettext_noop("Applying touch-ups and outfit"),
    "outfit": gettext_noop("Painting the new background"),
    "background": gettext_noop("Adding the label and watermark"),
    "label": gettext_noop("Adding the label and watermark"),
    "watermark": gettext_noop("Saving the photo file"),
    "encode": gettext_noop("Preparing the print sheet"),
    "layout": gettext_noop("Checking the result against the rules"),
    "checks": gettext_noop("Saving the photo"),
}
FIRST_STAGE_TEXT = gettext_noop("Reading your photo")
ORIGINAL_GONE = gettext_noop("The uploaded photo was deleted, so this photo cannot be made. Upload it again.")


def run_order(order_id):
    order = services.start_order(order_id)
    if order is None:
        return "nothing to do"
    try:
        if settings.PHOTOS_API_BASE_URL:
            return _run_remote(order)
        return _run_local(order)
    except Exception as exc:  # anything unexpected: the customer gets their credits back and a reason
        log.exception("order %s crashed", order.code)
        services.fail_order(order.pk, f"Internal error while processing ({exc.__class__.__name__}).")
        return "failed"


# --- default: the engine in this worker -----------------------------------------------------------


def _run_local(order):
    data = _original_bytes(order)
    if data is None:
        services.fail_order(order.pk, ORIGINAL_GONE)
        return "failed"
    services.report_progress(order.pk, 5, FIRST_STAGE_TEXT)
    try:
        result = engine.process(data, engine.parse(order.options), progress=_progress_writer(order.pk))
    except engine.EngineError as exc:
        services.fail_order(order.pk, exc.message, checks=engine.plain(checks_for_error(exc)))
        return "failed"
    ext = "jpg" if result.format == "jpg" else "png"
    report = engine.plain({"checks": result.checks, "measurements": result.measurements, "warnings": result.warnings})
    services.finish_order(order.pk, result.image, ext, sheet=result.layout_image, sheet_ext=ext, report=report)
    return "finished"


def _progress_writer(order_id):
    """The engine's progress callback: a few database writes per job, and the job time limit."""
    deadline = time.monotonic() + settings.PHOTOS_JOB_TIME_LIMIT
    last = {"at": time.monotonic()}

    def progress(stage, percent):
        now = time.monotonic()
        if now > deadline:
            raise ProcessingTimeout(services.TIMED_OUT)
        if now - last["at"] >= PROGRESS_EVERY:
            last["at"] = now
            services.report_progress(order_id, percent, stage_text(stage))

    return progress


def stage_text(finished_stage):
    """What the customer reads while the stage after `finished_stage` runs."""
    return NEXT_STAGE_TEXTS.get(finished_stage, FIRST_STAGE_TEXT)


# --- remote mode: one synchronous request to another server ----------------------------------------


def _run_remote(order):
    services.report_progress(order.pk, 5, gettext_noop("Sent to the photo service"))
    try:
        with api_client.make_client() as client:
            data = _create_sync(client, order)
            if int(data.get("state", 0)) != 1:
                detail = data.get("state_detail") or gettext_noop("The photo could not be processed.")
                services.fail_order(order.pk, detail, checks=data.get("checks") or [])
                return "failed"
            image = api_client.download(client, data["image"]) if data.get("image") else b""
            if not image:
                raise api_client.ApiError("The photo service finished without an image.", status=502)
            sheet = api_client.download(client, data["layout_image"]) if data.get("layout_image") else None
    except api_client.ApiError as exc:
        services.fail_order(order.pk, exc.message)
        return "failed"
    except httpx.TransportError as exc:  # the network, not the photo: try again a few times
        return _retry_or_fail(order, exc)
    ext = "jpg" if order.options.get("format") in ("jpg", "jpeg") else "png"
    services.finish_order(
        order.pk,
        image,
        ext,
        sheet=sheet,
        sheet_ext=_file_ext(sheet),
        report=data,
        api_task_id=str(data.get("task_id") or ""),
        api_image_id=str(data.get("image_id") or ""),
    )
    return "finished"


def _original_bytes(order):
    """The uploaded photo, or None once it was deleted (a user's request or the retention schedule)."""
    original = order.upload.original
    try:
        with original.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError):  # ValueError: the field holds no file any more
        return None


def _create_sync(client, order):
    """One create request with sync=1; reuses the upload on the server by last_id when it is known there."""
    upload = order.upload
    if upload.api_image_id:
        try:
            return api_client.create_sync(client, order.options, last_id=upload.api_image_id)
        except api_client.ApiError as exc:
            if exc.status not in (400, 404, 410):
                raise
            # The server forgot the image (expired, or another key): send the file again.
    data = _original_bytes(order)
    if data is None:
        raise api_client.ApiError(ORIGINAL_GONE)
    return api_client.create_sync(client, order.options, image_bytes=data, filename=upload.original.name.rsplit("/")[-1])


def _retry_or_fail(order, exc):
    if order.attempts >= NETWORK_ATTEMPTS:
        services.fail_order(order.pk, gettext_noop("The photo service could not be reached. Please try again."))
        return "failed"
    log.warning("order %s: photo service unreachable (%s); will retry", order.code, exc)
    time.sleep(RETRY_WAIT)
    services.retry_later(order.pk, f"network error: {exc.__class__.__name__}")
    return "re-queued"


def _file_ext(data):
    return "png" if data and data[:8] == b"\x89PNG\r\n\x1a\n" else "jpg"


def sweep_stuck_orders():
    """Scheduled every few minutes: queue again orders whose queue message was lost, fail (and refund)
    orders whose worker died mid-job."""
    requeued, failed = services.requeue_stuck_orders(grace_seconds=STUCK_GRACE_SECONDS)
    return f"re-queued {requeued}, failed {failed}"
