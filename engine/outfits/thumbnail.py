"""Gallery thumbnails: each outfit drawn on a plain bust (neck and shoulders of a typical person)."""

import io
from functools import lru_cache

import numpy as np
from PIL import Image

from .catalog import OUTFITS
from .fit import synthetic
from .garments import render
from .paint import Field, Painter

THUMB_SIZE = 192
BACKGROUND = (238, 240, 243)
SKIN = (226, 188, 166)


@lru_cache(maxsize=len(OUTFITS) * 2)
def thumbnail_png(outfit_id, size=THUMB_SIZE):
    """PNG bytes of `outfit_id` on a bust, size x size px (cached per process)."""
    fit = synthetic(size, size, SKIN)
    backdrop = np.empty((size, size, 3), np.float32)
    backdrop[:] = BACKGROUND
    backdrop *= np.linspace(1.0, 0.93, size, dtype=np.float32)[:, None, None]
    neck = Painter(size, size)
    top = fit.collar_y - 1.6 * fit.neck
    column = [
        (fit.cx - fit.neck, top),
        (fit.cx + fit.neck, top),
        (fit.cx + fit.neck * 1.05, fit.collar_y + fit.neck),
        (fit.cx - fit.neck * 1.05, fit.collar_y + fit.neck),
    ]
    shade = np.repeat(np.linspace(0.86, 1.0, size, dtype=np.float32)[:, None], size, axis=1)  # chin's shadow
    neck.paint(neck.mask([column]), Field(SKIN, shade))
    rgb, cov = neck.result()
    image = backdrop * (1 - cov[..., None]) + rgb * cov[..., None]
    rgb, cov = render(OUTFITS[outfit_id], fit)
    image = image * (1 - cov[..., None]) + rgb * cov[..., None]
    buf = io.BytesIO()
    Image.fromarray(np.clip(image + 0.5, 0, 255).astype(np.uint8)).save(buf, "PNG", optimize=True)
    return buf.getvalue()
