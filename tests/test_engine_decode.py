"""Decode stage: every accepted format and colour layout, and every class of bad input with its message.

All fixtures are generated here in code (no files from ../shared).
"""

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageCms, features

from engine.context import Context
from engine.errors import InvalidImage
from engine.params import parse
from engine.stages import decode


def _decode(data):
    ctx = Context(params=parse({}), source_bytes=data)
    decode.run(ctx)
    return ctx


def _refused(data):
    with pytest.raises(InvalidImage) as caught:
        _decode(data)
    assert caught.value.state == -7
    return caught.value


def _photo(width=160, height=120):
    """A smooth colour test card: gradients compress predictably in every format."""
    yy, xx = np.mgrid[0:height, 0:width]
    red = xx * 255 // max(1, width - 1)
    green = yy * 255 // max(1, height - 1)
    blue = np.full_like(xx, 96)
    return np.dstack([red, green, blue]).astype(np.uint8)


def _encoded(image, fmt, **options):
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def _png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width, height):
    """A PNG that declares width x height greyscale pixels but carries a tiny compressed stream."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


# ------------------------------------------------------------------ bad inputs, one per class


def test_it_refuses_zero_bytes():
    error = _refused(b"")
    assert "empty" in error.message and "0 bytes" in error.message


def test_it_refuses_a_text_file():
    error = _refused(b"Dear team,\nplease find my photo attached.\n" * 20)
    assert "not an image in a supported format" in error.message
    assert "JPG" in error.message and "PNG" in error.message and "HEIC" in error.message


def test_it_refuses_corrupted_bytes_as_damaged():
    data = bytearray(_encoded(Image.fromarray(_photo()), "PNG"))
    start = data.index(b"IDAT") + 40
    data[start : start + 20] = bytes(20)  # the checksum no longer matches the compressed pixels
    error = _refused(bytes(data))
    assert "damaged or truncated" in error.message


def test_it_refuses_a_jpeg_with_a_garbled_header_as_damaged_not_as_unknown():
    data = bytearray(_encoded(Image.fromarray(_photo()), "JPEG"))
    data[20:400] = np.random.default_rng(3).integers(0, 255, 380, dtype=np.uint8).tobytes()
    error = _refused(bytes(data))
    assert "damaged or truncated" in error.message


def test_it_refuses_a_truncated_jpeg():
    data = _encoded(Image.fromarray(_photo(400, 300)), "JPEG", quality=90)
    error = _refused(data[: len(data) // 2])
    assert "damaged or truncated" in error.message


def test_it_refuses_a_jpeg_missing_only_its_last_bytes():
    data = _encoded(Image.fromarray(_photo(400, 300)), "JPEG", quality=90)
    error = _refused(data[:-40])
    assert "damaged or truncated" in error.message


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF", "BMP", "HEIF"])
@pytest.mark.parametrize("kept", [0.5, 0.99])
def test_it_refuses_truncated_files_of_every_format(fmt, kept):
    noisy = np.random.default_rng(5).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    data = _encoded(Image.fromarray(noisy), fmt)
    error = _refused(data[: int(len(data) * kept)])
    assert "damaged or truncated" in error.message


def test_it_refuses_a_file_over_30_mb_before_reading_it():
    data = b"\xff\xd8\xff\xe0" + bytes(31 * 1024 * 1024)
    error = _refused(data)
    assert "too large (31.0 MB)" in error.message and "maximum is 30 MB" in error.message


def test_it_accepts_a_file_of_exactly_30_mb():
    photo = _encoded(Image.fromarray(_photo()), "PNG")
    body = photo[: -len(b"\x00\x00\x00\x00IEND\xaeB`\x82")]
    filler = 30 * 1024 * 1024 - len(photo) - 12 - len(b"Comment\x00")
    padded = body + _png_chunk(b"tEXt", b"Comment\x00" + b" " * filler) + photo[len(body) :]
    assert len(padded) == 30 * 1024 * 1024
    assert _decode(padded).image.shape == (120, 160, 3)


def test_it_refuses_a_side_over_8192_px():
    data = _encoded(Image.new("RGB", (8193, 100), (10, 20, 30)), "PNG")
    error = _refused(data)
    assert "too many pixels (8193x100)" in error.message and "8192 px" in error.message


def test_it_refuses_more_than_50_megapixels_within_the_side_limit():
    error = _refused(_png_header_only(8192, 6200))  # 50.8 MP, never decoded
    assert "too many pixels (8192x6200)" in error.message and "50 megapixels" in error.message


def test_it_refuses_a_decompression_bomb_without_decoding_it():
    error = _refused(_png_header_only(100_000, 100_000))
    assert "too many pixels" in error.message and "8192" in error.message


def test_it_refuses_a_bomb_below_pillows_hard_limit_by_its_dimensions():
    with pytest.warns(Image.DecompressionBombWarning):
        error = _refused(_png_header_only(30_000, 3_000))
    assert "too many pixels (30000x3000)" in error.message


def test_it_names_a_known_but_unsupported_format():
    error = _refused(_encoded(Image.fromarray(_photo()), "GIF"))
    assert error.message.startswith("GIF images are not supported")


# ------------------------------------------------------------------ accepted formats


LOSSLESS = {"png": "PNG", "bmp": "BMP", "tiff": "TIFF"}
LOSSY = {
    "jpeg": ("JPEG", {"quality": 95}),
    "webp": ("WEBP", {"quality": 95}),
    "heif": ("HEIF", {"quality": 95}),
    "avif": ("AVIF", {"quality": 95}),
}


@pytest.mark.parametrize("name", sorted(LOSSLESS))
def test_it_decodes_lossless_formats_exactly(name):
    photo = _photo()
    ctx = _decode(_encoded(Image.fromarray(photo), LOSSLESS[name]))
    assert ctx.source_format == name
    assert ctx.source_size == (160, 120)
    assert ctx.image.dtype == np.uint8 and ctx.image.shape == (120, 160, 3)
    assert np.array_equal(ctx.image, photo)


@pytest.mark.parametrize("name", sorted(LOSSY))
def test_it_decodes_lossy_formats_including_heic(name):
    fmt, options = LOSSY[name]
    if name == "avif" and not features.check("avif"):
        pytest.skip("this Pillow build has no AVIF codec")
    photo = _photo()
    ctx = _decode(_encoded(Image.fromarray(photo), fmt, **options))
    assert ctx.source_format == name
    assert ctx.image.shape == (120, 160, 3)
    assert np.abs(ctx.image.astype(int) - photo).mean() < 4


def test_it_decodes_a_cmyk_jpeg():
    photo = _photo()
    ctx = _decode(_encoded(Image.fromarray(photo).convert("CMYK"), "JPEG", quality=95))
    assert ctx.measurements["source"]["mode"] == "CMYK"
    assert ctx.image.shape == (120, 160, 3)
    assert np.abs(ctx.image.astype(int) - photo).mean() < 4


def test_it_scales_a_16_bit_greyscale_png_to_8_bits():
    ramp = np.linspace(0, 65535, 256 * 64).reshape(64, 256).astype(np.uint16)
    ctx = _decode(_encoded(Image.fromarray(ramp), "PNG"))
    expected = np.round(ramp / 257.0)
    assert np.abs(ctx.image[..., 0].astype(int) - expected).max() <= 1
    assert np.array_equal(ctx.image[..., 0], ctx.image[..., 2])
    assert ctx.image.max() == 255  # scaled, not clipped to the low byte


def test_it_decodes_48_bit_png_and_tiff():
    photo = _photo().astype(np.uint16) * 257
    for ext in (".png", ".tiff"):
        ok, data = cv2.imencode(ext, photo[..., ::-1])  # OpenCV writes BGR
        assert ok
        ctx = _decode(data.tobytes())
        assert np.abs(ctx.image.astype(int) - _photo()).max() <= 1, ext


def test_it_turns_greyscale_into_three_equal_channels():
    grey = _photo()[..., 0]
    ctx = _decode(_encoded(Image.fromarray(grey, "L"), "PNG"))
    assert ctx.image.shape == (120, 160, 3)
    assert np.array_equal(ctx.image[..., 0], grey) and np.array_equal(ctx.image[..., 1], grey)


def test_it_decodes_a_palette_image_with_a_transparent_entry_over_white():
    palette_image = Image.fromarray(_photo()).quantize(colors=16)
    indices = np.array(palette_image)
    indices[:30, :] = 15
    palette_image = Image.fromarray(indices, "P")
    palette_image.putpalette(Image.fromarray(_photo()).quantize(colors=16).getpalette())
    ctx = _decode(_encoded(palette_image, "PNG", transparency=15))
    assert (ctx.image[:30] == 255).all()  # the transparent entry became white
    assert ctx.measurements["source"]["alpha"] is True
    assert not (ctx.image[40:] == 255).all()


def test_it_flattens_rgba_over_white_and_remembers_the_alpha():
    rgba = np.zeros((100, 100, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[..., 3] = 128  # half-transparent red
    rgba[:, 50:, 3] = 255
    ctx = _decode(_encoded(Image.fromarray(rgba, "RGBA"), "PNG"))
    half = ctx.image[10, 10].astype(int)
    assert half[0] == 255 and abs(half[1] - 127) <= 1 and abs(half[2] - 127) <= 1
    assert tuple(ctx.image[10, 80]) == (255, 0, 0)
    assert ctx.measurements["source"]["alpha"] is True


def test_it_ignores_an_alpha_band_that_is_fully_opaque():
    rgba = np.dstack([_photo(), np.full((120, 160), 255, np.uint8)])
    ctx = _decode(_encoded(Image.fromarray(rgba, "RGBA"), "PNG"))
    assert ctx.measurements["source"]["alpha"] is False
    assert np.array_equal(ctx.image, _photo())


def _left_red_landscape():
    stored = np.zeros((100, 200, 3), np.uint8)
    stored[:, :100] = (255, 0, 0)  # red on the left half, black on the right, as stored
    return Image.fromarray(stored)


def test_it_applies_exif_orientation_of_a_jpeg():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    ctx = _decode(_encoded(_left_red_landscape(), "JPEG", quality=95, exif=exif.tobytes()))
    assert ctx.source_size == (100, 200)  # portrait once upright
    assert ctx.image[20, 50, 0] > 200 and ctx.image[20, 50, 1] < 60  # the left half is now on top
    assert ctx.image[180, 50].max() < 60


def test_it_applies_exif_orientation_of_a_heic():
    exif = Image.Exif()
    exif[0x0112] = 8  # "rotate 90 degrees counter-clockwise to display"
    ctx = _decode(_encoded(_left_red_landscape(), "HEIF", quality=95, exif=exif.tobytes()))
    assert ctx.source_size == (100, 200)
    assert ctx.image[180, 50, 0] > 200  # left half ends at the bottom
    assert ctx.image[20, 50].max() < 60


def test_it_uses_the_first_frame_of_an_animated_file_and_says_so():
    frames = [Image.new("RGB", (60, 50), (v, v, v)) for v in (10, 200)]
    ctx = _decode(_encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True))
    assert int(ctx.image.mean()) == 10
    assert any("first one was used" in w for w in ctx.warnings)


# ------------------------------------------------------------------ colour profiles

# Adobe RGB (1998): primaries adapted to the D50 profile connection space, gamma 563/256.
ADOBE_RGB_D50 = {
    b"rXYZ": (0.60974, 0.31111, 0.01947),
    b"gXYZ": (0.20528, 0.62567, 0.06087),
    b"bXYZ": (0.14919, 0.06322, 0.74457),
}
ADOBE_GAMMA = 563 / 256
# Adobe RGB (D65) -> XYZ and XYZ -> linear sRGB, for an independent expected value.
ADOBE_TO_XYZ = np.array([[0.5767, 0.1856, 0.1882], [0.2973, 0.6274, 0.0753], [0.0270, 0.0707, 0.9911]])
XYZ_TO_SRGB = np.array([[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415], [0.0557, -0.2040, 1.0570]])


def _s15(value):
    return struct.pack(">i", round(value * 65536))


def _icc_matrix_profile(description, columns, gamma):
    """A minimal ICC v2 RGB display profile (matrix + gamma curves), built byte by byte."""

    def xyz(values):
        return b"XYZ " + bytes(4) + b"".join(_s15(v) for v in values)

    text = description.encode("ascii") + b"\x00"
    desc = b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    curve = b"curv" + bytes(4) + struct.pack(">I", 1) + struct.pack(">H", round(gamma * 256)) + bytes(2)
    tags = [(b"desc", desc), (b"wtpt", xyz((0.9642, 1.0, 0.82491))), (b"cprt", b"text" + bytes(4) + b"none\x00")]
    tags += [(name, xyz(values)) for name, values in columns.items()]
    tags += [(name, curve) for name in (b"rTRC", b"gTRC", b"bTRC")]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for name, data in tags:
        data += bytes(-len(data) % 4)
        table += name + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = struct.pack(">I", size) + bytes(4) + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ " + bytes(12)
    header += b"acsp" + bytes(4 + 4 + 4 + 4 + 8 + 4) + _s15(0.9642) + _s15(1.0) + _s15(0.82491)
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def _expected_srgb_from_adobe(rgb):
    linear = (np.asarray(rgb) / 255.0) ** ADOBE_GAMMA
    srgb_linear = np.clip(XYZ_TO_SRGB @ (ADOBE_TO_XYZ @ linear), 0, 1)
    encoded = np.where(srgb_linear <= 0.0031308, srgb_linear * 12.92, 1.055 * srgb_linear ** (1 / 2.4) - 0.055)
    return encoded * 255


def test_it_converts_an_adobe_rgb_photo_to_srgb():
    profile = _icc_matrix_profile("Adobe RGB (1998) test", ADOBE_RGB_D50, ADOBE_GAMMA)
    assert ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile))).strip()
    colours = [(60, 150, 70), (200, 120, 90), (128, 128, 128), (90, 110, 180)]
    image = np.zeros((40, 40 * len(colours), 3), np.uint8)
    for i, colour in enumerate(colours):
        image[:, 40 * i : 40 * (i + 1)] = colour
    ctx = _decode(_encoded(Image.fromarray(image), "PNG", icc_profile=profile))
    assert ctx.measurements["source"]["icc_profile"] == "Adobe RGB (1998) test"
    for i, colour in enumerate(colours):
        got = ctx.image[20, 40 * i + 20].astype(float)
        expected = _expected_srgb_from_adobe(colour)
        assert np.abs(got - expected).max() <= 3, (colour, got, expected)
    # the Adobe green is more saturated than the same numbers read as sRGB
    assert ctx.image[20, 20, 1] - ctx.image[20, 20, 0] > 150 - 60


def test_it_keeps_working_when_the_embedded_profile_is_garbage():
    photo = _photo()
    ctx = _decode(_encoded(Image.fromarray(photo), "PNG", icc_profile=b"not really a profile" * 10))
    assert np.array_equal(ctx.image, photo)
    assert any("colour profile" in w for w in ctx.warnings)
