def account_notices(request):
    """Whether to remind this user to confirm their sign-up address (shown in the page header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .services import waiting_confirmation

    return {"email_to_confirm": waiting_confirmation(user)}
