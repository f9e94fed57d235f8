"""Uploads, orders (preview or paid jobs), the credit ledger, the order history and the staff audit log.

Public identifiers are UUID `code`s (never the integer ids) so URLs cannot be enumerated. Files are
private: they are served through owner-checked views, never through MEDIA_URL.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FilesDeleted(models.TextChoices):
    """Why the files of an upload or order are gone (the rows stay for the order history and the ledger)."""

    SCHEDULE = "schedule", "deleted on schedule"
    OWNER = "owner", "deleted by you"


def _upload_path(instance, filename):
    return f"photos/uploads/{instance.code}/{filename}"


def _order_path(instance, filename):
    return f"photos/orders/{instance.code}/{filename}"


class Wallet(models.Model):
    """One row per user, locked with select_for_update while spending so balances never go negative.

    `balance` is a cache of the ledger sum, updated in the same transaction as every ledger entry.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet")
    balance = models.IntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="wallet_balance_not_negative")]

    def __str__(self):
        return f"{self.user} ({self.balance} credits)"


class Upload(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads")
    original = models.FileField(upload_to=_upload_path)
    original_name = models.CharField(max_length=255, blank=True)
    thumbnail = models.FileField(upload_to=_upload_path, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # The API's image_id of the last task made from this upload: sent as last_id to avoid re-uploading.
    api_image_id = models.CharField(max_length=100, blank=True)
    check_ok = models.BooleanField(default=False)
    check_message = models.TextField(blank=True)
    faces_found = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    files_deleted = models.DateTimeField(null=True, blank=True)
    files_deleted_why = models.CharField(max_length=10, choices=FilesDeleted.choices, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"upload {self.code}"


class Order(models.Model):
    KIND_PREVIEW = "preview"
    KIND_FINAL = "final"
    KIND_CHOICES = [(KIND_PREVIEW, _("Free preview")), (KIND_FINAL, _("Paid photo"))]

    QUEUED, PROCESSING, DONE, FAILED, REJECTED = "q", "p", "d", "f", "x"
    STATUS_CHOICES = [
        (QUEUED, _("Queued")),
        (PROCESSING, _("Processing")),
        (DONE, _("Done")),
        (FAILED, _("Failed")),
        (REJECTED, _("Rejected")),
    ]
    FINISHED = (DONE, FAILED, REJECTED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders")
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="orders")
    preview_order = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="final_orders"
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    options = models.JSONField(default=dict)  # API parameters as strings, exactly what is sent
    spec_label = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=1, choices=STATUS_CHOICES, default=QUEUED, db_index=True)
    needs_review = models.BooleanField(default=False)
    approved = models.BooleanField(default=False)
    progress = models.PositiveSmallIntegerField(default=0)
    state_text = models.CharField(max_length=300, blank=True)
    # Remote mode only: the task id the other server gave this job (for support questions).
    api_task_id = models.CharField(max_length=100, blank=True)
    cost = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=64, blank=True)
    result = models.FileField(upload_to=_order_path, blank=True)
    sheet = models.FileField(upload_to=_order_path, blank=True)
    preview = models.FileField(upload_to=_order_path, blank=True)
    checks = models.JSONField(default=list, blank=True)
    measurements = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    reject_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    files_deleted = models.DateTimeField(null=True, blank=True)
    files_deleted_why = models.CharField(max_length=10, choices=FilesDeleted.choices, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_unique_idempotency_key",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    @property
    def is_preview(self):
        return self.kind == self.KIND_PREVIEW

    @property
    def image_file(self):
        """The picture this order produced: the watermarked preview or the paid result."""
        return self.preview if self.is_preview else self.result

    @property
    def waits_for_approval(self):
        return self.kind == self.KIND_FINAL and self.needs_review and not self.approved

    @property
    def downloadable(self):
        return self.status == self.DONE and bool(self.result) and not self.waits_for_approval


class LedgerEntry(models.Model):
    """Append-only credit history. The sum of a user's entries always equals their wallet balance."""

    GRANT, SPEND, REFUND = "grant", "spend", "refund"
    # Credits bought (payments app), and the unspent part taken back when that payment is refunded or disputed.
    PURCHASE, REVERSAL = "purchase", "reversal"
    KIND_CHOICES = [
        (GRANT, _("Grant")),
        (SPEND, _("Spend")),
        (REFUND, _("Refund")),
        (PURCHASE, _("Purchase")),
        (REVERSAL, _("Purchase refunded")),
    ]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger")
    amount = models.IntegerField()
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    note = models.CharField(max_length=300, blank=True)
    # What a purchase or reversal row belongs to (the payment's checkout session id): one of each per payment.
    reference = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            # One spend and at most one refund per order, whatever retries or double clicks happen.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(kind__in=["spend", "refund"]),
                name="ledger_one_spend_one_refund_per_order",
            ),
            # Replayed or concurrent payment webhooks grant (and take back) a purchase's credits once.
            models.UniqueConstraint(
                fields=["kind", "reference"],
                condition=Q(kind__in=["purchase", "reversal"]),
                name="ledger_one_purchase_one_reversal_per_payment",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount:+d} for {self.user}"


class StaffAction(models.Model):
    APPROVE, REJECT, RERUN, GRANT = "approve", "reject", "rerun", "grant"
    ACTION_CHOICES = [(APPROVE, _("Approve")), (REJECT, _("Reject")), (RERUN, _("Re-run")), (GRANT, _("Grant credits"))]

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_actions")
    action = models.CharField(max_length=10, choices=ACTION_CHOICES)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_actions")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.staff} {self.action} at {self.created:%Y-%m-%d %H:%M}"


class OrderEvent(models.Model):
    """One row per order state transition, with who or what made it: the customer, staff, or the queue."""

    CREATED, STARTED, DONE, FAILED, REFUNDED = "created", "started", "done", "failed", "refunded"
    APPROVED, REJECTED, RERUN, REQUEUED = "approved", "rejected", "rerun", "requeued"
    EVENT_CHOICES = [
        (CREATED, _("Created")),
        (STARTED, _("Started")),
        (DONE, _("Done")),
        (FAILED, _("Failed")),
        (REFUNDED, _("Credits returned")),
        (APPROVED, _("Approved")),
        (REJECTED, _("Rejected")),
        (RERUN, _("Queued again")),
        (REQUEUED, _("Retried after a network error")),
    ]
    USER, STAFF, QUEUE = "user", "staff", "queue"
    ACTOR_CHOICES = [(USER, _("Customer")), (STAFF, _("Staff")), (QUEUE, _("Queue"))]

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(max_length=10, choices=EVENT_CHOICES)
    actor = models.CharField(max_length=5, choices=ACTOR_CHOICES)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.order.code} {self.event} by {self.by or self.get_actor_display()}"


class UserLanguage(models.Model):
    """The language a customer last used the site in: e-mails sent later (by staff or the queue) use it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language")
    code = models.CharField(max_length=10)

    def __str__(self):
        return f"{self.user}: {self.code}"
