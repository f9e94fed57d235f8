"""Words the web app shows for things it stores in English: document names, colours, the options of an order,
ledger notes and messages written by the queue or the engine.

Orders keep their API parameters and an English label (what staff search for); the page shows them in the
reader's language: country names from CLDR (Babel), document kinds and colours from our catalogue, and any
stored sentence whose English text is a msgid in the catalogue (gettext_noop at the place that writes it).
"""

import re

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language, gettext, gettext_lazy, gettext_noop, ngettext, pgettext
from django.utils.translation import gettext as _

from . import options

# Document kinds of the spec catalogue that most documents use; others stay in the authority's words.
DOCUMENTS = {
    "Passport": gettext_lazy("passport"),
    "Visa": gettext_lazy("visa"),
    "ID Card": gettext_lazy("ID card"),
    "Driver's Licence": gettext_lazy("driver's licence"),
    "Driving License": gettext_lazy("driver's licence"),
    "eVisa": gettext_lazy("e-visa"),
    "e-Visa": gettext_lazy("e-visa"),
    "Visa (Schengen)": gettext_lazy("Schengen visa"),
    "Schengen visa": gettext_lazy("Schengen visa"),
    "Residence Permit": gettext_lazy("residence permit"),
    "Residence Card": gettext_lazy("residence card"),
    "Green Card": gettext_lazy("green card"),
    "International Passport": gettext_lazy("international passport"),
    "Resident identity card": gettext_lazy("resident identity card"),
    "Permanent resident card": gettext_lazy("permanent resident card"),
    # China's photo sizes: the catalogue keeps the Chinese name in brackets after the English one.
    "1-inch photo (一寸)": gettext_lazy("1-inch photo"),
    "Small 1-inch photo (小一寸)": gettext_lazy("small 1-inch photo"),
    "Large 1-inch photo (大一寸)": gettext_lazy("large 1-inch photo"),
    "2-inch photo (二寸)": gettext_lazy("2-inch photo"),
    "Small 2-inch photo (小二寸)": gettext_lazy("small 2-inch photo"),
    "1-inch exam photo (考试报名)": gettext_lazy("1-inch exam registration photo"),
    "Exit-entry permit to Hong Kong and Macao (港澳通行证)": gettext_lazy("exit-entry permit to Hong Kong and Macao"),
}
COLOURS = {
    "White": gettext_lazy("White"),
    "Off-white": gettext_lazy("Off-white"),
    "Light grey": gettext_lazy("Light grey"),
    "Blue": gettext_lazy("Blue"),
    "Light blue": gettext_lazy("Light blue"),
    "Red": gettext_lazy("Red"),
    "Cream": gettext_lazy("Cream"),
}
SHEETS = {"5inch": gettext_lazy("5-inch print sheet"), "6inch": gettext_lazy("6-inch print sheet")}
BEAUTY_NAMES = {
    "bright_factor": gettext_lazy("Brighten face"),
    "smooth_factor": gettext_lazy("Smooth skin"),
    "thin_face_factor": gettext_lazy("Slim face"),
    "sharp_factor": gettext_lazy("Sharpen"),
}


def _country(spec):
    """The country's name in the active language (CLDR), or the catalogue's English name."""
    language = (get_language() or "en").replace("-", "_")
    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return spec.country
    return territories.get(getattr(spec, "country_code", "") or "", spec.country)


def spec_title(spec):
    """'Germany passport' / '德国护照' / 'Pasaporte de Alemania'; the English title where no word is known."""
    if spec is None:
        return ""
    document = DOCUMENTS.get(spec.document)
    if (get_language() or "en").startswith("en") or document is None:
        return options.spec_label(spec)
    title = pgettext("document title", "%(country)s %(document)s") % {"country": _country(spec), "document": document}
    return title[:1].upper() + title[1:]


def search_specs(query, limit=12):
    """The catalogue's search, then documents whose title in the reader's language holds every word of the
    query ('德国护照', 'pasaporte alemania'): the catalogue itself only knows English names and aliases."""
    found = options.search_specs(query, limit)
    words = query.lower().split()
    if not words or len(found) >= limit or (get_language() or "en").startswith("en"):
        return found
    seen = {spec.id for spec in found}
    for spec in options.search_specs("", limit=None):
        if spec.id not in seen and all(word in spec_title(spec).lower() for word in words):
            found.append(spec)
            if len(found) >= limit:
                break
    return found


def colour_name(name):
    found = COLOURS.get(str(name or ""))
    return str(found) if found is not None else str(name or "")


def size_label(params):
    """A custom size in words: '413x531 px (35x45 mm at 300 dpi)'."""
    from engine.errors import ParamError
    from engine.params import parse

    try:
        parsed = parse(params)
    except (ParamError, ValueError, TypeError):  # parameters this engine no longer reads: the stored label stays
        return ""
    mm_w, mm_h = parsed.size_mm
    return _("%(w)sx%(h)s px (%(mm_w).0fx%(mm_h).0f mm at %(dpi)s dpi)") % {
        "w": parsed.width, "h": parsed.height, "mm_w": mm_w, "mm_h": mm_h, "dpi": parsed.dpi,
    }


def document_name(params, fallback=""):
    """The document or size an order is for, in the active language."""
    spec = options.get_spec((params or {}).get("spec_id"))
    if spec is not None:
        return spec_title(spec)
    return size_label(params or {}) or fallback or _("ID photo")


def options_list(params):
    """Every option behind a price, in words: document, background, touch-ups, outfit, label, sheet, file type."""
    params = params or {}
    found = [document_name(params)]
    if params.get("change_bg") == "0":
        found.append(_("original background"))
    elif params.get("bg_color2"):
        found.append(_("background #%(a)s to #%(b)s") % {"a": params.get("bg_color", ""), "b": params["bg_color2"]})
    elif params.get("bg_color"):
        found.append(_("background #%(colour)s") % {"colour": params["bg_color"]})
    touch_ups = [str(name) for factor, name in BEAUTY_NAMES.items() if params.get(factor)]
    if touch_ups:
        found.append(_("touch-ups: %(list)s") % {"list": ", ".join(touch_ups)})
    if params.get("clothes_id"):
        found.append(_("outfit: %(name)s") % {"name": outfit_name(params["clothes_id"])})
    if params.get("add_label") == "1" and params.get("label_text"):
        found.append(_("name label “%(text)s”") % {"text": params["label_text"]})
    if params.get("layout") == "1":
        found.append(str(SHEETS.get(params.get("layout_size"), SHEETS["6inch"])))
    found.append((params.get("format") or "png").upper())
    return found


# The engine warns in English (its API contract); a delivered photo's warnings are shown in the reader's
# language. Fixed sentences are msgids as they stand; those with a number are matched and reworded.
ENGINE_WARNINGS = (
    gettext_noop("The photo is narrower than the ID photo needs: the sides are filled with the background."),
    gettext_noop(
        "The photo ends above the bottom of the ID photo: the shoulders are cut off and the gap is filled "
        "with the background. Use a photo that shows more of the shoulders."
    ),
    gettext_noop("The photo was sideways or upside down; it was turned upright."),
    gettext_noop("The photo's EXIF orientation could not be read; it was used as stored."),
    gettext_noop("The photo's embedded colour profile could not be used; its colours were read as sRGB."),
    gettext_noop("The label text is too long for the photo width; it was shortened."),
    gettext_noop("The label strip covers the chin; use a smaller label_height."),
    gettext_noop("add_label=1 but label_text is empty: no label was added."),
    gettext_noop("The original background was not available; the cut-out photo was used instead."),
    gettext_noop("the second layout size (layout_mix_size) did not fit next to the main photo"),
    gettext_noop("the layout QR code did not fit on the sheet"),
    gettext_noop("the layout label did not fit on the sheet"),
)
# Refusals whose English text is fixed (an error kind the web app does not word itself).
ENGINE_REFUSALS = (
    gettext_noop(
        "The top of the head is cut off in the photo, or cannot be told apart from someone right behind it. "
        "Take the photo from further away so the whole head is visible, with nobody right behind the head."
    ),
)
ENGINE_WARNING_PATTERNS = (
    (
        re.compile(r"The photo cannot be used: .* failed\. "),
        gettext_lazy("The photo cannot be used: a required check failed. The checks below say what to do."),
    ),
    (
        re.compile(r"The photo is small for this size: it was enlarged (?P<times>[\d.]+) times, "),
        gettext_lazy(
            "The photo is small for this size: it was enlarged %(times)s times, so the ID photo may look soft. "
            "A larger or closer photo gives a sharper result."
        ),
    ),
    (
        re.compile(r"The file holds (?P<frames>\d+) frames or pages; "),
        gettext_lazy("The file holds %(frames)s frames or pages; the first one was used."),
    ),
    (
        re.compile(r"the photo does not fit on (?P<size>\S+) paper; "),
        gettext_lazy("The photo does not fit on %(size)s paper; the print sheet holds no copy."),
    ),
    (
        re.compile(r"the layout sheet is rendered at (?P<dpi>\d+) dpi "),
        gettext_lazy("The print sheet is rendered at %(dpi)s dpi to keep its file size reasonable."),
    ),
    (
        re.compile(r"The label font has no glyph for: (?P<chars>.*) \(drawn as boxes\)\.$"),
        gettext_lazy("The label font has no glyph for: %(chars)s (drawn as boxes)."),
    ),
    (
        re.compile(r"(?P<factor>\w+) was ignored: it takes effect only with (?P<switch>\w+)=1\.$"),
        gettext_lazy("%(factor)s was ignored: it takes effect only with %(switch)s=1."),
    ),
)


def known(text):
    """A stored English sentence in the active language when the catalogue has it, else unchanged: engine
    warnings and refusals, ledger notes, and the spec catalogue's notes and reasons (photos/spec_texts.py)."""
    if not text:
        return ""
    for pattern, wording in ENGINE_WARNING_PATTERNS:
        found = pattern.match(text)
        if found:
            return str(wording) % found.groupdict()
    return gettext(text)


def outfit_name(clothes_id):
    """An outfit's catalogue name in the reader's language (the id itself for an id the catalogue lacks)."""
    from engine.outfits.catalog import OUTFITS

    outfit = OUTFITS.get(clothes_id)
    return known(outfit.name) if outfit else clothes_id


def ledger_note(entry):
    if entry.order_id and entry.kind == "spend":
        return document_name(entry.order.options, entry.note)
    if entry.order_id and entry.kind == "refund":
        return _("Refund for %(document)s") % {"document": document_name(entry.order.options, entry.order.spec_label)}
    if entry.kind == "purchase":
        return _("Bought %(credits)d credits") % {"credits": entry.amount}
    if entry.kind == "reversal":
        return _("Taken back: the purchase was refunded or disputed")
    return known(entry.note)



# --- refusals and form errors, worded from the engine's error kind and data (not its English text) ----------

FIELDS = {
    "px_width": gettext_lazy("The width in pixels"),
    "px_height": gettext_lazy("The height in pixels"),
    "mm_width": gettext_lazy("The width in mm"),
    "mm_height": gettext_lazy("The height in mm"),
    "dpi": gettext_lazy("The dpi"),
    "bg_color": gettext_lazy("The background colour"),
    "bg_color2": gettext_lazy("The gradient colour"),
    "layout_bg_color": gettext_lazy("The sheet colour"),
    "label_text": gettext_lazy("The name label"),
    "clothes_id": gettext_lazy("The outfit"),
    "spec_id": gettext_lazy("The document"),
}



def param_error(error):
    """'The width in mm must be a whole number from 1 to 179.' instead of 'mm_width: must be ...'."""
    field = error.data.get("param", "")
    name = FIELDS.get(field)
    if name is None:
        return _("These options cannot be combined: %(detail)s") % {"detail": error.message}
    limits = re.search(r"from (-?\d+) to (-?\d+)", str(error.data.get("allowed", "")))  # the engine's range
    if limits:
        low, high = limits.groups()
        return _("%(field)s must be a whole number from %(low)s to %(high)s.") % {"field": name, "low": low, "high": high}
    return _("%(field)s is not valid here; choose another.") % {"field": name}


def refusal(unusable):
    """Why an upload cannot be used, in the reader's language (photos.services.UnusablePhoto)."""
    error = unusable.error
    kind = getattr(error, "kind", "")
    data = getattr(error, "data", {}) or {}
    if kind == "no_face":
        return _("No face found in the photo. Use a photo where your face is clearly visible.")
    if kind == "several_faces":
        count = data.get("count", 2)
        return ngettext(
            "%(n)s face of comparable size found. Use a photo with only you in it.",
            "%(n)s faces of comparable size found. Use a photo with only you in it.",
            count,
        ) % {"n": count}
    reason = data.get("reason", "")
    if reason == "too_small":
        from .services import MIN_UPLOAD_SIDE

        return _("The photo is too small. Use a photo at least %(n)s pixels on its short side.") % {"n": MIN_UPLOAD_SIDE}
    if reason in ("not_an_image", "unsupported_format", "empty", "damaged"):
        return _("This file is not a photo we can read. Use a JPEG, PNG, WebP or HEIC photo.")
    if reason in ("file_too_large", "too_many_pixels") or error is None:
        from engine.contract import MAX_UPLOAD_MB

        return _("The file is larger than %(n)s MB. Export a smaller JPEG or PNG and try again.") % {"n": MAX_UPLOAD_MB}
    return known(str(unusable))
