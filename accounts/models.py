"""E-mail confirmation, the once-per-address welcome grant and the sign-up throttle.

Addresses kept for longer than an account lives are stored only as keyed digests (HMAC with SECRET_KEY),
so a deleted account leaves no readable address behind.
"""

from django.conf import settings
from django.db import models


class EmailConfirmation(models.Model):
    """The address a sign-up gave and when its signed link was opened; no row means nothing to confirm."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_confirmation")
    email = models.EmailField()
    sent = models.DateTimeField(null=True, blank=True)
    confirmed = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.email} ({'confirmed' if self.confirmed else 'waiting'})"


class WelcomeGrant(models.Model):
    """One row per normalised address that ever received the sign-up credits: the unique digest makes a
    second grant to the same address, from any account, impossible. Kept when the account is deleted."""

    address_digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"welcome grant {self.address_digest[:12]}…"


class SignupRecord(models.Model):
    """A successful sign-up from a client address (digest only), counted per hour by the throttle."""

    address_digest = models.CharField(max_length=64, db_index=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
