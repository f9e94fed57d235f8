"""Who is asking: the client address (also used by django-axes) and the per-address sign-up limit."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import SignupRecord

SIGNUP_WINDOW = timedelta(hours=1)


def client_address(request):
    """The connection's address, or the entry TRUSTED_PROXY_COUNT from the right of X-Forwarded-For:
    entries further left were written by the client and could be anything."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def digest(value, purpose):
    return salted_hmac(f"accounts.{purpose}", value, algorithm="sha256").hexdigest()


def signup_wait(request, now=None):
    """None if this address may sign up now, else when it may again (an aware datetime)."""
    now = now or timezone.now()
    key = digest(client_address(request), "signup-address")
    recent = SignupRecord.objects.filter(address_digest=key, created__gte=now - SIGNUP_WINDOW).order_by("created")
    times = list(recent.values_list("created", flat=True)[: settings.ACCOUNTS_SIGNUPS_PER_HOUR])
    if len(times) < settings.ACCOUNTS_SIGNUPS_PER_HOUR:
        return None
    return times[0] + SIGNUP_WINDOW


def record_signup(request):
    SignupRecord.objects.create(address_digest=digest(client_address(request), "signup-address"))


def forget_old_signups(now=None):
    """The records are only needed for the throttle's window."""
    now = now or timezone.now()
    return SignupRecord.objects.filter(created__lt=now - SIGNUP_WINDOW).delete()[0]
