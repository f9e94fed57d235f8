"""Stage: label. `add_label=1` writes `label_text` on a white strip at the bottom of the photo.

The strip is laid OVER the bottom rows of the photo rather than added below it: the document keeps
exactly the pixel size (and so the millimetre size at its dpi) that was asked for, and the head
measurements made by the geometry stage stay true. The strip covers shoulders; if it is tall enough to
reach the chin we say so in the warnings.

Text is black, one line, centred, in Noto Sans CJK (Chinese, Latin and digits), as large as fits: at most
60% of the strip height and 92% of the photo width. Text too long even at the smallest legible size is
cut with an ellipsis, with a warning.
"""

import numpy as np
from PIL import Image, ImageDraw

from ..fonts import MEDIUM, cjk_font, missing_glyphs
from ..mesh import CHIN

DEFAULT_HEIGHT_FRACTION = 0.08
MIN_DEFAULT_HEIGHT = 20
TEXT_HEIGHT_FRACTION = 0.6
TEXT_WIDTH_FRACTION = 0.92
MIN_FONT_PX = 8
STRIP_COLOUR = (255, 255, 255)
TEXT_COLOUR = (0, 0, 0)
# Sample that spans the tallest CJK glyphs and the Latin descenders: centring on it (rather than on the
# ink of the actual text) keeps the baseline where a reader expects it whatever the text holds.
METRIC_SAMPLE = "国Hgj"


def run(ctx):
    p = ctx.params
    if not p.add_label:
        return
    text = " ".join(p.label_text.split())  # one line: newlines and runs of spaces become single spaces
    if not text:
        ctx.warn("add_label=1 but label_text is empty: no label was added.")
        return
    height = ctx.composed.shape[0]
    strip = strip_height(height, p.label_height)
    ctx.composed = draw_label(ctx.composed, text, strip, ctx)
    _warn_if_chin_covered(ctx, height - strip)


def strip_height(photo_height, asked=None):
    if asked:
        return int(min(asked, photo_height - 1))
    return int(min(photo_height - 1, max(MIN_DEFAULT_HEIGHT, round(photo_height * DEFAULT_HEIGHT_FRACTION))))


def draw_label(image, text, strip, ctx=None):
    """A copy of `image` (HxWx3 or HxWx4 uint8) with the strip and the text drawn over its bottom rows."""
    out = np.array(image, dtype=np.uint8, copy=True)
    height, width = out.shape[:2]
    top = height - strip
    out[top:, :, :3] = STRIP_COLOUR
    if out.shape[2] == 4:
        out[top:, :, 3] = 255  # the strip is opaque even on a transparent photo
    text, font = fit_text(text, width * TEXT_WIDTH_FRACTION, strip * TEXT_HEIGHT_FRACTION, ctx)
    strip_img = Image.fromarray(out[top:, :, :3])
    draw = ImageDraw.Draw(strip_img)
    sample = font.getbbox(METRIC_SAMPLE)
    ink = font.getbbox(text)
    x = (width - (ink[2] - ink[0])) / 2 - ink[0]
    y = (strip - (sample[3] - sample[1])) / 2 - sample[1]
    draw.text((x, y), text, font=font, fill=TEXT_COLOUR)
    out[top:, :, :3] = np.asarray(strip_img)
    if ctx is not None:
        missing = missing_glyphs(font, text)
        if missing:
            ctx.warn("The label font has no glyph for: " + " ".join(missing) + " (drawn as boxes).")
    return out


def fit_text(text, max_width, max_height, ctx=None):
    """-> (text, font): the largest font whose rendering of `text` fits in max_width x max_height."""
    size = _largest_size(text, max_width, max_height)
    if size is not None:
        return text, cjk_font(size, MEDIUM)
    font = cjk_font(MIN_FONT_PX, MEDIUM)
    while len(text) > 1 and _width(font, text + "…") > max_width:
        text = text[:-1]
    if ctx is not None:
        ctx.warn("The label text is too long for the photo width; it was shortened.")
    return text.rstrip() + "…", font


def _largest_size(text, max_width, max_height):
    """Binary search on the font size; None when even MIN_FONT_PX is too wide."""
    low, high = MIN_FONT_PX, max(MIN_FONT_PX, int(max_height / 0.8) + 1)
    if not _fits(text, low, max_width, max_height):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(text, middle, max_width, max_height):
            low = middle
        else:
            high = middle - 1
    return low


def _fits(text, size, max_width, max_height):
    font = cjk_font(size, MEDIUM)
    sample = font.getbbox(METRIC_SAMPLE)
    # A strip lower than the smallest legible text still gets that text (it may touch the strip edges).
    tall_enough = size == MIN_FONT_PX or (sample[3] - sample[1]) <= max_height
    return tall_enough and _width(font, text) <= max_width


def _width(font, text):
    box = font.getbbox(text)
    return box[2] - box[0]


def _warn_if_chin_covered(ctx, strip_top):
    landmarks = ctx.canvas_landmarks
    if landmarks is None or len(landmarks) <= CHIN:
        return
    if float(landmarks[CHIN][1]) > strip_top:
        ctx.warn("The label strip covers the chin; use a smaller label_height.")
