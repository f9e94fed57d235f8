"""Credit purchases paid through Stripe Checkout, and the audit log of every payment event and staff refund.

Credits themselves move only through photos' ledger (photos.services.purchase_credits); a Purchase records
what was bought, what Stripe said about it and what was taken back.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .packs import money


class Purchase(models.Model):
    OPEN, PROCESSING, PAID, FAILED, EXPIRED = "open", "processing", "paid", "failed", "expired"
    MISMATCH, REFUNDED, DISPUTED = "mismatch", "refunded", "disputed"
    STATUS_CHOICES = [
        (OPEN, _("Not confirmed yet")),
        (PROCESSING, _("Payment processing")),
        (PAID, _("Paid")),
        (FAILED, _("Payment failed")),
        (EXPIRED, _("Expired")),
        (MISMATCH, _("Held for review")),
        (REFUNDED, _("Refunded")),
        (DISPUTED, _("Disputed")),
    ]
    WAITING = (OPEN, PROCESSING)
    # Money was received for these and may be returned.
    REFUNDABLE = (PAID, MISMATCH)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="purchases")
    # The pack as it was when bought (settings may change later).
    pack_id = models.CharField(max_length=20)
    credits = models.PositiveIntegerField()
    amount = models.PositiveIntegerField(help_text="in the currency's smallest unit (cents)")
    currency = models.CharField(max_length=3)
    # Empty until Stripe answered; unique so a session's events always find exactly one purchase.
    session_id = models.CharField(max_length=200, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    payment_intent = models.CharField(max_length=200, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=OPEN, db_index=True)
    credits_removed = models.PositiveIntegerField(default=0)
    problem = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.credits} credits for {self.user} ({self.status})"

    @property
    def price(self):
        return money(self.amount, self.currency)

    @property
    def is_waiting(self):
        return self.status in self.WAITING

    @property
    def credits_kept(self):
        """Credits of a refunded or disputed purchase that were already spent and stayed with the customer."""
        return self.credits - self.credits_removed if self.status in (self.REFUNDED, self.DISPUTED) else 0


class PaymentLog(models.Model):
    """Append-only: every Stripe event handled (its id once, so a redelivery is recognised) and staff refunds."""

    STAFF_REFUND = "staff.refund"

    event_id = models.CharField(max_length=200, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=100)
    purchase = models.ForeignKey(Purchase, null=True, blank=True, on_delete=models.PROTECT, related_name="log")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.kind} {self.event_id or ''} at {self.created:%Y-%m-%d %H:%M}"
