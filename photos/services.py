"""Everything that changes money or order state goes through here (views and tasks stay thin).

Credits: every change is a LedgerEntry written in the same transaction as the Wallet balance, with the
wallet row locked (select_for_update; on SQLite the IMMEDIATE transaction mode serialises writers), so the
ledger sum always equals the balance and the balance never goes negative.
"""

import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from engine.contract import MAX_UPLOAD_BYTES

from .models import LedgerEntry, Order, StaffAction, Upload, Wallet

log = logging.getLogger(__name__)

MAX_UPLOAD_SIDE = 4096
THUMB_SIDE = 640


class InsufficientCredits(Exception):
    def __init__(self, needed, available):
        super().__init__(f"This photo costs {needed} credits and you have {available}.")
        self.needed, self.available = needed, available


class UnusablePhoto(Exception):
    """The uploaded file cannot become an ID photo; the message says why in plain words."""


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
        return grant_credits(user, settings.PHOTOS_SIGNUP_CREDITS, "Welcome credits")
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


def _register_heif():
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # HEIC then fails the decode check with a clear message
        pass


def inspect_photo(data):
    """Decode and look for a face, as the engine will. Returns (rgb ndarray, faces_found); raises UnusablePhoto."""
    from engine.errors import EngineError

    _register_heif()
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnusablePhoto("The file is larger than 15 MB. Export a smaller JPEG or PNG and try again.")
    image = _decode(data)
    h, w = image.shape[:2]
    if min(w, h) < 200:
        raise UnusablePhoto(f"The photo is only {w}x{h} pixels. Use a photo at least 600 pixels on its short side.")
    try:
        from engine.stages import detect
    except ImportError:  # the detector is not installed in this checkout: let the API judge the face
        return image, 0
    try:
        found = detect.find_face(image, level=False)
    except EngineError as exc:
        raise UnusablePhoto(exc.message) from None
    return image, found.count


def _decode(data):
    from engine.context import Context
    from engine.errors import EngineError
    from engine.params import Params
    from engine.stages import decode

    ctx = Context(params=Params(), source_bytes=data)
    try:
        decode.run(ctx)
    except EngineError as exc:
        raise UnusablePhoto(exc.message) from None
    return ctx.image


def _as_jpeg(image, side=None, quality=92):
    from PIL import Image

    picture = Image.fromarray(image)
    if side:
        picture.thumbnail((side, side))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def create_upload(user, uploaded_file):
    if (uploaded_file.size or 0) > MAX_UPLOAD_BYTES:  # refuse before reading it into memory
        raise UnusablePhoto("The file is larger than 15 MB. Export a smaller JPEG or PNG and try again.")
    data = uploaded_file.read()
    image, faces = inspect_photo(data)
    name = (uploaded_file.name or "photo").rsplit("/", 1)[-1][:200]
    stored_name, stored = name, data
    if name.lower().endswith((".heic", ".heif")) or max(image.shape[:2]) > MAX_UPLOAD_SIDE:
        # Keep a JPEG every consumer reads (and within the API's 4096 px limit); colours are already decoded.
        stored = _as_jpeg(image, side=MAX_UPLOAD_SIDE, quality=95)
        stored_name = name.rsplit(".", 1)[0] + ".jpg"
    upload = Upload(
        owner=user,
        original_name=name,
        width=image.shape[1],
        height=image.shape[0],
        check_ok=True,
        faces_found=faces,
        check_message="Face found." if faces else "Readable image.",
    )
    upload.original.save(stored_name, ContentFile(stored), save=False)
    upload.thumbnail.save("thumb.jpg", ContentFile(_as_jpeg(image, side=THUMB_SIDE, quality=85)), save=False)
    upload.save()
    return upload


# --- orders --------------------------------------------------------------------------------------


def _enqueue_on_commit(order):
    from .tasks import enqueue_order

    order_id = order.pk
    transaction.on_commit(lambda: enqueue_order(order_id))


def create_preview(user, upload, params, spec_label=""):
    """A free, watermarked preview job for these API params."""
    with transaction.atomic():
        order = Order.objects.create(
            owner=user,
            upload=upload,
            kind=Order.KIND_PREVIEW,
            options={**params, "preview": "1"},
            spec_label=spec_label,
            state_text="Waiting for a free worker…",
        )
        _enqueue_on_commit(order)
    return order


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
            state_text="Waiting for a free worker…",
        )
        if cost:
            _append(wallet, -cost, LedgerEntry.SPEND, order=order, note=f"{spec_label or 'ID photo'}")
        _enqueue_on_commit(order)
    return order, True


def fail_order(order_id, message):
    """Mark a job failed (once) and refund a paid one. Returns True if this call did it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.is_finished:
            return False
        order.status = Order.FAILED
        order.error = message[:2000]
        order.state_text = "Failed"
        order.finished = timezone.now()
        order.save()
        if order.kind == Order.KIND_FINAL:
            refund(order, f"Refund: {message[:200]}")
    return True


def approve(order, staff, note=""):
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(approved=True)
        StaffAction.objects.create(staff=staff, action=StaffAction.APPROVE, order=order, note=note)
    order.refresh_from_db()
    _notify(order, "Your ID photo is ready", "Your photo was checked and approved. You can download it now.")


def reject(order, staff, reason):
    """Refuse an order: status rejected, credits back once, the user told why (email and order page)."""
    if not reason.strip():
        raise ValueError("a rejection needs a reason the customer can act on")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        locked.status = Order.REJECTED
        locked.reject_reason = reason
        locked.approved = False
        locked.state_text = "Rejected by our review team"
        locked.finished = locked.finished or timezone.now()
        locked.save()
        refund(locked, f"Refund: rejected in review ({reason[:150]})", by=staff)
        StaffAction.objects.create(staff=staff, action=StaffAction.REJECT, order=locked, note=reason)
    order.refresh_from_db()
    _notify(
        order,
        "Your ID photo needs a new picture",
        f"Our review team could not accept this photo: {reason}\n\n"
        f"The {order.cost} credits were returned to your account. Upload a new photo and try again.",
    )


def rerun(order, staff, note=""):
    """Queue the job again from scratch (no new charge; a refunded order stays refunded)."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        locked.status = Order.QUEUED
        locked.progress = 0
        locked.api_task_id = ""
        locked.api_state = None
        locked.error = ""
        locked.reject_reason = ""
        locked.state_text = "Queued again by our review team"
        locked.started = locked.finished = None
        locked.save()
        StaffAction.objects.create(staff=staff, action=StaffAction.RERUN, order=locked, note=note)
        _enqueue_on_commit(locked)
    order.refresh_from_db()


def _notify(order, subject, body):
    if not order.owner.email:
        return
    link = f"{settings.SITE_URL}/o/{order.code}/"
    try:
        send_mail(subject, f"{body}\n\n{link}\n", None, [order.owner.email])
    except Exception:  # mail trouble must not undo the staff action; the order page says the same
        log.exception("could not email %s about order %s", order.owner.email, order.code)
