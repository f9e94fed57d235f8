"""API keys (only an HMAC of the secret is stored), the credit ledger per key, and the rate limit."""

import hashlib
import hmac
import math
import secrets
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from ..models import UNFINISHED_STATES, ApiKey, CreditEntry, Task
from .errors import ApiError

KEY_PREFIX_LENGTH = 12


def hash_key(raw_key):
    return hmac.new(settings.SECRET_KEY.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def create_api_key(name: str, credits: int = 0, rate_limit: float | None = None) -> tuple[ApiKey, str]:
    """A new active key and its secret (shown once: only its HMAC is stored)."""
    raw = "idp_" + secrets.token_urlsafe(30)
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name, prefix=raw[:KEY_PREFIX_LENGTH], key_hash=hash_key(raw), rate_limit=rate_limit
        )
        if credits:
            grant_credits(key, credits, "initial credits")
    return key, raw


def grant_credits(api_key, amount: int, note: str) -> CreditEntry:
    """Append a grant (positive) or a correction (negative: credits taken back, never a refund) to the key's ledger."""
    kind = CreditEntry.GRANT if amount >= 0 else CreditEntry.CORRECTION
    return CreditEntry.objects.create(api_key=api_key, kind=kind, amount=int(amount), note=note[:200])


def balance(api_key) -> int:
    return CreditEntry.objects.filter(api_key=api_key).aggregate(total=Sum("amount"))["total"] or 0


def reserved(api_key) -> int:
    """Credits promised to this key's unfinished tasks (charged if they succeed)."""
    unfinished = Task.objects.filter(api_key=api_key, state__in=UNFINISHED_STATES)
    return unfinished.aggregate(total=Sum("cost"))["total"] or 0


def authenticate(raw_key):
    if not raw_key:
        raise ApiError("Unauthorized: send your API key in the X-API-KEY header.", status=401)
    key = ApiKey.objects.filter(key_hash=hash_key(raw_key.strip())).first()
    if key is None:
        raise ApiError("Unauthorized: the X-API-KEY is not valid.", status=401)
    if not key.active:
        raise ApiError("Unauthorized: this API key is disabled.", status=401)
    return key


def clock():
    """Wall-clock seconds for the rate limiter (tests freeze it)."""
    return time.time()


def take_rate_token(api_key):
    """Spend one token of the key's bucket or raise 429 with Retry-After (whole seconds, >= 1)."""
    rate = api_key.rate_limit or settings.IDPHOTO_RATE_LIMIT_PER_SECOND
    capacity = max(1.0, rate)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        now = clock()
        if key.bucket_updated <= 0:
            tokens = capacity
        else:
            tokens = min(capacity, key.bucket_tokens + max(0.0, now - key.bucket_updated) * rate)
        if tokens < 1:
            wait = max(1, math.ceil((1 - tokens) / rate))
            raise ApiError(
                f"Too many requests: this key may send {rate:g} requests per second. Retry in {wait} s.",
                status=429,
                headers={"Retry-After": str(wait)},
            )
        ApiKey.objects.filter(pk=key.pk).update(bucket_tokens=tokens - 1, bucket_updated=now)
