"""Stage: encode. First version; hardened by the engine I/O work (quality search, file-size targets)."""

import io

from PIL import Image


def run(ctx):
    p = ctx.params
    img = Image.fromarray(ctx.composed)
    buf = io.BytesIO()
    if p.format == "jpg":
        img.convert("RGB").save(buf, "JPEG", quality=p.quality or 92, dpi=(p.dpi, p.dpi))
    else:
        img.save(buf, "PNG", dpi=(p.dpi, p.dpi))
    ctx.encoded = buf.getvalue()
