"""Fonts for text the engine draws (labels, preview watermark).

One family covers Chinese, Latin and digits: Noto Sans CJK, shipped by the installed package
`manimgx_fonts_cjk` as a variable-weight collection. Face index 2 of the collection is the Simplified
Chinese cut (JP/KR/SC/TC/HK share Latin glyphs but draw some Han characters differently).
"""

import functools
import importlib.resources

from PIL import ImageFont

CJK_PACKAGE = "manimgx_fonts_cjk"
CJK_FILE = "NotoSansCJK-VF.otf.ttc"
CJK_SC_INDEX = 2
REGULAR, MEDIUM, BOLD = 400, 500, 700
# Private-use code point: no font maps it, so it renders the font's "missing glyph" (.notdef) box.
MISSING_PROBE = "\ue000"


class FontMissing(RuntimeError):
    pass


@functools.cache
def cjk_font_path():
    path = importlib.resources.files(CJK_PACKAGE) / CJK_FILE
    if not path.is_file():
        raise FontMissing(f"{CJK_FILE} not found in the {CJK_PACKAGE} package; reinstall requirements")
    return str(path)


@functools.lru_cache(maxsize=64)
def cjk_font(size, weight=MEDIUM):
    """Noto Sans CJK SC at `size` px and `weight` (100-900). Cached: callers must not change its variation."""
    font = ImageFont.truetype(cjk_font_path(), max(1, int(size)), index=CJK_SC_INDEX)
    font.set_variation_by_axes([weight])
    return font


def missing_glyphs(font, text):
    """Characters of `text` that `font` would draw as its missing-glyph box (tofu), in order, without repeats."""
    notdef = _mask_signature(font, MISSING_PROBE)
    missing = []
    for char in dict.fromkeys(text):
        if not char.isspace() and _mask_signature(font, char) == notdef:
            missing.append(char)
    return missing


def _mask_signature(font, char):
    mask = font.getmask(char)
    return mask.size, bytes(mask)
