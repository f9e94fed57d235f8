"""Everything that changes money or order state goes through here; views and the queue task stay thin.

Credits: every change is a LedgerEntry written in the same transaction as the Wallet balance, with the
wallet row locked (select_for_update; on SQLite the IMMEDIATE transaction mode serialises writers), so the
ledger sum always equals the balance and the balance never goes negative.

Orders: every state transition is made here under a row lock and recorded as an OrderEvent naming who or
what made it (the customer, a staff member, or the queue).
"""

import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

import engine
from engine.contract import MAX_UPLOAD_MB, upload_too_large

from . import mail, queue
from .models import LedgerEntry, Order, OrderEvent, StaffAction, Upload, Wallet

log = logging.getLogger(__name__)

THUMB_SIDE = 640
MIN_UPLOAD_SIDE = 200
# Kept as uploaded unless HEIC/HEIF, which browsers cannot show and other servers may not read.
CONVERT_TO_JPEG = (".heic", ".heif")
TOO_LARGE = f"The file is larger than {MAX_UPLOAD_MB} MB. Export a smaller JPEG or PNG and try again."


class InsufficientCredits(Exception):
    def __init__(self, needed, available):
        super().__init__(f"This photo costs {needed} credits and you have {available}.")
        self.needed, self.available = needed, available


class UnusablePhoto(Exception):
    """The uploaded file cannot become an ID photo; the message says why in plain words. `error` is the
    engine's error when it had one (the web layer words it for people by its kind and data)."""

    def __init__(self, message, error=None):
        super().__init__(message)
        self.error = error


# --- credits -------------------------------------------------------------------------------------


def _locked_wallet(user):
    Wallet.objects.get_or_create(user=user)
    return Wallet.objects.select_for_update().get(user=user)


def _append(wallet, amount, kind, order=None, note="", by=None, reference=""):
    entry = LedgerEntry.objects.create(
        user=wallet.user, amount=amount, kind=kind, order=order, note=note[:300], created_by=by, reference=reference
    )
    wallet.balance += amount
    wallet.save(update_fields=["balance"])
    return entry


def balance(user):
    wallet = Wallet.objects.filter(user=user).first()
    return wallet.balance if wallet else 0


def grant_credits(user, amount, note, by=None):
    if amount <= 0:
        raise ValueError("a grant must be a positive number of credits")
    with transaction.atomic():
        entry = _append(_locked_wallet(user), amount, LedgerEntry.GRANT, note=note, by=by)
        if by is not None:
            StaffAction.objects.create(
                staff=by, action=StaffAction.GRANT, target_user=user, note=f"{amount} credits: {note}"
            )
    return entry


def purchase_credits(user, credits, reference, note):
    """Book a payment's credits: +credits when it is paid, -credits when it is refunded or disputed.

    A removal takes at most the current balance (what is left unspent), never making it negative. Each
    direction happens once per `reference` (a unique constraint), so replayed or concurrent webhooks change
    nothing the second time. Returns the new entry, or None when it was already booked or nothing is left.
    """
    if credits == 0:
        raise ValueError("a purchase moves a non-zero number of credits")
    kind = LedgerEntry.PURCHASE if credits > 0 else LedgerEntry.REVERSAL
    with transaction.atomic():
        wallet = _locked_wallet(user)
        amount = credits if credits > 0 else -min(-credits, wallet.balance)
        if amount == 0 or LedgerEntry.objects.filter(kind=kind, reference=reference).exists():
            return None
        try:
            with transaction.atomic():
                return _append(wallet, amount, kind, note=note, reference=reference)
        except IntegrityError:  # a concurrent delivery booked it first
            return None


def welcome(user):
    """Open the wallet of a new account with the configured starting grant."""
    if settings.PHOTOS_SIGNUP_CREDITS > 0:
        return grant_credits(user, settings.PHOTOS_SIGNUP_CREDITS, gettext_noop("Welcome credits"))
    Wallet.objects.get_or_create(user=user)
    return None


def refund(order, reason, by=None):
    """Give the order's credits back once; returns the new entry, or None if nothing was (or is) owed."""
    if order.cost == 0:
        return None
    try:
        with transaction.atomic():
            wallet = _locked_wallet(order.owner)
            if not LedgerEntry.objects.filter(order=order, kind=LedgerEntry.SPEND).exists():
                return None
            if LedgerEntry.objects.filter(order=order, kind=LedgerEntry.REFUND).exists():
                return None
            return _append(wallet, order.cost, LedgerEntry.REFUND, order=order, note=reason, by=by)
    except IntegrityError:  # a concurrent refund won the unique (order, kind) race
        return None


# --- uploads -------------------------------------------------------------------------------------


def inspect_photo(data):
    """Decode and look for a face with the engine's own rules: an engine Inspection, or UnusablePhoto."""
    if upload_too_large(len(data)):
        raise UnusablePhoto(TOO_LARGE)
    try:
        return engine.inspect(data, min_side=MIN_UPLOAD_SIDE)
    except engine.EngineError as exc:
        raise UnusablePhoto(exc.message, error=exc) from None


FACE_FOUND = gettext_noop("Face found.")
CROWN_CUT_LIKELY = gettext_noop(
    "The top of your head looks cut off in this photo. Documents that measure the head will refuse it: "
    "use a photo with space above your hair."
)


def _as_jpeg(image, side=None, quality=92):
    from PIL import Image

    picture = Image.fromarray(image)
    if side:
        picture.thumbnail((side, side))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def create_upload(user, uploaded_file):
    if upload_too_large(uploaded_file.size or 0):  # refuse before reading it into memory
        raise UnusablePhoto(TOO_LARGE)
    data = uploaded_file.read()
    found = inspect_photo(data)
    name = (uploaded_file.name or "photo").rsplit("/", 1)[-1][:200]
    stored_name, stored = name, data
    if name.lower().endswith(CONVERT_TO_JPEG):
        stored = _as_jpeg(found.image, quality=95)  # colours and orientation are already decoded
        stored_name = name.rsplit(".", 1)[0] + ".jpg"
    upload = Upload(
        owner=user,
        original_name=name,
        width=found.width,
        height=found.height,
        check_ok=True,
        faces_found=found.faces,
        check_message=CROWN_CUT_LIKELY if found.crown_likely_cut else FACE_FOUND,
    )
    upload.original.save(stored_name, ContentFile(stored), save=False)
    thumb = _as_jpeg(found.image, side=THUMB_SIDE, quality=85)
    upload.thumbnail.save("thumb.jpg", ContentFile(thumb), save=False)
    upload.save()
    return upload


# --- orders: every transition below is recorded as an OrderEvent -----------------------------------


def _record(order, event, actor, by=None, note=""):
    return OrderEvent.objects.create(order=order, event=event, actor=actor, by=by, note=note[:300])


def _enqueue_on_commit(order):
    order_id = order.pk
    transaction.on_commit(lambda: queue.enqueue_order(order_id))


def create_preview(user, upload, params, spec_label=""):
    """A free, watermarked preview job for these API params."""
    with transaction.atomic():
        order = Order.objects.create(
            owner=user,
            upload=upload,
            kind=Order.KIND_PREVIEW,
            options={**params, "preview": "1"},
            spec_label=spec_label,
            state_text=gettext_noop("Waiting for a free worker…"),
        )
        _record(order, OrderEvent.CREATED, OrderEvent.USER, by=user)
        _enqueue_on_commit(order)
    return order


def preview_of(upload, params):
    """The newest finished preview of `upload` made with exactly these options, or None: the one a paid
    order links to (staff review it beside the result), never a preview of other options."""
    wanted = {**params, "preview": "1"}
    for order in upload.orders.filter(kind=Order.KIND_PREVIEW, status=Order.DONE)[:50]:
        if order.options == wanted:
            return order
    return None


def create_paid_order(user, upload, params, cost, idempotency_key, spec_label="", preview_order=None):
    """Charge and create the job in one transaction. Returns (order, created).

    The idempotency key comes from the confirm form: a double click or a retried POST finds the order the
    first request made and charges nothing more.
    """
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    with transaction.atomic():
        wallet = _locked_wallet(user)
        existing = Order.objects.filter(owner=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
        if wallet.balance < cost:
            raise InsufficientCredits(cost, wallet.balance)
        order = Order.objects.create(
            owner=user,
            upload=upload,
            kind=Order.KIND_FINAL,
            options={**params, "preview": "0"},
            spec_label=spec_label,
            cost=cost,
            idempotency_key=idempotency_key,
            preview_order=preview_order,
            needs_review=settings.PHOTOS_REQUIRE_APPROVAL,
            state_text=gettext_noop("Waiting for a free worker…"),
        )
        if cost:
            _append(wallet, -cost, LedgerEntry.SPEND, order=order, note=f"{spec_label or 'ID photo'}")
        _record(order, OrderEvent.CREATED, OrderEvent.USER, by=user, note=f"{cost} credits")
        _enqueue_on_commit(order)
    return order, True


def start_order(order_id):
    """The queue takes a queued order: processing now. Returns the order, or None when it is not queued
    (finished, or taken by another run), so a duplicated queue message does nothing."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id, status=Order.QUEUED).first()
        if order is None:
            return None
        order.status = Order.PROCESSING
        order.started = order.started or timezone.now()
        order.attempts += 1
        order.progress = 3
        order.state_text = gettext_noop("Starting")
        order.save()
        _record(order, OrderEvent.STARTED, OrderEvent.QUEUE, note=f"attempt {order.attempts}")
    return order


def report_progress(order_id, percent, text):
    """Progress of a running job (not a transition: no event)."""
    Order.objects.filter(pk=order_id, status=Order.PROCESSING).update(progress=max(3, min(99, percent)), state_text=text)


def finish_order(order_id, image, image_ext, sheet=None, sheet_ext="png", report=None, api_task_id="", api_image_id=""):
    """Store the finished photo (and print sheet) once; returns True if this call finished the order."""
    report = report or {}
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.is_finished:
            return False
        target = order.preview if order.is_preview else order.result
        name = "preview" if order.is_preview else "id-photo"
        target.save(f"{name}-{str(order.code)[:8]}.{image_ext}", ContentFile(image), save=False)
        if sheet:
            order.sheet.save(f"print-sheet-{str(order.code)[:8]}.{sheet_ext}", ContentFile(sheet), save=False)
        order.checks = report.get("checks") or []
        order.measurements = report.get("measurements") or {}
        order.warnings = report.get("warnings") or []
        order.status = Order.DONE
        order.progress = 100
        order.state_text = gettext_noop("Ready")
        order.finished = timezone.now()
        order.api_task_id = api_task_id or order.api_task_id
        order.save()
        _record(order, OrderEvent.DONE, OrderEvent.QUEUE)
        if api_image_id:
            Upload.objects.filter(pk=order.upload_id).update(api_image_id=api_image_id)
    return True


def fail_order(order_id, message, checks=()):
    """Mark a job failed (once) and refund a paid one. Returns True if this call did it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.is_finished:
            return False
        order.status = Order.FAILED
        order.error = message[:2000]
        order.checks = list(checks)
        order.state_text = gettext_noop("Failed")
        order.finished = timezone.now()
        order.save()
        _record(order, OrderEvent.FAILED, OrderEvent.QUEUE, note=message)
        if order.kind == Order.KIND_FINAL and refund(order, f"Refund: {message[:200]}"):
            _record(order, OrderEvent.REFUNDED, OrderEvent.QUEUE, note=f"{order.cost} credits")
    return True


def retry_later(order_id, reason):
    """Give a processing order back to the queue after a network error (the photo was not judged)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id, status=Order.PROCESSING).first()
        if order is None:
            return False
        order.status = Order.QUEUED
        order.state_text = gettext_noop("Waiting for the photo service")
        order.save()
        _record(order, OrderEvent.REQUEUED, OrderEvent.QUEUE, note=reason)
        _enqueue_on_commit(order)
    return True


class NothingToDo(Exception):
    """A staff action that would not change the order (done already, or not allowed in its state): nothing
    is written and nobody is e-mailed; the message says why, for the staff member."""


def _locked_for_staff(order):
    return Order.objects.select_for_update().get(pk=order.pk)


def approve(order, staff, note=""):
    """Release a finished order held for review (once)."""
    with transaction.atomic():
        locked = _locked_for_staff(order)
        if locked.approved:
            raise NothingToDo(gettext_noop("This order is approved already."))
        if locked.status in (Order.FAILED, Order.REJECTED):
            raise NothingToDo(gettext_noop("A failed or rejected order cannot be approved."))
        locked.approved = True
        locked.save(update_fields=["approved", "updated"])
        StaffAction.objects.create(staff=staff, action=StaffAction.APPROVE, order=locked, note=note)
        _record(locked, OrderEvent.APPROVED, OrderEvent.STAFF, by=staff, note=note)
    order.refresh_from_db()
    mail.send_to_customer(order, "approved")


def reject(order, staff, reason):
    """Refuse an order (once): status rejected, credits back once, the user told why (email and order page).

    A rejected order stays rejected; a failed order was refunded and told already, so neither is rejected again.
    """
    if not reason.strip():
        raise ValueError("a rejection needs a reason the customer can act on")
    with transaction.atomic():
        locked = _locked_for_staff(order)
        if locked.status == Order.REJECTED:
            raise NothingToDo(gettext_noop("This order is rejected already; nothing was sent."))
        if locked.status == Order.FAILED:
            raise NothingToDo(gettext_noop("This order failed and was refunded already; nothing was sent."))
        locked.status = Order.REJECTED
        locked.reject_reason = reason
        locked.approved = False
        locked.state_text = gettext_noop("Rejected by our review team")
        locked.finished = locked.finished or timezone.now()
        locked.save()
        StaffAction.objects.create(staff=staff, action=StaffAction.REJECT, order=locked, note=reason)
        _record(locked, OrderEvent.REJECTED, OrderEvent.STAFF, by=staff, note=reason)
        refunded = refund(locked, f"Refund: rejected in review ({reason[:150]})", by=staff)
        if refunded:
            _record(locked, OrderEvent.REFUNDED, OrderEvent.STAFF, by=staff, note=f"{locked.cost} credits")
    order.refresh_from_db()
    mail.send_to_customer(order, "rejected", reason=reason, refunded=bool(refunded))


def rerun(order, staff, note=""):
    """Queue a paid order again from scratch, at no new charge.

    The rule: only an order that still holds its payment (queued, processing or done) is re-run. A failed or
    rejected order was refunded; running it again would deliver a photo for free, so it is refused and the
    customer orders (and pays) again from the same upload, which keeps the refund and the reason on record.
    """
    with transaction.atomic():
        locked = _locked_for_staff(order)
        if locked.status in (Order.FAILED, Order.REJECTED) or locked.ledger.filter(kind=LedgerEntry.REFUND).exists():
            raise NothingToDo(
                gettext_noop("A refunded order is not run again: the customer can order this photo again.")
            )
        locked.status = Order.QUEUED
        locked.progress = 0
        locked.api_task_id = ""
        locked.error = ""
        locked.reject_reason = ""
        locked.state_text = gettext_noop("Queued again by our review team")
        locked.started = locked.finished = None
        locked.save()
        StaffAction.objects.create(staff=staff, action=StaffAction.RERUN, order=locked, note=note)
        _record(locked, OrderEvent.RERUN, OrderEvent.STAFF, by=staff, note=note)
        _enqueue_on_commit(locked)
    order.refresh_from_db()


TIMED_OUT = gettext_noop("The photo took too long to make. Please try again.")


def requeue_stuck_orders(grace_seconds):
    """Queued orders older than the grace period lost their queue message (a worker killed hard; Redis
    does not redeliver): queue them again. Processing orders past the job time limit lost their worker:
    fail them, which refunds once. Returns (re-queued, failed)."""
    now = timezone.now()
    lost = Order.objects.filter(status=Order.QUEUED, created__lt=now - timezone.timedelta(seconds=grace_seconds))
    ids = list(lost.values_list("pk", flat=True)[:500])
    for order_id in ids:
        queue.enqueue_order(order_id)
    limit = now - timezone.timedelta(seconds=settings.PHOTOS_JOB_TIME_LIMIT + grace_seconds)
    dead = Order.objects.filter(status=Order.PROCESSING, started__lt=limit)
    failed = [pk for pk in dead.values_list("pk", flat=True)[:500] if fail_order(pk, TIMED_OUT)]
    return len(ids), len(failed)
