from django import template

from photos import report, services, wording

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


@register.filter
def html_lang(code):
    """A Django language code as a BCP 47 tag for lang="...": zh-hans -> zh-Hans."""
    base, _, rest = str(code).partition("-")
    if not rest:
        return base
    return f"{base}-{rest.title() if len(rest) == 4 else rest.upper()}"


# --- stored English shown in the reader's language (photos/wording.py) ---------------------------------


@register.filter
def spec_title(spec):
    return wording.spec_title(spec)


@register.filter
def colour_name(name):
    return wording.colour_name(name)


@register.filter
def document_name(order):
    return wording.document_name(order.options, order.spec_label)


@register.filter
def options_summary(order_or_params):
    """The options behind a price, joined for one line: an order, or the API parameters being confirmed."""
    params = getattr(order_or_params, "options", order_or_params)
    return " · ".join(wording.options_list(params))


@register.filter
def ledger_note(entry):
    return wording.ledger_note(entry)


@register.filter(name="spec_text")
@register.filter(name="error_for_people")
@register.filter(name="warning_for_people")
def stored_english(text):
    """Engine messages and catalogue texts stored in English, in the reader's language (wording.known)."""
    return wording.known(text)
