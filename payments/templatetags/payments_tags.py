from django import template

from payments import packs, stripe_api

register = template.Library()


@register.simple_tag
def credits_price(credits):
    """What `credits` cost in money at the packs' best rate, e.g. "0.80 USD"."""
    return packs.credits_price(int(credits))


@register.simple_tag
def purchases_open():
    """True when this site sells credit packs (a Stripe key is configured)."""
    return stripe_api.configured()
