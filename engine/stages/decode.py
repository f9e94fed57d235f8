"""Stage: decode. First version; hardened by the engine I/O work (formats, limits, colour)."""

import io

import numpy as np
from PIL import Image, ImageOps

from ..errors import InvalidImage


def run(ctx):
    try:
        img = Image.open(io.BytesIO(ctx.source_bytes))
        img = ImageOps.exif_transpose(img).convert("RGB")
    except Exception as exc:
        raise InvalidImage(f"The file is not a readable image ({exc.__class__.__name__}).") from None
    ctx.image = np.asarray(img)
    ctx.source_size = img.size
