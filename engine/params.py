"""Engine parameters: the seed's names, parsed and validated in one place.

`parse(mapping)` takes strings (form fields, CLI key=value) and returns a `Params`, or raises ParamError
naming the parameter and the allowed range. The HTTP API and the CLI both use it, so a value is accepted
or refused the same way everywhere. Transport-only fields (sync, return_type, image_url, last_id) are the
API's business and are ignored here.
"""

import math
import re
from dataclasses import dataclass, field, replace

from .errors import ParamError
from .units import MM_PER_INCH, mm_to_px, px_to_mm

DEFAULT_SIZE = (295, 413)
DEFAULT_DPI = 300
CONSTRAINT_NAMES = ("face_width", "face_height", "head_top", "chin_top", "eyes_top")
# Seed names of the beauty switches and their strength factors.
BEAUTY_FIELDS = {
    "bright": ("auto_bright", "bright_factor"),
    "smooth": ("auto_smooth", "smooth_factor"),
    "thin_face": ("auto_thin_face", "thin_face_factor"),
    "sharp": ("auto_sharp", "sharp_factor"),
}
DEFAULT_BEAUTY_FACTOR = 0.5
CLOTHES_RANGES = {"man": 20, "woman": 20, "child": 10}
CLOTHES_IDS = tuple(f"{kind}_{n}" for kind, count in CLOTHES_RANGES.items() for n in range(1, count + 1))
LAYOUT_SIZES = ("5inch", "6inch", "a4", "letter", "5x7")
DEFAULT_LAYOUT_BG = (0xE6, 0xE6, 0xE6)
HEX_RE = re.compile(r"#?([0-9a-fA-F]{6})")
# ASCII digits only, spelled out: \d, int() and float() also take "３００", "٣٠٠" and "3_00".
SIZE_RE = re.compile(r"([0-9]{1,5})x([0-9]{1,5})")
# No leading zeros, so the OpenAPI document can state the accepted strings exactly.
INT_RE = re.compile(r"0|[1-9][0-9]{0,11}")
SIGNED_INT_RE = re.compile(r"-?(?:0|[1-9][0-9]{0,11})")
NUMBER_RE = re.compile(r"(?:0|[1-9][0-9]{0,5})(?:\.[0-9]{1,6})?")
MIX_SIZE_RE = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,2})?)x([0-9]{1,3}(?:\.[0-9]{1,2})?)")
# min_file_size / max_file_size: the seed says [0, inf]; a bigger target would only pad files (and every
# base64 poll of them) to absurd sizes, so targets are capped here (HTTP 400 above).
MAX_FILE_SIZE_TARGET = 10 * 1024 * 1024
MAX_SPEC_ID = 1_000_000
# Output sides reached through mm_width x mm_height at a dpi (size and px_* have their own, smaller ranges).
MIN_OUTPUT_SIDE, MAX_OUTPUT_SIDE = 10, 4000


@dataclass(frozen=True)
class LayoutParams:
    size: str = "6inch"
    vertical: bool | None = None  # None: the orientation that holds more copies
    bg_color: tuple = DEFAULT_LAYOUT_BG
    qr_code_data: str = ""
    qr_code_size: int | None = None
    label_text: str = ""
    pdf: bool = False
    allow_rotate: bool = False  # ID photos stay upright unless the caller allows turning them on paper
    mix_size: tuple | None = None  # (width, height) in mm of a second photo size on the same sheet
    margin_mm: float | None = None  # None: the sheet module's default (blank paper along the edges)
    gap_mm: float | None = None  # None: the default space between photos


@dataclass(frozen=True)
class Params:
    width: int = DEFAULT_SIZE[0]
    height: int = DEFAULT_SIZE[1]
    dpi: int = DEFAULT_DPI
    format: str = "png"
    spec_id: int | None = None
    change_bg: bool = True
    bg_color: tuple | None = None  # None: transparent for png, white for jpg
    bg_color2: tuple | None = None
    # name -> (low, high) in output pixels; an exact value is (v, v); None means unbounded on that side.
    constraints: dict = field(default_factory=dict)
    beauty: dict = field(default_factory=dict)  # name -> factor in (0, 1]; absent or 0 means off
    ignored_factors: tuple = ()  # *_factor fields sent without their auto_* switch (the beauty stage warns)
    clothes_id: str | None = None
    preview: bool = False
    quality: int | None = None
    min_file_size: int | None = None
    max_file_size: int | None = None
    add_label: bool = False
    label_text: str = ""
    label_height: int | None = None
    layout: LayoutParams | None = None
    # Names the caller set explicitly: a spec fills in only what the caller left out.
    explicit: frozenset = frozenset()

    def with_changes(self, **changes):
        return replace(self, **changes)

    @property
    def size_mm(self):
        return (px_to_mm(self.width, self.dpi), px_to_mm(self.height, self.dpi))

    @property
    def beauty_on(self):
        return any(factor > 0 for factor in self.beauty.values())


def _present(data, name):
    value = data.get(name)
    return value is not None and str(value) != ""  # empty means "not given", as the seed uses it


def _int(data, name, low=None, high=None, allowed=None):
    if not _present(data, name):
        return None
    return parse_int(str(data[name]), name, low, high, allowed)


def parse_int(raw, name, low=None, high=None, allowed=None):
    """The one integer parse of the project: ASCII digits (a sign only where negative values are allowed,
    no spaces), then the range; anything else is a ParamError naming the parameter."""
    allowed = allowed or _range_text(low, high, "an integer")
    pattern = SIGNED_INT_RE if low is None or low < 0 else INT_RE
    if not pattern.fullmatch(raw):
        raise ParamError(name, allowed, _shortened(raw))
    value = int(raw)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ParamError(name, allowed, value)
    return value


def _shortened(raw, limit=40):
    return raw if len(raw) <= limit else raw[:limit] + "…"


def _range_text(low, high, what):
    if low is not None and high is not None:
        return f"{what} from {low} to {high}"
    if low is not None:
        return f"{what} >= {low}"
    if high is not None:
        return f"{what} <= {high}"
    return what


def _flag(data, name):
    value = _int(data, name, 0, 1, allowed="0 or 1")
    return bool(value)


def _float(data, name, low, high):
    """A decimal number in ASCII digits with at most 6 decimals (no sign, exponent, nan or inf)."""
    if not _present(data, name):
        return None
    raw = str(data[name])
    allowed = f"a number from {low} to {high}"
    if low < 0 or not NUMBER_RE.fullmatch(raw):
        raise ParamError(name, allowed, _shortened(raw))
    value = float(raw)
    if not (low <= value <= high):
        raise ParamError(name, allowed, value)
    return value


def _color(data, name):
    if not _present(data, name):
        return None
    raw = str(data[name])
    match = HEX_RE.fullmatch(raw)
    if not match:
        raise ParamError(name, "a hex colour RRGGBB such as FFFFFF or 438EDB", raw)
    hexed = match.group(1)
    return tuple(int(hexed[i : i + 2], 16) for i in (0, 2, 4))


def _text(data, name, max_len):
    if not _present(data, name):
        return ""
    value = str(data[name])
    if len(value) > max_len:
        raise ParamError(name, f"text of at most {max_len} characters", f"{len(value)} characters")
    return value


def _output_size(data):
    """Output pixel size and dpi. Priority: size > px_width/px_height > mm_width/mm_height > default."""
    dpi = _int(data, "dpi", 10, 1000)
    if _present(data, "size"):
        raw = str(data["size"])
        match = SIZE_RE.fullmatch(raw)
        allowed = "WIDTHxHEIGHT with a lowercase x, each from 100 to 2000, e.g. 300x400"
        if not match:
            raise ParamError("size", allowed, raw)
        width, height = int(match.group(1)), int(match.group(2))
        if not (100 <= width <= 2000 and 100 <= height <= 2000):
            raise ParamError("size", allowed, raw)
        return width, height, dpi
    px = (_int(data, "px_width", 10, 1799), _int(data, "px_height", 10, 1799))
    if any(v is not None for v in px):
        if None in px:
            missing = "px_height" if px[1] is None else "px_width"
            raise ParamError(missing, "given together with its pair (px_width and px_height)")
        return px[0], px[1], dpi
    mm = (_int(data, "mm_width", 1, 179), _int(data, "mm_height", 1, 179))
    if any(v is not None for v in mm):
        if None in mm:
            missing = "mm_height" if mm[1] is None else "mm_width"
            raise ParamError(missing, "given together with its pair (mm_width and mm_height)")
        use_dpi = dpi or DEFAULT_DPI
        width, height = (round(mm_to_px(v, use_dpi)) for v in mm)
        _check_output_sides(mm, use_dpi, (width, height))
        return width, height, use_dpi
    return None, None, dpi


def _check_output_sides(mm, dpi, px):
    """mm_width x mm_height at dpi must give sides of MIN_OUTPUT_SIDE to MAX_OUTPUT_SIDE px: each value can be
    in its own range while the combination is not, so the message names the dpi that would work."""
    size = f"{mm[0]}x{mm[1]} mm"
    if max(px) > MAX_OUTPUT_SIDE:
        top = math.floor((MAX_OUTPUT_SIDE + 0.5) * MM_PER_INCH / max(mm))
        raise ParamError(
            "dpi",
            f"at most {top} for {size}: an output side may be at most {MAX_OUTPUT_SIDE} px "
            f"(got {dpi} dpi, {px[0]}x{px[1]} px); lower dpi or the size in mm",
        )
    if min(px) < MIN_OUTPUT_SIDE:
        bottom = math.ceil((MIN_OUTPUT_SIDE - 0.5) * MM_PER_INCH / min(mm))
        raise ParamError(
            "dpi",
            f"at least {bottom} for {size}: an output side must be at least {MIN_OUTPUT_SIDE} px "
            f"(got {dpi} dpi, {px[0]}x{px[1]} px); raise dpi or the size in mm",
        )


def _constraints(data):
    constraints = {}
    for name in CONSTRAINT_NAMES:
        exact = _int(data, name, 0, 4000)
        low = _int(data, f"min_{name}", 0, 4000)
        high = _int(data, f"max_{name}", 0, 4000)
        if exact is not None:
            if (low is not None and exact < low) or (high is not None and exact > high):
                raise ParamError(name, f"inside min_{name}..max_{name}", exact)
            constraints[name] = (exact, exact)
        elif low is not None or high is not None:
            if low is not None and high is not None and low > high:
                raise ParamError(f"min_{name}", f"<= max_{name} ({high})", low)
            constraints[name] = (low, high)
    return constraints


def _beauty(data):
    beauty = {}
    for name, (switch, factor_name) in BEAUTY_FIELDS.items():
        on = _flag(data, switch)
        factor = _float(data, factor_name, 0.0, 1.0)
        if on:
            beauty[name] = DEFAULT_BEAUTY_FACTOR if factor is None else factor
    return {name: factor for name, factor in beauty.items() if factor > 0}


def _ignored_factors(data):
    return tuple(f for switch, f in BEAUTY_FIELDS.values() if _present(data, f) and not _flag(data, switch))


def _clothes(data):
    if not _present(data, "clothes_id"):
        return None
    value = str(data["clothes_id"])
    if value not in CLOTHES_IDS:
        raise ParamError("clothes_id", "one of man_1..man_20, woman_1..woman_20, child_1..child_10", value)
    return value


def _layout(data):
    if not _flag(data, "layout"):
        return None
    size = "6inch"
    if _present(data, "layout_size"):
        size = str(data["layout_size"])
        if size not in LAYOUT_SIZES:
            raise ParamError("layout_size", "one of " + ", ".join(LAYOUT_SIZES), data["layout_size"])
    return LayoutParams(
        size=size,
        vertical=_flag(data, "layout_vertical") if _present(data, "layout_vertical") else None,
        bg_color=_color(data, "layout_bg_color") or DEFAULT_LAYOUT_BG,
        qr_code_data=_text(data, "layout_qr_code_data", 1000),
        qr_code_size=_int(data, "layout_qr_code_size", 40, 1200),
        # Clients send the two characters backslash-n for a line break, as the seed documents.
        label_text=_text(data, "layout_label_text", 500).replace("\\n", "\n"),
        pdf=_flag(data, "layout_pdf"),
        allow_rotate=_flag(data, "layout_allow_rotate"),
        mix_size=_mix_size(data),
        margin_mm=_float(data, "layout_margin_mm", 0.0, 20.0),
        gap_mm=_float(data, "layout_gap_mm", 0.0, 20.0),
    )


def _mix_size(data):
    """layout_mix_size: WIDTHxHEIGHT in whole or decimal mm, e.g. 25x35 (each 10 to 180 mm)."""
    if not _present(data, "layout_mix_size"):
        return None
    raw = str(data["layout_mix_size"])
    allowed = "WIDTHxHEIGHT in millimetres, each from 10 to 180, e.g. 25x35"
    match = MIX_SIZE_RE.fullmatch(raw)
    if not match:
        raise ParamError("layout_mix_size", allowed, raw)
    width, height = float(match.group(1)), float(match.group(2))
    if not (10 <= width <= 180 and 10 <= height <= 180):
        raise ParamError("layout_mix_size", allowed, raw)
    return width, height


def parse(data):
    """Parse a mapping of seed parameter names to strings into Params (ParamError on bad input)."""
    width, height, dpi = _output_size(data)
    fmt = str(data.get("format") or "png")
    if fmt == "jpeg":
        fmt = "jpg"
    if fmt not in ("png", "jpg"):
        raise ParamError("format", "png or jpg", fmt)
    change_bg = _flag(data, "change_bg") if _present(data, "change_bg") else True
    quality = _int(data, "quality", 1, 100)
    min_size = _int(data, "min_file_size", 0, MAX_FILE_SIZE_TARGET)
    max_size = _int(data, "max_file_size", 0, MAX_FILE_SIZE_TARGET)
    if min_size is not None and max_size is not None and min_size > max_size:
        raise ParamError("min_file_size", f"<= max_file_size ({max_size})", min_size)
    explicit = frozenset(name for name in data if _present(data, name))
    params = Params(
        width=width or DEFAULT_SIZE[0],
        height=height or DEFAULT_SIZE[1],
        dpi=dpi or DEFAULT_DPI,
        format=fmt,
        spec_id=_int(data, "spec_id", 1, MAX_SPEC_ID),
        change_bg=change_bg,
        bg_color=_color(data, "bg_color"),
        bg_color2=_color(data, "bg_color2"),
        constraints=_constraints(data),
        beauty=_beauty(data),
        ignored_factors=_ignored_factors(data),
        clothes_id=_clothes(data),
        preview=_flag(data, "preview"),
        quality=quality,
        min_file_size=None if quality is not None else min_size,
        max_file_size=None if quality is not None else max_size,
        add_label=_flag(data, "add_label"),
        label_text=_text(data, "label_text", 200),
        label_height=_int(data, "label_height", 8, 1000),
        layout=_layout(data),
        explicit=explicit,
    )
    if params.label_height is not None and params.label_height >= params.height:
        raise ParamError("label_height", f"smaller than the photo height ({params.height} px)", params.label_height)
    return params
