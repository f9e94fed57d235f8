"""Encode stage: dpi in the file, quality, and honest min/max file-size targets (synthetic images only)."""

import io
import struct

import numpy as np
import pytest
from PIL import Image

from engine.context import Context
from engine.errors import FileSizeUnreachable
from engine.params import parse
from engine.stages import encode

W, H = 295, 413


def _photo_like(seed=0, noise=12.0):
    """Gradients plus sensor-like noise: compresses like a real photo, not like a flat test card."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    base = np.dstack([120 + 80 * np.sin(xx / 40), 100 + yy / 5, 160 - xx / 4])
    return np.clip(base + rng.normal(0, noise, (H, W, 3)), 0, 255).astype(np.uint8)


def _encode(pixels, **params):
    ctx = Context(params=parse({k: str(v) for k, v in params.items()}), source_bytes=b"")
    ctx.composed = pixels
    encode.run(ctx)
    return ctx


def _reopen(data):
    image = Image.open(io.BytesIO(data))
    image.load()  # raises on a damaged stream
    return image


def _jpeg_markers(data):
    """Marker bytes of the segments before the scan, in file order."""
    markers, offset = [], 2
    while data[offset] == 0xFF and data[offset + 1] != 0xDA:
        markers.append(data[offset + 1])
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return markers


# ------------------------------------------------------------------ dpi and quality


@pytest.mark.parametrize("fmt", ["png", "jpg"])
@pytest.mark.parametrize("dpi", [300, 350, 72])
def test_it_writes_the_dpi_into_the_file(fmt, dpi):
    ctx = _encode(_photo_like(), format=fmt, dpi=dpi)
    image = _reopen(ctx.encoded)
    assert image.format == ("PNG" if fmt == "png" else "JPEG")
    assert [round(v) for v in image.info["dpi"]] == [dpi, dpi]
    if fmt == "jpg":
        assert image.info["jfif_unit"] == 1 and image.info["jfif_density"] == (dpi, dpi)


def test_it_uses_the_quality_asked_for_a_jpeg():
    low = _encode(_photo_like(), format="jpg", quality=20)
    high = _encode(_photo_like(), format="jpg", quality=95)
    assert low.measurements["file_size"]["quality"] == 20
    assert len(low.encoded) < len(high.encoded) / 2


def test_it_ignores_size_targets_when_quality_is_given():
    ctx = _encode(_photo_like(), format="jpg", quality=90, max_file_size=1000)
    size = ctx.measurements["file_size"]
    assert size["min"] is None and size["max"] is None and size["met"] is True
    assert size["bytes"] == len(ctx.encoded) > 1000


def test_it_always_records_the_file_size():
    ctx = _encode(_photo_like(), format="png")
    assert ctx.measurements["file_size"] == {
        **ctx.measurements["file_size"],
        "bytes": len(ctx.encoded),
        "met": True,
    }


def test_it_flattens_an_rgba_image_over_white_for_jpeg():
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., 3] = 0
    rgba[100:200, 100:200] = (255, 0, 0, 255)
    pixels = np.asarray(_reopen(_encode(rgba, format="jpg").encoded))
    assert pixels[20, 20].min() > 245  # transparent -> white, not black
    assert pixels[150, 150, 0] > 230 and pixels[150, 150, 1] < 30


def test_it_keeps_alpha_in_a_png():
    rgba = np.dstack([_photo_like(), np.full((H, W), 77, np.uint8)])
    image = _reopen(_encode(rgba, format="png").encoded)
    assert image.mode == "RGBA" and np.asarray(image)[..., 3].max() == 77


# ------------------------------------------------------------------ JPEG size targets


def test_it_finds_a_jpeg_quality_under_the_maximum():
    default_size = len(_encode(_photo_like(), format="jpg").encoded)
    target = default_size // 3
    ctx = _encode(_photo_like(), format="jpg", max_file_size=target)
    size = ctx.measurements["file_size"]
    assert len(ctx.encoded) <= target and size["met"] is True and size["bytes"] == len(ctx.encoded)
    assert size["quality"] < encode.DEFAULT_JPEG_QUALITY and size["padding"] == 0
    # the best such quality: one step up no longer fits
    subsampling = 0 if size["subsampling"] == "4:4:4" else 2
    one_up = encode.jpeg_bytes(Image.fromarray(_photo_like()), 300, size["quality"] + 1, subsampling)
    assert len(one_up) > target
    assert _reopen(ctx.encoded).size == (W, H)


def test_it_lands_inside_a_min_max_window_for_a_jpeg():
    default_size = len(_encode(_photo_like(), format="jpg").encoded)
    low, high = default_size // 4, default_size // 3
    ctx = _encode(_photo_like(), format="jpg", min_file_size=low, max_file_size=high)
    assert low <= len(ctx.encoded) <= high
    assert ctx.measurements["file_size"]["met"] is True and not ctx.warnings


def test_it_raises_jpeg_quality_before_padding_to_a_minimum():
    default_size = len(_encode(_photo_like(), format="jpg").encoded)
    ctx = _encode(_photo_like(), format="jpg", min_file_size=default_size + 500)
    size = ctx.measurements["file_size"]
    assert size["met"] is True and size["quality"] > encode.DEFAULT_JPEG_QUALITY and size["padding"] == 0


def test_it_pads_a_too_small_jpeg_with_comment_segments_before_the_scan():
    flat = np.full((H, W, 3), (67, 142, 219), np.uint8)  # compresses to almost nothing, even at quality 100
    target = 150_000  # needs more than one 64 KB comment segment
    ctx = _encode(flat, format="jpg", min_file_size=target, max_file_size=target + 10)
    data = ctx.encoded
    assert target <= len(data) <= target + 10 and ctx.measurements["file_size"]["met"] is True
    assert data.endswith(b"\xff\xd9")  # nothing after the end-of-image marker
    markers = _jpeg_markers(data)
    assert markers[0] == 0xE0 and markers.count(0xFE) >= 3  # JFIF first, then the comment segments
    image = _reopen(data)
    assert image.format == "JPEG" and [round(v) for v in image.info["dpi"]] == [300, 300]
    unpadded = _reopen(encode.jpeg_bytes(Image.fromarray(flat), 300, ctx.measurements["file_size"]["quality"]))
    assert np.array_equal(np.asarray(image), np.asarray(unpadded))  # same pixels, only metadata added


def _unreachable(pixels, **params):
    with pytest.raises(FileSizeUnreachable) as info:
        _encode(pixels, **params)
    return info.value


def test_it_fails_an_impossible_jpeg_maximum_with_a_check_naming_the_smallest_size():
    error = _unreachable(_photo_like(noise=40), format="jpg", max_file_size=800)
    smallest = len(encode.jpeg_bytes(Image.fromarray(_photo_like(noise=40)), 300, 1, encode.SUBSAMPLING_420))
    assert error.state == -14 and error.kind == "file_size"
    assert "max_file_size (800 bytes)" in error.message and f"smallest we could make is {smallest} bytes" in error.message
    [check] = error.data["checks"]
    assert check["id"] == "file_size" and check["status"] == "fail"
    assert (check["value"], check["threshold"], check["unit"]) == (smallest, 800, "bytes")
    assert "max_file_size" in check["fix"]


@pytest.mark.parametrize("extra", [1, 3, 4, 5, 65537, 65540, 131075])
def test_it_pads_a_jpeg_by_exactly_the_bytes_asked_when_possible(extra):
    data = encode.jpeg_bytes(Image.fromarray(_photo_like()), 300, 80)
    padded = encode.pad_jpeg(data, extra)
    assert len(padded) - len(data) == max(extra, 4)
    assert np.array_equal(np.asarray(_reopen(padded)), np.asarray(_reopen(data)))


# ------------------------------------------------------------------ PNG size targets


def test_it_gets_a_png_under_the_maximum_with_a_palette_when_needed():
    lossless = len(_encode(_photo_like(), format="png").encoded)
    target = lossless // 2
    ctx = _encode(_photo_like(), format="png", max_file_size=target)
    size = ctx.measurements["file_size"]
    assert len(ctx.encoded) <= target and size["met"] is True
    assert size["colors"] in encode.PNG_PALETTE_SIZES
    image = _reopen(ctx.encoded)
    assert image.mode == "P" and [round(v) for v in image.info["dpi"]] == [300, 300]
    # still a faithful picture: palette plus dithering, not posterised mush
    error = np.abs(np.asarray(image.convert("RGB")).astype(int) - _photo_like()).mean()
    assert error < 20


def test_it_tries_lossless_optimisation_before_a_palette():
    lossless = _encode(_photo_like(), format="png")
    optimised = len(encode.png_bytes(Image.fromarray(_photo_like()), 300, 9, optimize=True))
    assert optimised < len(lossless.encoded)
    ctx = _encode(_photo_like(), format="png", max_file_size=optimised)
    assert ctx.measurements["file_size"]["colors"] is None and ctx.measurements["file_size"]["met"] is True
    assert np.array_equal(np.asarray(_reopen(ctx.encoded)), _photo_like())


def test_it_pads_a_too_small_png_with_a_text_chunk_before_iend():
    ctx = _encode(_photo_like(), format="png", min_file_size=500_000)
    data = ctx.encoded
    assert 500_000 <= len(data) < 500_000 + encode.PNG_TEXT_OVERHEAD
    assert ctx.measurements["file_size"]["met"] is True and ctx.measurements["file_size"]["padding"] > 0
    assert data.endswith(encode.PNG_IEND)  # IEND is still the last chunk
    assert data.index(b"tEXtComment") < data.index(b"IEND")
    image = _reopen(data)
    assert np.array_equal(np.asarray(image), _photo_like())
    assert image.info["Comment"].startswith("idphoto: padding")


def test_it_fails_an_impossible_png_maximum():
    error = _unreachable(_photo_like(noise=60), format="png", max_file_size=2000)
    [check] = error.data["checks"]
    assert "max_file_size (2000 bytes)" in error.message and check["value"] > 2000 and "format=jpg" in check["fix"]


def test_it_maps_png_quality_to_compression_so_a_larger_quality_gives_a_larger_file():
    sizes = {q: len(_encode(_photo_like(), format="png", quality=q).encoded) for q in (1, 10, 50, 100)}
    assert sizes[1] <= sizes[10] <= sizes[50] < sizes[100]
    assert sizes[10] < sizes[100]  # the attack run saw the same bytes for 10 and 100
    assert (encode.png_level(100), encode.png_level(1), encode.png_level(10)) == (0, 9, 8)
    for q in (1, 100):  # still lossless
        assert np.array_equal(np.asarray(_reopen(_encode(_photo_like(), format="png", quality=q).encoded)), _photo_like())
