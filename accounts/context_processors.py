from django.conf import settings


def account_notices(request):
    """Whether to remind this user to confirm their sign-up address (shown in the page header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .services import waiting_confirmation  # models load after the context processors are imported

    return {"email_to_confirm": waiting_confirmation(user), "welcome_credits": settings.PHOTOS_SIGNUP_CREDITS}
