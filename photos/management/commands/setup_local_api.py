"""Provision the web app's key for this project's own API (idempotent; tops up when low)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from photos.local_api import ensure_local_api_key


class Command(BaseCommand):
    help = "Create or top up the API key the web app's queue uses for this project's own API."

    def handle(self, *args, **options):
        if settings.PHOTOS_API_BASE_URL:
            self.stdout.write(f"The web app uses the API at {settings.PHOTOS_API_BASE_URL}; no local key needed.")
            return
        row, created, topped = ensure_local_api_key()
        from api import services as api_services
        from api.models import ApiKey

        credits = api_services.balance(ApiKey.objects.get(pk=row.api_key_id))
        state = "created" if created else ("topped up" if topped else "ready")
        self.stdout.write(self.style.SUCCESS(f"Local API key for the web app {state} ({credits} credits)."))
