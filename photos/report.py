"""The engine's compliance report written for people, in the user's language.

The engine (no Django) reports each check as {id, label, status, value, threshold, unit, fix} in English with
measuring units such as "ratio" or "luminance". Here each check id gets its name, a verdict in words, the
measured value against its limit as "at most" / "at least" / "from ... to ..." (only where the unit means
something to people: mm, px, degrees, times enlarged, file size, faces) and its fix, all translatable.
A check id this module does not know yet is shown with the engine's own English label and fix.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

NAMES = {
    "one_face": gettext_lazy("One face"),
    "face_in_frame": gettext_lazy("Whole head inside the photo"),
    "face_uncovered": gettext_lazy("Nothing in front of the face"),
    "person_not_cut": gettext_lazy("Not cut off by the edge of the photo"),
    "final_face": gettext_lazy("The face is in the finished photo"),
    "final_one_face": gettext_lazy("Only your face in the finished photo"),
    "final_upright": gettext_lazy("The finished photo is upright"),
    "final_position": gettext_lazy("The face is where it was planned"),
    "face_opaque": gettext_lazy("The whole face is kept (not see-through)"),
    "one_person": gettext_lazy("Nobody else in the photo"),
    "no_hands": gettext_lazy("No hands in the photo"),
    "framing": gettext_lazy("Head size and position possible"),
    "head_height": gettext_lazy("Head height (chin to crown)"),
    "eye_line": gettext_lazy("Eye height"),
    "head_top": gettext_lazy("Space above the head"),
    "head_width": gettext_lazy("Head width (at the ears)"),
    "head_roll": gettext_lazy("Head straight (not tilted)"),
    "head_yaw": gettext_lazy("Facing the camera (not turned)"),
    "head_pitch": gettext_lazy("Head level (not tipped up or down)"),
    "eyes_open": gettext_lazy("Eyes open"),
    "mouth_closed": gettext_lazy("Mouth closed"),
    "even_lighting": gettext_lazy("Even light on both cheeks"),
    "no_glare": gettext_lazy("No shiny white patches on the face"),
    "sharp": gettext_lazy("Sharp (not blurred)"),
    "exposure": gettext_lazy("Face neither too dark nor too bright"),
    "background_uniform": gettext_lazy("Plain, even background"),
    "photo_fills_frame": gettext_lazy("The photo fills the whole frame"),
    "resolution": gettext_lazy("Enough resolution for this size"),
    "file_size": gettext_lazy("File size within the limit"),
}

VERDICTS = {
    "pass": gettext_lazy("Passed"),
    "warn": gettext_lazy("Borderline"),
    "fail": gettext_lazy("Failed"),
}

# Fixes by check id; a pair is (value below the band, value above it).
FIXES = {
    "one_face": gettext_lazy("Use a photo with only you in it: crop other people out or take a new photo alone."),
    "face_in_frame": gettext_lazy(
        "Take the photo from further away so the whole head is visible, with space above the hair and nobody right "
        "behind the head."
    ),
    "face_uncovered": gettext_lazy(
        "Something covers the face: a hand or an object in front of the chin. Take the photo with nothing in "
        "front of the face."
    ),
    "person_not_cut": gettext_lazy(
        "The photo ends too close to you, so the ID photo would show you cut off by a straight edge: use a "
        "photo taken from a little further away that shows your shoulders and some space on both sides."
    ),
    "final_face": gettext_lazy(
        "The finished photo does not show your face clearly. Use a photo in which you are alone, upright, fully "
        "visible and clearly lit, and try again."
    ),
    "final_one_face": gettext_lazy(
        "Another person's face is still in the photo. Use a photo in which you are alone, upright, fully visible "
        "and clearly lit, and try again."
    ),
    "final_upright": gettext_lazy(
        "The face in the finished photo is tilted or upside down. Use a photo in which you are alone, upright, "
        "fully visible and clearly lit, and try again."
    ),
    "final_position": gettext_lazy(
        "The face could not be placed reliably. Use a photo in which you are alone, upright, fully visible and "
        "clearly lit, and try again."
    ),
    "face_opaque": gettext_lazy(
        "Part of the face could not be told apart from the background or from something in front of it: use a "
        "photo with nothing in front of the face (hands, a microphone) and a background that differs from your "
        "skin and hair."
    ),
    "one_person": (
        gettext_lazy(
            "Part of another person is left beside you. Use a photo in which you are alone, upright, fully visible "
            "and clearly lit, and try again."
        ),
        gettext_lazy(
            "Someone or something is pressed against your head and cannot be cut away cleanly. Use a photo in "
            "which you are alone, with nothing touching your head, and try again."
        ),
    ),
    "no_hands": gettext_lazy(
        "A hand shows in the photo (yours or someone else's). Take the photo with your hands down and nobody "
        "touching you."
    ),
    "framing": gettext_lazy(
        "This photo cannot meet the sizes asked for: use a photo with more space around the head and shoulders."
    ),
    "head_height": (
        gettext_lazy("The head is too small in the photo: use a photo taken a little closer."),
        gettext_lazy("The head is too large for the frame: use a photo taken from a little further away."),
    ),
    "eye_line": (
        gettext_lazy("The eyes sit too low: use a photo with more space above the head."),
        gettext_lazy("The eyes sit too high: use a photo that shows more of the shoulders."),
    ),
    "head_top": (
        gettext_lazy("The head is too close to the top edge: use a photo with more space above the head."),
        gettext_lazy("There is too much space above the head: use a photo with less space above the head."),
    ),
    "head_width": gettext_lazy(
        "The head is wider or narrower than the authority's range for this head height. That is the shape of "
        "the face, not something a new photo changes: most offices accept it; ask if unsure."
    ),
    "head_roll": gettext_lazy(
        "Hold your head straight, with both eyes at the same height and the shoulders level."
    ),
    "head_yaw": gettext_lazy("Face the camera directly, with your nose pointing at the lens."),
    "head_pitch": gettext_lazy("Keep your chin level: hold the camera at eye height and look straight into it."),
    "eyes_open": gettext_lazy(
        "Keep both eyes open and look into the lens; if the light makes you squint, move out of direct sun."
    ),
    "mouth_closed": gettext_lazy("Close your mouth and keep a neutral expression (no open smile)."),
    "even_lighting": gettext_lazy(
        "One side of the face is in shadow: face a window or lamp so the light falls evenly on both cheeks."
    ),
    "no_glare": gettext_lazy(
        "Parts of the face are overexposed (shiny white patches): avoid flash and direct sun; use soft, even light."
    ),
    "sharp": gettext_lazy("The face is blurred: hold the camera still, tap to focus on the face, and use more light."),
    "exposure": (
        gettext_lazy("The face is too dark: add light in front of you (face a window)."),
        gettext_lazy("The photo is overexposed (washed out): use less light or turn off the flash."),
    ),
    "background_uniform": gettext_lazy(
        "The background is not plain: stand in front of a plain light wall, a step away from it so no shadow "
        "falls on it."
    ),
    "photo_fills_frame": gettext_lazy(
        "The photo does not reach every edge of this size, so a strip was filled in: take the photo from a little "
        "further away, with more space above the head and around the shoulders."
    ),
    "resolution": gettext_lazy(
        "The photo is too small for this size and will look soft: use the camera's full resolution or take "
        "the photo from closer, keeping the whole head in view."
    ),
    "file_size": gettext_lazy("The file could not be brought within the size limit: choose JPEG or a smaller size."),
}
NO_FACE_FIX = gettext_lazy(
    "No face was found: use a well-lit photo where your whole face is clearly visible and looks at the camera."
)

# Checks whose number means something to people, and how the limit reads (the rest are shown in words only).
LOWER_IS_WORSE = {"eyes_open", "sharp"}
SHOWN_UNITS = {"mm", "px", "degrees", "times enlarged", "bytes", "faces"}
FRAME_STATES = {
    "whole face and head visible": gettext_lazy("whole face and head visible"),
    "top of the head cut off": gettext_lazy("top of the head cut off"),
    "face cut by the edge of the photo": gettext_lazy("face cut by the edge of the photo"),
}


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".rstrip("0").rstrip(".") if abs(value) >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")


def amount(value, unit):
    """A measured amount in words: 34.2 mm, 3°, 1.3 times enlarged, 240 KB, 2 faces."""
    if unit == "degrees":
        return _("%(n)s°") % {"n": _number(value)}
    if unit == "times enlarged":
        return _("enlarged %(n)s×") % {"n": _number(value)}
    if unit == "bytes":
        return _("%(n)s KB") % {"n": _number(round(value / 1024))}
    if unit == "faces":
        return ngettext("%(n)s face", "%(n)s faces", int(value)) % {"n": int(value)}
    if unit == "px":
        return _("%(n)s px") % {"n": _number(value)}
    return _("%(n)s mm") % {"n": _number(value)}


def limit(check_id, threshold, unit):
    """The rule as people say it: at most 8°, at least 1 face, from 32 to 36 mm."""
    if isinstance(threshold, (list, tuple)):
        low, high = (list(threshold) + [None, None])[:2]
        if low is not None and high is not None:
            return _("from %(low)s to %(high)s") % {"low": amount(low, unit), "high": amount(high, unit)}
        if low is not None:
            return _("at least %(n)s") % {"n": amount(low, unit)}
        if high is not None:
            return _("at most %(n)s") % {"n": amount(high, unit)}
        return ""
    if unit == "faces":
        return pgettext("faces in the photo", "exactly %(n)s") % {"n": amount(threshold, unit)}
    if check_id in LOWER_IS_WORSE:
        return _("at least %(n)s") % {"n": amount(threshold, unit)}
    return _("at most %(n)s") % {"n": amount(threshold, unit)}


def _detail(check):
    """'34.2 mm (from 32 to 36 mm)', or '' where the engine's number is an internal score."""
    value, unit, check_id = check.get("value"), check.get("unit") or "", check.get("id")
    if check_id == "face_in_frame" and isinstance(value, str):
        return str(FRAME_STATES.get(value, value))
    if unit not in SHOWN_UNITS or not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    rule = limit(check_id, check.get("threshold"), unit) if check.get("threshold") not in (None, "") else ""
    measured = amount(value, unit)
    return _("%(measured)s (%(rule)s)") % {"measured": measured, "rule": rule} if rule else measured


def _fix(check):
    if check.get("status") == "pass":
        return ""
    check_id, value, threshold = check.get("id"), check.get("value"), check.get("threshold")
    if check_id == "one_face" and value == 0:
        return str(NO_FACE_FIX)
    found = FIXES.get(check_id)
    if found is None:
        return check.get("fix") or ""
    if not isinstance(found, tuple):
        return str(found)
    if check_id == "exposure":
        return str(found[1] if "overexposed" in (check.get("fix") or "") else found[0])
    if check_id == "one_person":  # the engine's own fix says which rule failed
        return str(found[1] if "pressed against your head" in (check.get("fix") or "") else found[0])
    low = threshold[0] if isinstance(threshold, (list, tuple)) and threshold else None
    below = low is not None and isinstance(value, (int, float)) and value < low
    if check_id == "eye_line" and check.get("unit") == "px":
        below = not below  # without a document the engine measures the eyes from the top edge, not the bottom
    return str(found[0] if below else found[1])


def for_people(check):
    """One engine check -> {status, verdict, name, detail, fix} in the active language."""
    status = check.get("status") if check.get("status") in VERDICTS else "warn"
    name = NAMES.get(check.get("id"))
    return {
        "id": check.get("id"),
        "status": status,
        "verdict": str(VERDICTS[status]),
        "name": str(name) if name is not None else (check.get("label") or check.get("id") or ""),
        "detail": _detail(check),
        "fix": _fix(check),
    }


def summary(checks):
    """A one-line verdict over the whole report."""
    failed = sum(1 for c in checks if c.get("status") == "fail")
    borderline = sum(1 for c in checks if c.get("status") == "warn")
    if failed:
        return ngettext("%(n)s check failed.", "%(n)s checks failed.", failed) % {"n": failed}
    if borderline:
        return ngettext(
            "No check failed; %(n)s is borderline.", "No check failed; %(n)s are borderline.", borderline
        ) % {"n": borderline}
    return _("All checks passed.")
