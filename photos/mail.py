"""E-mails to customers, written in the language they last used the site in (photos.UserLanguage)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from .models import UserLanguage

log = logging.getLogger(__name__)

SUBJECTS = {
    "approved": gettext_lazy("Your ID photo is ready"),
    "rejected": gettext_lazy("Your ID photo needs a new picture"),
}


def language_of(user):
    found = UserLanguage.objects.filter(user=user).values_list("code", flat=True).first()
    return found or settings.LANGUAGE_CODE


def remember_language(request):
    """Store the language a signed-in customer sees, once per session and change."""
    code = translation.get_language()
    if request.session.get("language_saved") == code:
        return
    UserLanguage.objects.update_or_create(user=request.user, defaults={"code": code})
    request.session["language_saved"] = code


def send_to_customer(order, kind, **context):
    """Mail the order's owner the `kind` message (templates/photos/email/<kind>.txt) in their language."""
    if not order.owner.email:
        return
    with translation.override(language_of(order.owner)):
        subject = str(SUBJECTS[kind])
        body = render_to_string(
            f"photos/email/{kind}.txt", {"order": order, "link": f"{settings.SITE_URL}/o/{order.code}/", **context}
        )
    try:
        send_mail(subject, body, None, [order.owner.email])
    except Exception:  # mail trouble must not undo the staff action; the order page says the same
        log.exception("could not email %s about order %s", order.owner.email, order.code)
