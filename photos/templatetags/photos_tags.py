from django import template

from photos import services

register = template.Library()


@register.simple_tag
def credit_balance(user):
    return services.balance(user) if user.is_authenticated else 0
