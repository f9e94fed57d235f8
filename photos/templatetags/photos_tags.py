from django import template

from photos import services

register = template.Library()


@register.simple_tag
def credit_balance(user):
    return services.balance(user) if user.is_authenticated else 0


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.1f}".rstrip("0").rstrip(".")


@register.filter
def measure(value, unit=""):
    """A check's value or threshold for people: 34.0 -> 34, [32.0, 36.0] -> 32–36, with its unit."""
    if value is None or value == "":
        return ""
    if isinstance(value, (list, tuple)):
        parts = [_number(v) for v in value if v is not None]
        text = "–".join(parts) if len(value) == 2 and None not in value else " / ".join(parts)
    else:
        text = _number(value)
    return f"{text} {unit}".strip() if unit and not isinstance(value, str) else text
