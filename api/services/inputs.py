"""Input images kept for a while so a later task of the same key can reuse them (last_id)."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from ..models import InputImage
from .errors import ApiError


def store_input(api_key, data):
    image = InputImage(
        api_key=api_key,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        expires_at=timezone.now() + timedelta(seconds=settings.IDPHOTO_INPUT_RETENTION_SECONDS),
    )
    image.file.save("input", ContentFile(data), save=False)
    image.save()
    return image


def reusable_input(api_key, image_id):
    image = InputImage.objects.filter(api_key=api_key, image_id=image_id, expires_at__gt=timezone.now()).first()
    if image is None or not image.file:
        raise ApiError(
            "last_id: unknown or expired image_id (it must come from an earlier task of this key)", status=404
        )
    return image
