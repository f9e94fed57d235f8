"""Stage: watermark. `preview=1` covers the whole photo, face included, with a tiled diagonal mark.

"PREVIEW · idphoto" is repeated in staggered rows at 30 degrees, white with a dark outline so it reads on
any background and on any skin or hair. Rows are about two text heights apart, so every crop large enough
to be used as an ID photo (even the face alone) still carries several marks. Drawn after the label.
"""

import functools
import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ..fonts import BOLD, cjk_font

TEXT = "PREVIEW · idphoto"
ANGLE_DEG = 30
OPACITY = 0.55  # of the white fill and the dark outline
FONT_FRACTION = 1 / 12  # of the shorter side
MIN_FONT_PX = 12
ROW_GAP = 0.9  # blank space between rows, in text heights
WORD_GAP = 1.0  # blank space between repeats on a row, in text heights


def run(ctx):
    if not ctx.params.preview:
        return
    ctx.composed = apply_watermark(ctx.composed)


def apply_watermark(image):
    """A copy of `image` (HxWx3 or HxWx4 uint8) with the tiled watermark composited over it."""
    height, width = image.shape[:2]
    overlay = Image.fromarray(watermark_overlay(width, height), "RGBA")
    has_alpha = image.shape[2] == 4
    base = Image.fromarray(image, "RGBA" if has_alpha else "RGB").convert("RGBA")
    marked = Image.alpha_composite(base, overlay)
    return np.asarray(marked if has_alpha else marked.convert("RGB")).copy()


@functools.lru_cache(maxsize=16)
def _overlay_bytes(width, height):
    size = max(MIN_FONT_PX, round(min(width, height) * FONT_FRACTION))
    font = cjk_font(size, BOLD)
    stroke = max(1, round(size / 12))
    left, top, right, bottom = font.getbbox(TEXT, stroke_width=stroke)
    text_w, text_h = right - left, bottom - top
    side = math.ceil(math.hypot(width, height)) + 2  # the rotated crop stays inside this square
    tile = Image.new("RGBA", (text_w, text_h), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text(
        (-left, -top), TEXT, font=font, fill=(255, 255, 255, 255), stroke_width=stroke, stroke_fill=(20, 20, 20, 255)
    )
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    step_x = text_w + round(text_h * WORD_GAP)
    step_y = text_h + round(text_h * ROW_GAP)
    for row, y in enumerate(range(-text_h, side, step_y)):
        shift = (row % 2) * step_x // 2  # stagger rows so marks do not line up into clean columns
        for x in range(-step_x + shift, side, step_x):
            layer.paste(tile, (x, y))  # tiles never overlap: a plain copy is enough
    # Rotate about the layer centre and cut the output window out of it in one resampling pass.
    matrix = cv2.getRotationMatrix2D((side / 2, side / 2), ANGLE_DEG, 1.0)
    matrix[:, 2] -= ((side - width) / 2, (side - height) / 2)
    pixels = cv2.warpAffine(np.asarray(layer), matrix, (width, height), flags=cv2.INTER_LINEAR)
    pixels[..., 3] = (pixels[..., 3].astype(np.float32) * OPACITY + 0.5).astype(np.uint8)
    return pixels.tobytes()


def watermark_overlay(width, height):
    """HxWx4 uint8 straight-alpha overlay for an image of this size (cached per size)."""
    return np.frombuffer(_overlay_bytes(width, height), dtype=np.uint8).reshape(height, width, 4)
