"""The few Stripe calls this site makes, through the official library. Nothing else imports `stripe`."""

import stripe
from django.conf import settings


class NotConfigured(Exception):
    """No STRIPE_SECRET_KEY: this site does not sell credits."""


def configured():
    return bool(settings.STRIPE_SECRET_KEY)


def checkout_origin():
    """Where Checkout pages live: the buy form posts here and is answered with a 303 to that origin."""
    if settings.STRIPE_API_BASE:
        scheme, _, rest = settings.STRIPE_API_BASE.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return "https://checkout.stripe.com"


def _client():
    if not configured():
        raise NotConfigured()
    addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=addresses, max_network_retries=2)


def create_checkout_session(purchase, product_name, email, success_url, cancel_url):
    """A one-off payment for the purchase's pack; returns the session (id, url, ...) as a dict."""
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": purchase.currency,
                    "unit_amount": purchase.amount,
                    "product_data": {"name": product_name},
                },
            }
        ],
        "client_reference_id": str(purchase.code),
        "metadata": {"purchase": str(purchase.code), "user": str(purchase.user_id), "pack": purchase.pack_id},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if email:
        params["customer_email"] = email
    # The same purchase never opens two sessions, even if this request is retried.
    session = _client().v1.checkout.sessions.create(params, {"idempotency_key": f"checkout-{purchase.code}"})
    return session.to_dict()


def retrieve_checkout_session(session_id):
    return _client().v1.checkout.sessions.retrieve(session_id).to_dict()


def refund_payment(payment_intent, idempotency_key):
    refund = _client().v1.refunds.create({"payment_intent": payment_intent}, {"idempotency_key": idempotency_key})
    return refund.to_dict()


def verified_event(payload, signature_header):
    """The event as a dict if the Stripe-Signature header is valid and recent; raises SignatureVerificationError.

    The library checks the HMAC and that the timestamp is within its default tolerance (300 s).
    """
    event = stripe.Webhook.construct_event(payload, signature_header, settings.STRIPE_WEBHOOK_SECRET)
    return event.to_dict()


SignatureVerificationError = stripe.SignatureVerificationError
StripeError = stripe.StripeError
