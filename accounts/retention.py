"""The scheduled deletion of the web app's files (django-q2 schedule, see migrations/0002).

Periods come from settings (RETAIN_*_DAYS) and are stated on the privacy page: previews RETAIN_PREVIEW_DAYS
after they were made, paid photos and print sheets RETAIN_RESULT_DAYS after the order finished, originals
RETAIN_ORIGINAL_DAYS after the last order made from them (or the upload, if none). Rows are kept, marked
"deleted on schedule", so order pages can say so and the ledger still adds up.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from photos.models import FilesDeleted, Order, Upload

from . import services
from .throttle import forget_old_signups


def _days_ago(now, days):
    return now - timedelta(days=days)


def expired_orders(now):
    previews = Q(kind=Order.KIND_PREVIEW, finished__lt=_days_ago(now, settings.RETAIN_PREVIEW_DAYS))
    results = Q(kind=Order.KIND_FINAL, finished__lt=_days_ago(now, settings.RETAIN_RESULT_DAYS))
    finished = Order.objects.filter(status__in=Order.FINISHED, files_deleted__isnull=True)
    return finished.filter(previews | results)


def expired_uploads(now):
    cutoff = _days_ago(now, settings.RETAIN_ORIGINAL_DAYS)
    busy = Order.objects.exclude(status__in=Order.FINISHED).values("upload_id")
    uploads = Upload.objects.filter(files_deleted__isnull=True).exclude(pk__in=busy)
    uploads = uploads.annotate(last_order=Max("orders__created"))
    return uploads.filter(Q(last_order__lt=cutoff) | Q(last_order__isnull=True, created__lt=cutoff))


def delete_expired_files(now=None):
    """Scheduled every 15 minutes; returns what it deleted."""
    now = now or timezone.now()
    orders = uploads = 0
    for order in expired_orders(now).iterator():
        services.purge_order(order, FilesDeleted.SCHEDULE, now)
        orders += 1
    for upload in expired_uploads(now).iterator():
        services.purge_upload(upload, FilesDeleted.SCHEDULE, now, with_orders=False)
        uploads += 1
    return {"orders": orders, "uploads": uploads, "signup_records": forget_old_signups(now)}
