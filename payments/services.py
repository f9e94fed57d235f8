"""Buying credits: open a Checkout Session, book what Stripe's signed events say, refund on staff request.

Credits are granted only by the webhook (never by the page the customer returns to), exactly once per
payment: each event id is logged once, the purchase row is locked while it changes state, and the ledger
row carries the session id under a unique constraint. Refunds and disputes take back the unspent part.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from photos.mail import language_of
from photos.services import purchase_credits

from . import packs, stripe_api
from .models import PaymentLog, Purchase

log = logging.getLogger(__name__)


class PurchaseError(Exception):
    """A purchase cannot go ahead; the message says why in plain words."""


# --- buying --------------------------------------------------------------------------------------


def start_purchase(user, pack_id):
    """A Purchase with an open Checkout Session; send the customer to `purchase.checkout_url`."""
    if not stripe_api.configured():
        raise PurchaseError(_("Buying credits is not set up on this site."))
    pack = packs.find(pack_id)
    if pack is None:
        raise PurchaseError(_("That credit pack is not on sale. Choose one of the packs shown."))
    purchase = Purchase.objects.create(
        user=user, pack_id=pack["id"], credits=pack["credits"], amount=pack["amount"], currency=pack["currency"]
    )
    receipt_url = settings.SITE_URL + reverse("payments:purchase", args=[purchase.code])
    try:
        session = stripe_api.create_checkout_session(
            purchase,
            product_name=_("%(credits)d idphoto credits") % {"credits": purchase.credits},
            email=user.email,
            success_url=receipt_url + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=settings.SITE_URL + reverse("payments:buy") + "?cancelled=1",
        )
    except stripe_api.StripeError as exc:
        log.warning("could not open a checkout session for purchase %s: %s", purchase.code, exc)
        Purchase.objects.filter(pk=purchase.pk).update(status=Purchase.FAILED, problem=str(exc)[:1000])
        raise PurchaseError(_("The payment service did not answer. Nothing was charged; please try again.")) from exc
    purchase.session_id, purchase.checkout_url = session["id"], session["url"]
    purchase.save(update_fields=["session_id", "checkout_url"])
    return purchase


def checkout_state(purchase):
    """What Stripe says about a purchase still waiting for its webhook: "paid", "unpaid", "open" or ""."""
    if not purchase.is_waiting or not purchase.session_id or not stripe_api.configured():
        return ""
    try:
        session = stripe_api.retrieve_checkout_session(purchase.session_id)
    except stripe_api.StripeError:
        return ""
    if session.get("payment_status") == "paid":
        return "paid"
    return "open" if session.get("status") == "open" else "unpaid"


# --- Stripe events -------------------------------------------------------------------------------


def handle_event(event):
    """Apply one verified Stripe event; returns a short outcome for the log. Unknown types change nothing."""
    handler = HANDLERS.get(event.get("type"))
    if handler is None:
        return "ignored"
    after = []  # e-mails to send once the transaction has committed
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry = PaymentLog.objects.create(event_id=event["id"], kind=event["type"])
        except IntegrityError:  # delivered before (or right now by a concurrent request): done already
            return "duplicate"
        purchase, outcome = handler(event["data"]["object"], after)
        entry.purchase, entry.note = purchase, outcome
        entry.save(update_fields=["purchase", "note"])
    for send in after:
        send()
    return outcome


def _locked(**lookup):
    return Purchase.objects.select_for_update().filter(**lookup).first() if all(lookup.values()) else None


def _session_completed(session, after):
    purchase = _locked(session_id=session.get("id"))
    if purchase is None:
        return None, "not a session of this site"
    if session.get("payment_status") != "paid":
        if purchase.status == Purchase.OPEN:
            _set(purchase, status=Purchase.PROCESSING)
        return purchase, "completed, payment still processing"
    return purchase, _grant(purchase, session, after)


def _async_succeeded(session, after):
    purchase = _locked(session_id=session.get("id"))
    if purchase is None:
        return None, "not a session of this site"
    return purchase, _grant(purchase, session, after)


def _async_failed(session, after):
    purchase = _locked(session_id=session.get("id"))
    if purchase is None:
        return None, "not a session of this site"
    if purchase.is_waiting:
        _set(purchase, status=Purchase.FAILED, problem="The bank did not complete the payment.")
        return purchase, "payment failed, nothing granted"
    return purchase, f"payment failed, purchase already {purchase.status}"


def _expired(session, after):
    purchase = _locked(session_id=session.get("id"))
    if purchase is None:
        return None, "not a session of this site"
    if purchase.status == Purchase.OPEN:
        _set(purchase, status=Purchase.EXPIRED)
        return purchase, "checkout expired"
    return purchase, f"expired, purchase already {purchase.status}"


def _grant(purchase, session, after):
    if not purchase.is_waiting:
        return f"already {purchase.status}, nothing granted"
    paid, currency = session.get("amount_total"), str(session.get("currency") or "").lower()
    if paid != purchase.amount or currency != purchase.currency:
        problem = (
            f"Stripe reported {packs.money(paid or 0, currency or purchase.currency)} for the "
            f"{packs.money(purchase.amount, purchase.currency)} pack; no credits were granted."
        )
        _set(purchase, status=Purchase.MISMATCH, problem=problem, payment_intent=session.get("payment_intent") or "")
        after.append(lambda: _tell_staff(purchase, "Payment amount does not match its credit pack", problem))
        return "amount mismatch, nothing granted, staff told"
    purchase_credits(
        purchase.user,
        purchase.credits,
        reference=purchase.session_id,
        note=f"Bought {purchase.credits} credits ({packs.money(purchase.amount, purchase.currency)})",
    )
    _set(purchase, status=Purchase.PAID, paid_at=timezone.now(), payment_intent=session.get("payment_intent") or "")
    after.append(lambda: _send_receipt(purchase))
    return f"granted {purchase.credits} credits"


def _charge_refunded(charge, after):
    purchase = _locked(payment_intent=charge.get("payment_intent"))
    if purchase is None:
        return None, "no purchase with this payment"
    return purchase, _take_back(purchase, Purchase.REFUNDED, "Refunded in Stripe")


def _dispute_created(dispute, after):
    purchase = _locked(payment_intent=dispute.get("payment_intent"))
    if purchase is None:
        return None, "no purchase with this payment"
    outcome = _take_back(purchase, Purchase.DISPUTED, "The payment was disputed")
    reason = dispute.get("reason") or "unknown"
    after.append(lambda: _tell_staff(purchase, "A credit purchase was disputed", f"Reason: {reason}. {outcome}."))
    return purchase, outcome


HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": _expired,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}
# What to register in Stripe's dashboard for the webhook endpoint (docs/deploy.md lists the same).
EVENT_TYPES = tuple(HANDLERS)


# --- taking credits back -------------------------------------------------------------------------


def _take_back(purchase, status, why):
    """Remove what is left of a paid purchase's credits (never below zero) and mark it; once per purchase."""
    if purchase.status in (Purchase.REFUNDED, Purchase.DISPUTED):
        return f"already {purchase.status}, {purchase.credits_removed} credits were taken back then"
    removed = 0
    if purchase.status == Purchase.PAID:
        entry = purchase_credits(
            purchase.user, -purchase.credits, reference=purchase.session_id,
            note=f"{why}: {packs.money(purchase.amount, purchase.currency)} for {purchase.credits} credits",
        )
        removed = -entry.amount if entry else 0
    _set(purchase, status=status, credits_removed=removed, refunded_at=timezone.now())
    return f"{status}: {removed} credits taken back, {purchase.credits - removed} already spent"


def refund(purchase, staff):
    """Staff refund through Stripe's Refund API; returns the purchase with credits_removed / credits_kept."""
    if purchase.status not in Purchase.REFUNDABLE or not purchase.payment_intent:
        raise PurchaseError(_("Only a paid purchase can be refunded (this one is: %(status)s).")
                            % {"status": purchase.get_status_display()})
    try:
        # One refund per purchase, whatever double clicks or retries happen.
        stripe_refund = stripe_api.refund_payment(purchase.payment_intent, f"refund-{purchase.code}")
    except stripe_api.NotConfigured:
        raise PurchaseError(_("Stripe is not configured on this site.")) from None
    except stripe_api.StripeError as exc:
        raise PurchaseError(_("Stripe refused the refund: %(error)s") % {"error": exc.user_message or exc}) from exc
    with transaction.atomic():
        locked = _locked(pk=purchase.pk)
        outcome = _take_back(locked, Purchase.REFUNDED, "Refunded by our team")
        PaymentLog.objects.create(
            kind=PaymentLog.STAFF_REFUND, purchase=locked, staff=staff,
            note=f"refund {stripe_refund.get('id', '?')}: {outcome}",
        )
    purchase.refresh_from_db()
    return purchase


# --- helpers -------------------------------------------------------------------------------------


def _set(purchase, **fields):
    for name, value in fields.items():
        setattr(purchase, name, value)
    purchase.save(update_fields=list(fields))


def _send_receipt(purchase):
    """The receipt e-mail, in the language the customer last used the site in."""
    user = purchase.user
    if not user.email:
        return
    link = settings.SITE_URL + reverse("payments:purchase", args=[purchase.code])
    with translation.override(language_of(user)):
        subject = _("Your receipt: %(credits)d credits") % {"credits": purchase.credits}
        body = render_to_string("payments/email/receipt.txt", {"purchase": purchase, "link": link})
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # the credits are booked; a mail failure must not turn the webhook into a retry
        log.exception("could not send the receipt of purchase %s", purchase.code)


def _tell_staff(purchase, subject, body):
    log.warning("purchase %s: %s. %s", purchase.code, subject, body)
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    recipients = list(staff.values_list("email", flat=True))
    if not recipients:
        return
    link = settings.SITE_URL + reverse("payments:staff_purchases") + f"?q={purchase.code}"
    text = f"{body}\n\nCustomer: {purchase.user.username}\nPurchase: {purchase.code}\n{link}\n"
    try:
        send_mail(f"[idphoto] {subject}", text, None, recipients)
    except Exception:
        log.exception("could not tell staff about purchase %s", purchase.code)
