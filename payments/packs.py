"""Credit packs (settings.PHOTOS_CREDIT_PACKS, parsed and checked at start-up) and how their prices read."""

import math
from decimal import Decimal

from django.conf import settings


def all_packs():
    return settings.PHOTOS_CREDIT_PACKS


def find(pack_id):
    return next((pack for pack in all_packs() if pack["id"] == str(pack_id)), None)


def decimals(currency):
    return 0 if currency.lower() in settings.ZERO_DECIMAL_CURRENCIES else 2


def money(amount, currency):
    """Minor units as people read them: 499, "usd" -> "4.99 USD"."""
    places = decimals(currency)
    value = Decimal(amount).scaleb(-places)
    return f"{value:.{places}f} {currency.upper()}"


def credits_price(credits):
    """What `credits` cost at the best rate of the packs in the first pack's currency, rounded up."""
    currency = all_packs()[0]["currency"]
    rate = min(pack["amount"] / pack["credits"] for pack in all_packs() if pack["currency"] == currency)
    return money(math.ceil(credits * rate), currency)
