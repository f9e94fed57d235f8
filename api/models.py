"""API keys, their credit ledger, uploaded inputs and ID-photo tasks.

A row's creation time is `created`, as in every app of the project. The task's later times keep the names the
seed's task JSON gives them (processed_at, completed_at), as do expires_at and heartbeat_at; the JSON's
`created_at` is written from `created` in api/services/results.py.
"""

import uuid

from django.db import models
from django.db.models import Q

from engine.contract import (
    STATE_CONTENT,
    STATE_DONE,
    STATE_DOWNLOAD_FAILED,
    STATE_FAILED,
    STATE_INVALID_IMAGE,
    STATE_LOOP,
    STATE_PREPARING,
    STATE_PROCESSING,
    STATE_PUBLISHING,
    STATE_QUEUED,
    STATE_TIMEOUT,
    STATE_URL_TOO_LARGE,
    STATE_WAITING,
    UNFINISHED_STATES,
)

STATE_CHOICES = [
    (STATE_QUEUED, "0 queued"),
    (STATE_DONE, "1 done"),
    (STATE_PREPARING, "2 preparing"),
    (STATE_WAITING, "3 waiting"),
    (STATE_PROCESSING, "4 processing"),
    (STATE_PUBLISHING, "5 publishing the result"),
    (STATE_LOOP, "6 processing (final stages)"),
    (STATE_FAILED, "-1 failed"),
    (STATE_DOWNLOAD_FAILED, "-3 download failed"),
    (STATE_URL_TOO_LARGE, "-5 image_url file over 30 MB"),
    (STATE_INVALID_IMAGE, "-7 invalid image"),
    (STATE_TIMEOUT, "-8 timed out"),
    (STATE_CONTENT, "-14 content does not meet the requirements"),
]


class ApiKey(models.Model):
    name = models.CharField(max_length=100)
    # The first characters of the key, shown in the admin and used by grant_api_credits; not a secret.
    prefix = models.CharField(max_length=16, db_index=True)
    # HMAC-SHA256 of the key with SECRET_KEY: the key itself is never stored.
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    # Requests per second for this key; empty uses IDPHOTO_RATE_LIMIT_PER_SECOND.
    rate_limit = models.FloatField(null=True, blank=True)
    # Token bucket state, updated under a row lock on every authenticated request.
    bucket_tokens = models.FloatField(default=0)
    bucket_updated = models.FloatField(default=0)  # unix seconds; 0 means a full bucket

    class Meta:
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class CreditEntry(models.Model):
    """One append-only ledger row; the balance of a key is the sum of its rows' amounts."""

    GRANT, SPEND, REFUND, CORRECTION = "grant", "spend", "refund", "correction"
    KIND_CHOICES = [(GRANT, "grant"), (SPEND, "spend"), (REFUND, "refund"), (CORRECTION, "correction")]

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="credit_entries")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    amount = models.IntegerField(help_text="positive for grants and refunds, negative for spends")
    task = models.ForeignKey("Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="credit_entries")
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "credit entries"
        constraints = [
            # A task is charged at most once, whatever retries or double runs happen.
            models.UniqueConstraint(fields=["task"], condition=Q(kind="spend"), name="one_spend_per_task"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount:+d} ({self.api_key.prefix})"


def input_path(instance, filename):
    return f"api/inputs/{instance.image_id.hex}"


def result_path(instance, filename):
    return f"api/results/{instance.task_id.hex}/{filename}"


class InputImage(models.Model):
    image_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="inputs")
    file = models.FileField(upload_to=input_path, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return str(self.image_id)


# The Task file fields holding results (a signed URL names one of them).
RESULT_FIELDS = ("result", "layout", "layout_pdf")


class Task(models.Model):
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="tasks")
    input_image = models.ForeignKey(InputImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    image_url = models.CharField(max_length=512, blank=True)  # downloaded by the worker when there is no input yet
    params = models.JSONField(default=dict)  # the raw seed fields as sent, re-parsed by the worker
    sync = models.BooleanField(default=False)
    return_type = models.PositiveSmallIntegerField(default=1)
    state = models.SmallIntegerField(default=STATE_QUEUED, choices=STATE_CHOICES, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    state_detail = models.TextField(blank=True)
    error_kind = models.CharField(max_length=40, blank=True)
    cost = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Renewed while a process works on the task; a stale one means that process died (see retention).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    result = models.FileField(upload_to=result_path, blank=True)
    layout = models.FileField(upload_to=result_path, blank=True)
    layout_pdf = models.FileField(upload_to=result_path, blank=True)
    results_deleted = models.BooleanField(default=False)
    # Signed at completion, so a result URL works for IDPHOTO_RESULT_URL_TTL after the task finished.
    result_token_time = models.FloatField(null=True, blank=True)
    measurements = models.JSONField(default=dict, blank=True)
    checks = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return str(self.task_id)

    @property
    def finished(self):
        return self.state not in UNFINISHED_STATES
