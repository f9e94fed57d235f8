"""django-q2 tasks: create the API task, poll it, store the results on the Order row.

A task receives only the order id and re-reads the row, so it is safe to run twice: a finished order is
left alone, a started one resumes polling its API task, and finishing/refunding happen under a row lock.
A run polls for at most PHOTOS_POLL_SLICE_SECONDS and then re-queues itself, so a worker is never held
for long while the API's own processing task waits for a worker of the same cluster.
"""

import logging
import time

import httpx
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import api_client, services
from .models import Order, Upload

log = logging.getLogger(__name__)

STALE_CLAIM_SECONDS = 90  # a claimed order without a task id after this long lost its worker
# The API reports the percent of the last finished engine stage; the text names the stage running next.
STAGE_TEXTS = (
    (10, "Reading your photo"),
    (25, "Finding your face"),
    (55, "Separating you from the background"),
    (65, "Framing head and shoulders to the document rules"),
    (78, "Applying touch-ups and outfit"),
    (89, "Painting the new background"),
    (93, "Saving the photo file"),
    (97, "Preparing the print sheet"),
    (100, "Checking the result against the rules"),
)


def enqueue_order(order_id):
    from django_q.tasks import async_task

    # django-q2 reads Q_CLUSTER once at import; passing sync here honours a settings override (tests).
    async_task(
        "photos.tasks.run_order",
        order_id,
        task_name=f"photos-order-{order_id}-{time.time_ns()}",
        sync=bool(settings.Q_CLUSTER.get("sync", False)),
    )


def stage_text(progress):
    for limit, text in STAGE_TEXTS:
        if progress < limit:
            return text
    return STAGE_TEXTS[-1][1]


def run_order(order_id):
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.is_finished:
        return "nothing to do"
    if not order.api_task_id and not _claim(order):
        return "claimed by another run"
    order.refresh_from_db()
    try:
        with api_client.make_client() as client:
            if not order.api_task_id:
                _start(order, client)
            finished = _poll(order, client)
    except api_client.ApiError as exc:
        services.fail_order(order.pk, exc.message)
        return "failed"
    except httpx.TransportError as exc:  # the network, not the photo: try again until the time limit
        if settings.Q_CLUSTER.get("sync"):
            services.fail_order(order.pk, "The photo service could not be reached. Please try again.")
            return "failed"
        log.warning("order %s: API unreachable (%s); will retry", order.code, exc)
        # Give the claim back so the next run may create the API task; `started` keeps the time limit.
        Order.objects.filter(pk=order.pk, api_task_id="", status=Order.PROCESSING).update(status=Order.QUEUED)
        time.sleep(settings.PHOTOS_POLL_INTERVAL)
        finished = False
    except Exception as exc:  # anything unexpected: the customer gets their credits back and a reason
        log.exception("order %s crashed", order.code)
        services.fail_order(order.pk, f"Internal error while processing ({exc.__class__.__name__}).")
        return "failed"
    if finished:
        return "finished"
    order.refresh_from_db(fields=["started"])
    if order.started and (timezone.now() - order.started).total_seconds() > settings.PHOTOS_POLL_LIMIT_SECONDS:
        services.fail_order(order.pk, "The photo service took too long. Please try again.")
        return "timed out"
    enqueue_order(order.pk)
    return "re-queued"


def _claim(order):
    """Only one run may create the API task for an order."""
    now = timezone.now()
    fresh = Order.objects.filter(pk=order.pk, api_task_id="", status=Order.QUEUED).update(
        status=Order.PROCESSING,
        started=Coalesce(F("started"), now),
        attempts=F("attempts") + 1,
        progress=3,
        state_text="Starting",
    )
    if fresh:
        return True
    stale = now - timezone.timedelta(seconds=STALE_CLAIM_SECONDS)
    return bool(
        Order.objects.filter(pk=order.pk, api_task_id="", status=Order.PROCESSING, started__lt=stale).update(
            started=now, attempts=F("attempts") + 1
        )
    )


def _start(order, client):
    upload = order.upload
    params = dict(order.options)
    task_id = None
    if upload.api_image_id:
        try:
            task_id = api_client.create_task(client, params, last_id=upload.api_image_id)
        except api_client.ApiError as exc:
            if exc.http_status not in (400, 404, 410):
                raise
            # The API forgot the image (expired or another key): send the file again.
            Upload.objects.filter(pk=upload.pk).update(api_image_id="")
    if task_id is None:
        with upload.original.open("rb") as fh:
            data = fh.read()
        task_id = api_client.create_task(client, params, image_bytes=data, filename=upload.original.name.rsplit("/")[-1])
    order.api_task_id = task_id
    Order.objects.filter(pk=order.pk).update(api_task_id=task_id, progress=5, state_text="Queued at the photo service")


def _poll(order, client):
    # In django-q2 sync mode a re-queue would recurse, so keep polling until the overall limit instead.
    sync = bool(settings.Q_CLUSTER.get("sync"))
    deadline = time.monotonic() + (settings.PHOTOS_POLL_LIMIT_SECONDS if sync else settings.PHOTOS_POLL_SLICE_SECONDS)
    while True:
        data = api_client.get_task(client, order.api_task_id)
        state = int(data.get("state", 0))
        if state == 1:
            _finish(order, data, client)
            return True
        if state < 0:
            detail = data.get("state_detail") or "The photo could not be processed."
            services.fail_order(order.pk, detail)
            return True
        _record_progress(order, state, data)
        if time.monotonic() >= deadline:
            return False
        time.sleep(settings.PHOTOS_POLL_INTERVAL)


def _record_progress(order, state, data):
    api_progress = int(data.get("progress") or 0)
    progress = max(5, min(95, api_progress))
    text = "Queued at the photo service" if state == 0 else stage_text(api_progress)
    Order.objects.filter(pk=order.pk, status__in=[Order.QUEUED, Order.PROCESSING]).update(
        status=Order.PROCESSING, progress=progress, state_text=text, api_state=state
    )


def _finish(order, data, client):
    image = api_client.download(client, data["image"]) if data.get("image") else None
    if not image:
        raise api_client.ApiError("The photo service finished without an image.")
    sheet = api_client.download(client, data["layout_image"]) if data.get("layout_image") else None
    ext = "jpg" if order.options.get("format") in ("jpg", "jpeg") else "png"
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.is_finished:
            return
        target = locked.preview if locked.is_preview else locked.result
        name = "preview" if locked.is_preview else "id-photo"
        target.save(f"{name}-{str(locked.code)[:8]}.{ext}", ContentFile(image), save=False)
        if sheet:
            locked.sheet.save(f"print-sheet-{str(locked.code)[:8]}.{_sheet_ext(sheet)}", ContentFile(sheet), save=False)
        locked.checks = data.get("checks") or []
        locked.measurements = data.get("measurements") or {}
        locked.warnings = data.get("warnings") or []
        locked.status = Order.DONE
        locked.progress = 100
        locked.api_state = 1
        locked.state_text = "Ready"
        locked.finished = timezone.now()
        locked.save()
        if data.get("image_id"):
            Upload.objects.filter(pk=locked.upload_id).update(api_image_id=str(data["image_id"]))


def _sheet_ext(data):
    return "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpg"


def sweep_stuck_orders():
    """Scheduled: re-queue orders whose queue message was lost (a worker killed hard; Redis does not
    redeliver). The re-run resumes polling, or fails and refunds once when the time limit has passed."""
    grace = timezone.now() - timezone.timedelta(seconds=STALE_CLAIM_SECONDS + settings.PHOTOS_POLL_SLICE_SECONDS)
    stuck = Order.objects.filter(status__in=[Order.QUEUED, Order.PROCESSING], created__lt=grace)
    ids = list(stuck.values_list("pk", flat=True)[:500])
    for order_id in ids:
        enqueue_order(order_id)
    return f"re-queued {len(ids)}"
