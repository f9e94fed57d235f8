"""Turn the options form into one Choice: the API's parameters, the spec, a label and the price.

The web app keeps exactly the seed's parameter names, so what it shows (price, allowed edits) is computed
by the same functions the API uses: engine.params.parse, engine.specs.apply_spec and api.pricing.price.
The form is parsed once per request, by `choose`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from engine import specs
from engine.errors import ParamError
from engine.params import BEAUTY_FIELDS, Params, parse


@dataclass(frozen=True)
class Choice:
    """What the customer chose: `params` are the seed fields as strings (stored on the order and what the
    engine or the API parses), `parsed` the engine's Params before the spec fills in its rules."""

    params: dict
    parsed: Params
    spec: object
    notes: tuple
    label: str
    price: int

EDIT_REASONS = {
    "beauty": gettext_lazy("Touch-ups are off for this document"),
    "outfit": gettext_lazy("Outfit change is off for this document"),
    "background": gettext_lazy("Background replacement is off for this document"),
}


def edit_reason(spec, edit):
    """Why an edit is hidden for this spec, in the spec's own words when it has them."""
    why = getattr(spec, "forbidden_reason", "") if spec else ""
    why = gettext(why) if why else gettext("the authority does not accept digitally altered photos")
    return gettext("%(edit)s: %(why)s.") % {"edit": EDIT_REASONS[edit], "why": why.rstrip(".")}
LAYOUT_CHOICES = (("6inch", gettext_lazy("6-inch sheet (4x6 in)")), ("5inch", gettext_lazy("5-inch sheet (3.5x5 in)")))
SWATCHES = (
    ("FFFFFF", "White"),
    ("F2F2F2", "Off-white"),
    ("DCDCDC", "Light grey"),
    ("438EDB", "Blue"),
    ("D0E4F5", "Light blue"),
    ("FF0000", "Red"),
)


def get_spec(spec_id):
    if not spec_id:
        return None
    try:
        return specs.get(int(spec_id))
    except (KeyError, LookupError, ValueError, TypeError):
        return None


def search_specs(query, limit=12):
    if query.strip():
        found = list(specs.search(query.strip()))
    else:
        found = list(specs.all_specs())
    return found if limit is None else found[:limit]


def spec_label(spec):
    return getattr(spec, "title", "") or f"{spec.country} {spec.document}".strip()


def spec_bg_hex(spec):
    color = getattr(spec, "bg_color", None)
    if isinstance(color, (tuple, list)) and len(color) == 3:
        return "".join(f"{int(c):02X}" for c in color)
    if isinstance(color, str):
        return color.lstrip("#").upper()
    return ""


def forbidden_edits(spec):
    return frozenset(getattr(spec, "forbidden_edits", None) or ()) if spec else frozenset()


def _on(data, name):
    return str(data.get(name, "")).lower() in ("1", "on", "true", "yes")


def _hex(value):
    return str(value or "").strip().lstrip("#").upper()


def choose(data):
    """Form data -> Choice. Raises ParamError (naming the field, as the API would) or ValueError."""
    params, spec, notes = _form_params(data)
    parsed = parse(params)
    if spec is not None:
        specs.apply_spec(parsed)  # the same spec checks the API makes (unknown id, forbidden edits)
    return Choice(
        params=params, parsed=parsed, spec=spec, notes=tuple(notes), label=_describe(parsed, spec), price=_price(parsed)
    )


def _form_params(data):
    """Form data -> (API params dict of strings, spec or None, notes)."""
    params = {}
    notes = []
    spec = None
    mode = data.get("size_mode") or "spec"
    if mode == "spec":
        spec = get_spec(data.get("spec_id"))
        if spec is not None:
            params["spec_id"] = str(spec.id)
    elif mode == "px":
        params["px_width"], params["px_height"] = data.get("px_width", ""), data.get("px_height", "")
        if data.get("dpi"):
            params["dpi"] = data["dpi"]
    elif mode == "mm":
        params["mm_width"], params["mm_height"] = data.get("mm_width", ""), data.get("mm_height", "")
        params["dpi"] = data.get("dpi") or "300"
    forbidden = forbidden_edits(spec)
    _background(data, params, spec, forbidden, notes)
    if _beauty_requested(data):
        if "beauty" in forbidden:
            notes.append(edit_reason(spec, "beauty"))
        else:
            for switch, factor in BEAUTY_FIELDS.values():
                value = data.get(factor) or "0"
                if float(value or 0) > 0:
                    params[switch], params[factor] = "1", str(value)
    clothes = str(data.get("clothes_id") or "").strip()
    if clothes:
        if "outfit" in forbidden:
            notes.append(edit_reason(spec, "outfit"))
        else:
            params["clothes_id"] = clothes
    params["format"] = "jpg" if data.get("format") == "jpg" else "png"
    if _on(data, "add_label") and str(data.get("label_text") or "").strip():
        params["add_label"], params["label_text"] = "1", str(data["label_text"]).strip()
    if _on(data, "layout"):
        params["layout"] = "1"
        params["layout_size"] = data.get("layout_size") if data.get("layout_size") in ("5inch", "6inch") else "6inch"
        params["layout_vertical"] = "1" if _on(data, "layout_vertical") else "0"
        if _hex(data.get("layout_bg_color")):
            params["layout_bg_color"] = _hex(data.get("layout_bg_color"))
    params = {key: str(value).strip() for key, value in params.items() if str(value).strip() != ""}
    return params, spec, notes


def _beauty_requested(data):
    for _, factor in BEAUTY_FIELDS.values():
        try:
            if float(data.get(factor) or 0) > 0:
                return True
        except ValueError:
            raise ParamError(factor, "a number from 0 to 1", data.get(factor)) from None
    return False


def _background(data, params, spec, forbidden, notes):
    if _on(data, "keep_background") or "background" in forbidden:
        if "background" in forbidden and not _on(data, "keep_background"):
            notes.append(edit_reason(spec, "background"))
        params["change_bg"] = "0"
        return
    color = _hex(data.get("bg_custom")) if data.get("bg_color") == "custom" else _hex(data.get("bg_color"))
    if color:
        params["bg_color"] = color
    if _on(data, "gradient") and _hex(data.get("bg_color2")):
        params["bg_color2"] = _hex(data.get("bg_color2"))


def default_price():
    """The price of the options the workspace opens with."""
    return _price(parse({}))


def _price(parsed):
    from api.pricing import price

    return price(parsed)


def _describe(parsed, spec):
    """A short line for lists: the document or size chosen."""
    if spec is not None:
        return spec_label(spec)
    mm_w, mm_h = parsed.size_mm
    return f"{parsed.width}x{parsed.height} px ({mm_w:.0f}x{mm_h:.0f} mm at {parsed.dpi} dpi)"
