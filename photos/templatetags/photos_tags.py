from django import template

from photos import report, services

register = template.Library()


@register.simple_tag
def credit_balance(user):
    return services.balance(user) if user.is_authenticated else 0


@register.filter
def for_people(checks):
    """The engine's checks as people read them (photos/report.py), in the active language."""
    return [report.for_people(check) for check in checks or ()]


@register.filter
def checks_summary(checks):
    return report.summary(checks or ())
