"""Accounts and privacy: e-mail confirmation and the welcome grant, deleting files and accounts, the export.

Files of the web app are deleted with their storage (local or S3) and the rows are marked, never removed:
orders and ledger rows stay so the history and the ledger still add up.
"""

import csv
import io
import json
import logging
import uuid
import zipfile

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from photos import services as photo_services
from photos.models import FilesDeleted, LedgerEntry, Order, Upload, Wallet

from .models import EmailConfirmation, WelcomeGrant
from .throttle import digest

log = logging.getLogger(__name__)

CONFIRM_SALT = "accounts.confirm-email"
UPLOAD_FILES = ("original", "thumbnail")
ORDER_FILES = ("preview", "result", "sheet")


class AccountBusy(Exception):
    """A job of this photo or account is still running; deleting now would race with its result."""


# --- e-mail confirmation and the welcome credits -------------------------------------------------------


def normalised_address(email):
    """One spelling per mailbox: lower case, no +tag, and no dots for Gmail (which ignores them)."""
    local, _sep, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def open_account(user):
    """A new sign-up: an empty wallet, and a confirmation link sent to the address it gave."""
    Wallet.objects.get_or_create(user=user)
    confirmation = EmailConfirmation.objects.create(user=user, email=user.email)
    send_confirmation(confirmation)
    return confirmation


def confirmation_link(confirmation):
    token = signing.dumps({"u": confirmation.user_id, "e": confirmation.email}, salt=CONFIRM_SALT)
    return settings.SITE_URL + reverse("accounts:confirm", args=[token])


def send_confirmation(confirmation):
    body = render_to_string(
        "registration/confirm_email.txt",
        {
            "user": confirmation.user,
            "link": confirmation_link(confirmation),
            "days": settings.ACCOUNTS_CONFIRM_DAYS,
            "credits": settings.PHOTOS_SIGNUP_CREDITS,
        },
    )
    send_mail(_("Confirm your e-mail address for idphoto"), body, None, [confirmation.email])
    EmailConfirmation.objects.filter(pk=confirmation.pk).update(sent=timezone.now())


ALREADY_CONFIRMED, GRANTED, NOT_GRANTED = "already", "granted", "not-granted"


def confirm(token):
    """Open a signed link. Returns (user, outcome): GRANTED (credits added now), NOT_GRANTED (confirmed, but
    the address had its credits already, or there are none to give) or ALREADY_CONFIRMED. Raises
    signing.BadSignature if the link is forged, expired (SignatureExpired) or for another address."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.ACCOUNTS_CONFIRM_DAYS * 86400)
    with transaction.atomic():
        confirmation = EmailConfirmation.objects.select_for_update().filter(user_id=data.get("u")).first()
        if confirmation is None or confirmation.email != data.get("e"):
            raise signing.BadSignature("not this account's address")
        if confirmation.confirmed:
            return confirmation.user, ALREADY_CONFIRMED
        confirmation.confirmed = timezone.now()
        confirmation.save(update_fields=["confirmed"])
        return confirmation.user, GRANTED if _grant_welcome(confirmation) else NOT_GRANTED


def _grant_welcome(confirmation):
    """The sign-up credits, once per normalised address whichever account asks. True if granted now."""
    if settings.PHOTOS_SIGNUP_CREDITS <= 0:
        return False
    key = digest(normalised_address(confirmation.email), "welcome-address")
    try:
        with transaction.atomic():  # the unique digest decides, also between two concurrent confirmations
            WelcomeGrant.objects.create(address_digest=key, user=confirmation.user)
    except IntegrityError:
        return False
    photo_services.welcome(confirmation.user)
    return True


def waiting_confirmation(user):
    """The unconfirmed sign-up address of this user, or None (confirmed, or created by staff)."""
    return EmailConfirmation.objects.filter(user=user, confirmed__isnull=True).first()


# --- deleting files ----------------------------------------------------------------------------------


def _delete_files(row, names):
    for name in names:
        field = getattr(row, name)
        if field:
            field.storage.delete(field.name)
            setattr(row, name, "")


def purge_order(order, why, now=None):
    _delete_files(order, ORDER_FILES)
    order.files_deleted, order.files_deleted_why = now or timezone.now(), why
    order.save(update_fields=[*ORDER_FILES, "files_deleted", "files_deleted_why"])


def purge_upload(upload, why, now=None, with_orders=True):
    """The original and its thumbnail, and (with_orders) every file made from it; the rows stay, marked."""
    if with_orders:
        for order in upload.orders.filter(files_deleted__isnull=True):
            purge_order(order, why, now)
    _delete_files(upload, UPLOAD_FILES)
    upload.files_deleted, upload.files_deleted_why = now or timezone.now(), why
    upload.save(update_fields=[*UPLOAD_FILES, "files_deleted", "files_deleted_why"])


def delete_photo(user, upload):
    """The owner's 'delete now'. Refused while a job of this photo runs (its result would come back)."""
    if upload.orders.exclude(status__in=Order.FINISHED).exists():
        raise AccountBusy(_("A job of this photo is still running. Delete it once the job has finished."))
    purge_upload(upload, FilesDeleted.OWNER)


def delete_account(user):
    """Purge every file, remove the personal data, keep the wallet, orders and ledger rows (for accounting)
    under an anonymous name that cannot log in."""
    if Order.objects.filter(owner=user).exclude(status__in=Order.FINISHED).exists():
        raise AccountBusy(_("A job is still running. Delete your account once it has finished."))
    for upload in Upload.objects.filter(owner=user):
        purge_upload(upload, FilesDeleted.OWNER)
    with transaction.atomic():
        Upload.objects.filter(owner=user).update(original_name="")
        for order in Order.objects.filter(owner=user).exclude(options__label_text=None):
            # A name printed on the photo is personal data; the document and price stay.
            order.options = {k: v for k, v in order.options.items() if k not in ("label_text", "add_label")}
            order.save(update_fields=["options"])
        EmailConfirmation.objects.filter(user=user).delete()
        _forget_login_attempts(user.get_username())
        anonymise(user)


def _forget_login_attempts(username):
    from axes.models import AccessAttempt, AccessLog

    AccessAttempt.objects.filter(username=username).delete()
    AccessLog.objects.filter(username=username).delete()


def anonymise(user):
    user.username = f"deleted-{uuid.uuid4().hex[:12]}"
    user.email = user.first_name = user.last_name = ""
    user.set_unusable_password()  # also ends every session: their hash no longer matches
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()


# --- the data export ---------------------------------------------------------------------------------


def export_archive(user):
    """One zip: the account, the ledger (CSV), the orders (JSON) and every photo file still kept."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", json.dumps(_account_data(user), indent=2))
        archive.writestr("ledger.csv", _ledger_csv(user))
        archive.writestr("orders.json", json.dumps(_orders_data(user), indent=2))
        for upload in Upload.objects.filter(owner=user):
            _add_file(archive, f"photos/{upload.code}/", upload.original)
        for order in Order.objects.filter(owner=user):
            for name in ORDER_FILES:
                _add_file(archive, f"orders/{order.code}/", getattr(order, name))
    return buffer.getvalue()


def _add_file(archive, folder, field):
    if not field:
        return
    try:
        with field.open("rb") as handle:
            archive.writestr(folder + field.name.rsplit("/", 1)[-1], handle.read())
    except FileNotFoundError:  # deleted from storage by hand: the export still goes out
        log.warning("export: %s is missing from storage", field.name)


def _account_data(user):
    confirmation = EmailConfirmation.objects.filter(user=user).first()
    return {
        "username": user.get_username(),
        "email": user.email,
        "email_confirmed": confirmation.confirmed.isoformat() if confirmation and confirmation.confirmed else None,
        "date_joined": user.date_joined.isoformat(),
        "balance": photo_services.balance(user),
        "exported": timezone.now().isoformat(),
    }


def _ledger_csv(user):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "kind", "amount", "order", "note"])
    for entry in LedgerEntry.objects.filter(user=user).select_related("order").order_by("created", "id"):
        order = str(entry.order.code) if entry.order else ""
        writer.writerow([entry.created.isoformat(), entry.kind, entry.amount, order, entry.note])
    return out.getvalue()


def _orders_data(user):
    rows = []
    for order in Order.objects.filter(owner=user).select_related("upload").order_by("created"):
        rows.append(
            {
                "order": str(order.code),
                "photo": str(order.upload.code),
                "kind": order.kind,
                "document": order.spec_label,
                "options": order.options,
                "status": order.get_status_display(),
                "cost": order.cost,
                "created": order.created.isoformat(),
                "finished": order.finished.isoformat() if order.finished else None,
                "files_deleted": order.files_deleted.isoformat() if order.files_deleted else None,
                "checks": order.checks,
                "measurements": order.measurements,
            }
        )
    return rows


def stored_files(user):
    """Every storage name still recorded on this user's rows."""
    names = []
    for upload in Upload.objects.filter(owner=user):
        names += [getattr(upload, n).name for n in UPLOAD_FILES if getattr(upload, n)]
    for order in Order.objects.filter(owner=user):
        names += [getattr(order, n).name for n in ORDER_FILES if getattr(order, n)]
    return names
