"""Stage: encode. `ctx.composed` -> `ctx.encoded`: PNG or JPEG bytes with the dpi written in the file.

- dpi: PNG pHYs chunk (pixels per metre), JPEG JFIF density (dots per inch).
- JPEG `quality` 1-100 as given. Without it: quality 92. Chroma is kept at full resolution (4:4:4) from
  quality 80 up, because 4:2:0 smears colour at the hair line on red and blue backgrounds.
- PNG is lossless, so `quality` sets the zlib compression level instead, keeping the seed's promise that a
  larger value means a larger file: quality 100 -> level 0 (stored), 1 -> level 9 (smallest), linear in
  between (png_level). Without quality: level 4, or the strongest (9, optimised) when a maximum file size
  asks for it.
- File-size targets (`min_file_size` / `max_file_size`, only when quality is empty):
  JPEG: binary search on quality for the best quality under the maximum, first with 4:4:4 chroma, then, if
  that would fall below quality 80, with 4:2:0. A file under the minimum first gets a higher quality; if
  quality 100 is still too small, it is padded with COM (comment) segments placed before the image data.
  PNG: optimised compression, then palette quantisation (256 down to 32 colours, dithered) to get under the
  maximum; a file under the minimum is padded with a tEXt "Comment" chunk placed before IEND.
  Padding is a standard metadata segment every decoder skips; no byte is ever written after the end marker.
  A maximum that cannot be met (the smallest encoding is still larger) is a hard failure: FileSizeUnreachable
  (state -14, not charged) with a `file_size` check that says the smallest size reached.
"""

import io
import struct
import zlib

import numpy as np
from PIL import Image

from ..compliance.base import Check
from ..errors import FileSizeUnreachable
from .background import WHITE, background_image, composite

DEFAULT_JPEG_QUALITY = 92
FULL_CHROMA_MIN_QUALITY = 80
SUBSAMPLING_444, SUBSAMPLING_420 = 0, 2
SUBSAMPLING_NAMES = {SUBSAMPLING_444: "4:4:4", SUBSAMPLING_420: "4:2:0"}
# zlib level 4: within 1-3% of level 6's size on ID photos at 2-3 times the speed.
DEFAULT_PNG_LEVEL = 4
MAX_PNG_LEVEL = 9
PNG_PALETTE_SIZES = (256, 128, 64, 32)
PADDING_TEXT = b"idphoto: padding added to reach the requested minimum file size. "
JPEG_SOI = b"\xff\xd8"
JPEG_COM = b"\xff\xfe"
JPEG_SEGMENT_OVERHEAD = 4  # marker + 2-byte length
JPEG_MAX_COM_PAYLOAD = 65533
PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
PNG_TEXT_KEYWORD = b"Comment"
PNG_TEXT_OVERHEAD = 12 + len(PNG_TEXT_KEYWORD) + 1  # length, type, CRC, keyword and its NUL


def run(ctx):
    p = ctx.params
    image = _as_image(ctx.composed, p.format)
    low, high = (None, None) if p.quality is not None else (p.min_file_size, p.max_file_size)
    if p.format == "jpg":
        data, info = encode_jpeg(image, p.dpi, p.quality, low, high)
    else:
        level = DEFAULT_PNG_LEVEL if p.quality is None else png_level(p.quality)
        data, info = encode_png(image, p.dpi, low, high, level)
    ctx.encoded = data
    met = within(len(data), low, high)
    ctx.measurements["file_size"] = {"bytes": len(data), "min": low, "max": high, "met": met, **info}
    if not met:
        raise _unmet(len(data), low, high, p)


def within(size, low, high):
    return (low is None or size >= low) and (high is None or size <= high)


def png_level(quality):
    """zlib level for a PNG `quality` (1-100): a larger quality gives a larger file, as the seed says."""
    return round((100 - quality) * MAX_PNG_LEVEL / 99)


def _unmet(size, low, high, params):
    """The failure for a size target no encoding reached (padding always reaches a minimum, so: a maximum)."""
    if high is not None and size > high:
        wanted, name = high, "max_file_size"
        text = (
            f"The file cannot be made as small as max_file_size ({high} bytes) at {params.width}x{params.height} "
            f"px: the smallest we could make is {size} bytes."
        )
        fix = "Allow a larger max_file_size, ask for fewer pixels" + (
            ", or use format=jpg." if params.format == "png" else "."
        )
    else:
        wanted, name = low, "min_file_size"
        text = f"The file could not be brought to min_file_size ({low} bytes); it is {size} bytes."
        fix = "Ask for a smaller min_file_size."
    check = Check("file_size", f"File size ({name})", "fail", size, wanted, "bytes", fix)
    return FileSizeUnreachable(f"{text} {fix}", [check.as_dict()])


def _as_image(pixels, fmt):
    pixels = np.asarray(pixels, dtype=np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 4 and fmt == "jpg":
        # JPEG has no alpha: flatten over white rather than letting transparent pixels turn black.
        alpha = pixels[..., 3].astype(np.float32) / 255.0
        white = background_image(pixels.shape[1], pixels.shape[0], WHITE)
        pixels = composite(np.ascontiguousarray(pixels[..., :3]), alpha, white)
    return Image.fromarray(pixels)


# ---------------------------------------------------------------- JPEG


def jpeg_bytes(image, dpi, quality, subsampling=None):
    if subsampling is None:
        subsampling = SUBSAMPLING_444 if quality >= FULL_CHROMA_MIN_QUALITY else SUBSAMPLING_420
    rgb = image.convert("RGB")
    try:
        return _jpeg_save(rgb, dpi, quality, subsampling, optimize=True)
    except OSError:
        # Pillow sizes its Huffman-optimisation buffer from the pixel count; very noisy images at high
        # quality overflow it. Standard tables work at any size.
        return _jpeg_save(rgb, dpi, quality, subsampling, optimize=False)


def _jpeg_save(rgb, dpi, quality, subsampling, optimize):
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", quality=int(quality), subsampling=subsampling, optimize=optimize, dpi=(dpi, dpi))
    return buf.getvalue()


def encode_jpeg(image, dpi, quality=None, low=None, high=None):
    """-> (bytes, info). With `quality`, just that; otherwise search for the size window [low, high]."""
    if quality is not None or (low is None and high is None):
        q = quality or DEFAULT_JPEG_QUALITY
        return jpeg_bytes(image, dpi, q), _jpeg_info(q)
    cache = {}

    def encoded(q, subsampling):
        key = (q, subsampling)
        if key not in cache:
            cache[key] = jpeg_bytes(image, dpi, q, subsampling)
        return cache[key]

    q, subsampling = DEFAULT_JPEG_QUALITY, SUBSAMPLING_444
    if high is not None and len(encoded(q, subsampling)) > high:
        found = _best_under(encoded, high)
        if found is None:  # even the smallest encoding is too big: hand it back, reported as unmet
            return encoded(1, SUBSAMPLING_420), _jpeg_info(1, SUBSAMPLING_420)
        q, subsampling = found
    elif low is not None and len(encoded(q, subsampling)) < low:
        q = _lowest_quality_reaching(lambda v: len(encoded(v, subsampling)), low, q, high)
    data = encoded(q, subsampling)
    info = _jpeg_info(q, subsampling)
    if low is not None and len(data) < low:
        data = pad_jpeg(data, low - len(data))
        info["padding"] = len(data) - len(encoded(q, subsampling))
    return data, info


def _jpeg_info(quality, subsampling=None):
    if subsampling is None:
        subsampling = SUBSAMPLING_444 if quality >= FULL_CHROMA_MIN_QUALITY else SUBSAMPLING_420
    return {"quality": quality, "subsampling": SUBSAMPLING_NAMES[subsampling], "padding": 0}


def _best_under(encoded, high):
    """Best (quality, subsampling) whose file is <= high: 4:4:4 if it keeps quality >= 80, else 4:2:0."""
    full = _highest_quality_under(lambda q: len(encoded(q, SUBSAMPLING_444)), high)
    if full is not None and full >= FULL_CHROMA_MIN_QUALITY:
        return full, SUBSAMPLING_444
    reduced = _highest_quality_under(lambda q: len(encoded(q, SUBSAMPLING_420)), high)
    candidates = [(q, s) for q, s in ((reduced, SUBSAMPLING_420), (full, SUBSAMPLING_444)) if q is not None]
    return max(candidates, key=lambda c: c[0]) if candidates else None


def _highest_quality_under(size_at, high, top=DEFAULT_JPEG_QUALITY):
    """Largest quality in 1..top with size_at(q) <= high, assuming size grows with quality; None if none."""
    if size_at(1) > high:
        return None
    low_q, high_q = 1, top
    while low_q < high_q:
        middle = (low_q + high_q + 1) // 2
        if size_at(middle) <= high:
            low_q = middle
        else:
            high_q = middle - 1
    return low_q


def _lowest_quality_reaching(size_at, low, start, high):
    """Smallest quality in start..100 whose size is >= low (and <= high when given); else the best under high."""
    best = start
    for q in range(start + 1, 101):
        size = size_at(q)
        if high is not None and size > high:
            break  # jumped over the window: pad the last one that fitted instead
        best = q
        if size >= low:
            break
    return best


def pad_jpeg(data, extra):
    """Insert COM segments totalling at least `extra` bytes right after the JFIF header (before the scan)."""
    if not data.startswith(JPEG_SOI):
        raise ValueError("not a JPEG stream")
    insert_at = _after_app_segments(data)
    segments = []
    remaining = max(extra, JPEG_SEGMENT_OVERHEAD)
    while remaining > 0:
        payload_len = min(JPEG_MAX_COM_PAYLOAD, remaining - JPEG_SEGMENT_OVERHEAD)
        left_after = remaining - (payload_len + JPEG_SEGMENT_OVERHEAD)
        if 0 < left_after < JPEG_SEGMENT_OVERHEAD:
            payload_len -= JPEG_SEGMENT_OVERHEAD  # leave room for a last segment of at least its header
        segments.append(_com_segment(payload_len))
        remaining -= payload_len + JPEG_SEGMENT_OVERHEAD
    return data[:insert_at] + b"".join(segments) + data[insert_at:]


def _com_segment(payload_len):
    payload = (PADDING_TEXT * (payload_len // len(PADDING_TEXT) + 1))[:payload_len]
    return JPEG_COM + struct.pack(">H", payload_len + 2) + payload


def _after_app_segments(data):
    """Offset just past SOI and the APPn segments that follow it (JFIF, EXIF...)."""
    offset = len(JPEG_SOI)
    while data[offset] == 0xFF and 0xE0 <= data[offset + 1] <= 0xEF:
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return offset


# ---------------------------------------------------------------- PNG


def png_bytes(image, dpi, level=DEFAULT_PNG_LEVEL, optimize=False):
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(dpi, dpi), compress_level=level, optimize=optimize)
    return buf.getvalue()


def encode_png(image, dpi, low=None, high=None, level=DEFAULT_PNG_LEVEL):
    """-> (bytes, info). Lossless unless a maximum size forces a palette; padded up to a minimum size."""
    data = png_bytes(image, dpi, level)
    info = {"compression": level, "colors": None, "padding": 0}
    if high is not None and len(data) > high:
        data, info = _smaller_png(image, dpi, high)
    if low is not None and len(data) < low:
        unpadded = len(data)
        data = pad_png(data, low - len(data))
        info["padding"] = len(data) - unpadded
    return data, info


def _smaller_png(image, dpi, high):
    """Strongest lossless compression, then fewer and fewer palette colours; the smallest if none fits."""
    smallest = png_bytes(image, dpi, MAX_PNG_LEVEL, optimize=True)
    info = {"compression": MAX_PNG_LEVEL, "colors": None, "padding": 0}
    if len(smallest) <= high:
        return smallest, info
    for colors in PNG_PALETTE_SIZES:
        data = png_bytes(_quantized(image, colors), dpi, MAX_PNG_LEVEL, optimize=True)
        if len(data) < len(smallest):
            smallest, info = data, {"compression": MAX_PNG_LEVEL, "colors": colors, "padding": 0}
        if len(data) <= high:
            break
    return smallest, info


def _quantized(image, colors):
    # Median cut handles RGB best; RGBA needs the octree method (the only built-in one keeping alpha).
    method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
    return image.quantize(colors=colors, method=method, dither=Image.Dither.FLOYDSTEINBERG)


def pad_png(data, extra):
    """Insert one tEXt Comment chunk of at least `extra` bytes just before IEND."""
    if not data.endswith(PNG_IEND):
        raise ValueError("PNG stream does not end with IEND")
    text_len = max(0, extra - PNG_TEXT_OVERHEAD)
    text = (PADDING_TEXT * (text_len // len(PADDING_TEXT) + 1))[:text_len]
    body = PNG_TEXT_KEYWORD + b"\x00" + text
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return data[: -len(PNG_IEND)] + chunk + PNG_IEND
