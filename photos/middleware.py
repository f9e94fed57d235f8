from . import mail


class RememberLanguage:
    """After LocaleMiddleware and authentication: remember a signed-in customer's language for later e-mails."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            mail.remember_language(request)
        return response


class NoStoreForSignedIn:
    """Pages for a signed-in user show their balance and prices: the browser must not show a stored copy
    on Back (a balance from before a payment). Responses that set their own Cache-Control (files) keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
