"""The web app's own key for this project's API: created once, topped up when it runs low."""

from django.conf import settings
from django.db import transaction

from .models import LocalApiKey

KEY_NAME = "webapp"


def ensure_local_api_key():
    """Create the key if missing (or if its API key row is gone) and top it up; returns (row, created, topped)."""
    from api import services as api_services
    from api.models import ApiKey

    with transaction.atomic():
        row = LocalApiKey.objects.select_for_update().filter(name=KEY_NAME).first()
        api_key = ApiKey.objects.filter(pk=row.api_key_id).first() if row else None
        created = api_key is None
        if created:
            api_key, raw = api_services.create_api_key(
                "web app (local)",
                credits=settings.PHOTOS_LOCAL_API_CREDITS,
                rate_limit=settings.PHOTOS_LOCAL_API_RATE_LIMIT,
            )
            row = row or LocalApiKey(name=KEY_NAME)
            row.raw_key, row.api_key_id = raw, api_key.pk
            row.save()
        if api_key.rate_limit != settings.PHOTOS_LOCAL_API_RATE_LIMIT:
            # Every customer's jobs share this one key, so it needs more than a single client's rate.
            ApiKey.objects.filter(pk=api_key.pk).update(rate_limit=settings.PHOTOS_LOCAL_API_RATE_LIMIT)
        topped = False
        if api_services.balance(api_key) < settings.PHOTOS_LOCAL_API_LOW_WATER:
            api_services.grant_credits(api_key, settings.PHOTOS_LOCAL_API_CREDITS, "web app top-up")
            topped = True
    return row, created, topped


def local_api_key():
    """The raw key the queue sends; provisions it on first use so a fresh clone needs no manual step."""
    row, _, _ = ensure_local_api_key()
    return row.raw_key
