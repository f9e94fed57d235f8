"""Stage: decode. Uploaded bytes -> `ctx.image`, an HxWx3 uint8 sRGB array, upright.

Accepts JPEG (also MPO from cameras), PNG, BMP, WEBP, TIFF, HEIC/HEIF and AVIF. Refuses, with a sentence
that says what is wrong, anything else: empty or oversized files, more than MAX_SIDE px on a side or
MAX_PIXELS in all (phones shoot up to 50 MP, 8160x6120; the header is read first, so a decompression bomb
is refused before any pixel is decoded), damaged or truncated data, unknown formats.

Phone-sized photos are brought down as early as possible: a JPEG is decoded at a reduced DCT scale
(`draft`: a 48 MP photo at half scale, 4000x3000, a quarter of the memory and much faster than a full
decode), anything else is reduced to WORK_MAX_SIDE on its long side right after decoding. No output needs more: the largest is 2000 px, and detection
and matting work at 1280 and 1024 px.

Colour: EXIF orientation is applied; 16-bit samples are scaled to 8 bits; an embedded ICC profile
(Adobe RGB, Display P3, a CMYK press profile, a grey profile...) is converted to sRGB with LittleCMS;
transparent pixels are flattened over white, because detection and matting expect an opaque photo.
"""

import functools
import io
import struct
import zlib

import numpy as np
import pillow_heif
from PIL import Image, ImageCms, ImageFile, ImageOps

from ..contract import MAX_DOWNLOAD_BYTES, MAX_DOWNLOAD_MB
from ..errors import InvalidImage

# The largest input of any kind (an image_url download); uploads are held to their smaller limit before.
MAX_FILE_BYTES = MAX_DOWNLOAD_BYTES
MAX_SIDE = 8192
MAX_PIXELS = 50_000_000
WORK_MAX_SIDE = 4096
# Pillow format name -> the name we report. MPO is a JPEG with extra frames (phones, stereo cameras).
ACCEPTED_FORMATS = {
    "JPEG": "jpeg",
    "MPO": "jpeg",
    "PNG": "png",
    "BMP": "bmp",
    "DIB": "bmp",
    "WEBP": "webp",
    "TIFF": "tiff",
    "HEIF": "heif",
    "AVIF": "avif",
}
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM", b"II*\x00", b"MM\x00*", b"GIF8")
SUPPORTED_TEXT = "JPG, PNG, BMP, WEBP, TIFF or HEIC"
WHITE = (255, 255, 255)

pillow_heif.register_heif_opener()
# Never hand half an image to the models: a truncated file must fail, not decode as grey bands.
ImageFile.LOAD_TRUNCATED_IMAGES = False
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def run(ctx):
    data = ctx.source_bytes or b""
    _check_file_size(len(data))
    img = _open(data)
    ctx.source_format = ACCEPTED_FORMATS[img.format]
    _check_dimensions(img.size)
    stored_size = img.size
    if img.format in ("JPEG", "MPO"):
        _draft_for_work_size(img)
    if img.format == "PNG":
        _check_png_checksums(data)  # Pillow skips the IDAT checksums and would decode damaged pixels
    frames = getattr(img, "n_frames", 1)
    # MPO and HEIF carry depth maps and previews as extra images: not worth a warning.
    animated = frames > 1 and ctx.source_format not in ("jpeg", "heif")
    _load(img)
    img = _upright(_to_work_size(img), ctx)
    rgb, had_alpha, profile_name = _to_srgb(img, ctx)
    ctx.image = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
    ctx.source_size = rgb.size
    ctx.measurements["source"] = {
        "format": ctx.source_format,
        "width": stored_size[0],
        "height": stored_size[1],
        "work_size": list(rgb.size),
        "bytes": len(data),
        "mode": img.mode,
        "alpha": had_alpha,
        "icc_profile": profile_name,
        "frames": frames,
    }
    if animated:
        ctx.warn(f"The file holds {frames} frames or pages; the first one was used.")


def _check_file_size(size):
    if size == 0:
        raise InvalidImage("The file is empty (0 bytes). Upload a photo.", reason="empty")
    if size > MAX_FILE_BYTES:
        raise InvalidImage(
            f"The file is too large ({size / 1024 / 1024:.1f} MB); the maximum is {MAX_DOWNLOAD_MB} MB. "
            "Upload a smaller photo or save it as JPG.",
            reason="file_too_large",
            bytes=size,
        )


def _open(data):
    try:
        # Image.open reads only the header: dimensions are known before any pixel is decoded.
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels_from(exc) from None
    except Exception:  # noqa: BLE001 -- UnidentifiedImageError, and header parsers that fail on garbage
        if _has_image_signature(data):
            raise _damaged() from None
        raise InvalidImage(
            f"The file is not an image in a supported format. Use {SUPPORTED_TEXT}.", reason="not_an_image"
        ) from None
    if img.format not in ACCEPTED_FORMATS:
        raise InvalidImage(
            f"{img.format} images are not supported. Use {SUPPORTED_TEXT}.",
            reason="unsupported_format",
            format=img.format,
        )
    return img


LIMIT_TEXT = f"at most {MAX_PIXELS // 1_000_000} megapixels and {MAX_SIDE} px on a side"


def _too_many_pixels_from(exc):
    # Pillow's message carries the pixel count only; say what the limit means for a person.
    return InvalidImage(
        f"The image has far too many pixels; it must be {LIMIT_TEXT}. Upload a smaller photo.",
        reason="too_many_pixels",
        detail=str(exc),
    )


def _check_dimensions(size):
    width, height = size
    if width < 1 or height < 1:
        raise InvalidImage("The image has no pixels (0 width or height).", reason="damaged")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise InvalidImage(
            f"The image has too many pixels ({width}x{height}); it must be {LIMIT_TEXT}. "
            "Upload a smaller photo.",
            reason="too_many_pixels",
            width=width,
            height=height,
        )


def _draft_for_work_size(img):
    """Let the JPEG decoder skip detail no stage uses: the largest DCT scale (1/2, 1/4, 1/8) that keeps the
    long side at WORK_MAX_SIDE / 2 or more (a 48 MP photo decodes at 4000x3000)."""
    width, height = img.size
    factor = 1
    while factor < 8 and max(width, height) / (factor * 2) >= WORK_MAX_SIDE / 2:
        factor *= 2
    if factor > 1:
        # Pillow picks the scale from the size asked for: ask for exactly 1/factor (rounded up).
        img.draft(None, (-(-width // factor), -(-height // factor)))


def _to_work_size(img):
    width, height = img.size
    factor = WORK_MAX_SIDE / max(width, height)
    if factor >= 1.0:
        return img
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _load(img):
    try:
        img.seek(0)  # animated or multi-page: the first frame
        img.load()
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels_from(exc) from None
    except Exception:  # noqa: BLE001 -- a damaged file fails in any of Pillow's decoders
        raise _damaged() from None


def _check_png_checksums(data):
    offset = 8
    while offset + 12 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        end = offset + 8 + length
        if end + 4 > len(data):
            raise _damaged()
        (expected,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(data[offset + 4 : end]) != expected:
            raise _damaged()
        if data[offset + 4 : offset + 8] == b"IEND":
            return
        offset = end + 4
    raise _damaged()  # no IEND: the file stops early


def _damaged():
    return InvalidImage(
        "The image file is damaged or truncated and cannot be read. Upload the original photo again.",
        reason="damaged",
    )


def _has_image_signature(data):
    """True when the first bytes say "I am a JPEG/PNG/..." although the rest could not be parsed."""
    if data.startswith(IMAGE_SIGNATURES):
        return True
    riff_webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    iso_box = data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"avif")
    return riff_webp or iso_box


def _upright(img, ctx):
    """Apply EXIF orientation. A broken EXIF block must not cost the user the photo."""
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # noqa: BLE001 -- a broken EXIF block must not cost the photo
        ctx.warn("The photo's EXIF orientation could not be read; it was used as stored.")
        return img


def _to_srgb(img, ctx):
    """-> (RGB 8-bit Image in sRGB, whether the input had alpha, embedded profile name or None)."""
    icc = img.info.get("icc_profile")
    base, alpha = _to_8bit(img)
    profile_name = None
    if icc:
        base, profile_name = _apply_profile(base, icc, ctx)
    if base.mode != "RGB":
        base = base.convert("RGB")
    if alpha is not None:
        base = _flatten(base, alpha)
    return base, alpha is not None, profile_name


def _to_8bit(img):
    """-> (Image in L, RGB or CMYK with 8-bit samples, alpha band or None)."""
    mode = img.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        return _scale_high_bit_depth(img), None
    if mode == "PA":
        img = img.convert("RGBA")
        mode = img.mode
    if mode == "P":
        has_alpha = "transparency" in img.info or img.palette.mode == "RGBA"
        img = img.convert("RGBA" if has_alpha else "RGB")
        mode = img.mode
    if mode in ("RGBA", "LA", "RGBa", "La"):
        if mode in ("RGBa", "La"):  # premultiplied: un-premultiply first
            img = img.convert("RGBA" if mode == "RGBa" else "LA")
        alpha = img.getchannel("A")
        colour = img.convert("RGB" if img.mode == "RGBA" else "L")
        if alpha.getextrema()[0] == 255:
            return colour, None  # an alpha band that is fully opaque changes nothing
        return colour, alpha
    if mode in ("L", "RGB", "CMYK"):
        return img, None
    if mode == "1":
        return img.convert("L"), None
    if mode == "LAB":
        lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
        return ImageCms.profileToProfile(img, lab, _SRGB, outputMode="RGB"), None
    try:
        return img.convert("RGB"), None  # YCbCr, HSV, RGBX...
    except Exception:  # noqa: BLE001 -- any conversion Pillow cannot do
        raise InvalidImage(
            f"The image uses a colour format that is not supported ({mode}). Save it as an ordinary "
            "RGB JPG or PNG.",
            reason="unsupported_format",
        ) from None


def _scale_high_bit_depth(img):
    values = np.asarray(img)
    if img.mode == "F":
        peak = 1.0 if float(np.nanmax(values)) <= 1.0 else 255.0
        scaled = np.nan_to_num(values / peak * 255.0)
    else:
        # 16-bit samples: full range is 0..65535. A 32-bit "I" image holding 8-bit data stays as is.
        peak = 65535.0 if int(values.max(initial=0)) > 255 or img.mode.startswith("I;16") else 255.0
        scaled = values.astype(np.float64) / peak * 255.0
    return Image.fromarray(np.clip(scaled + 0.5, 0, 255).astype(np.uint8), "L")


def _apply_profile(img, icc, ctx):
    try:
        name, transform = _transform_to_srgb(icc, img.mode)
        if transform is None:
            return img, name
        return ImageCms.applyTransform(img, transform), name
    except Exception:  # noqa: BLE001 -- a broken profile must not cost the photo
        ctx.warn("The photo's embedded colour profile could not be used; its colours were read as sRGB.")
        return img, None


@functools.lru_cache(maxsize=32)
def _transform_to_srgb(icc, mode):
    """-> (profile name, LittleCMS transform or None when already sRGB). Cached: building one costs ~30 ms."""
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    name = (ImageCms.getProfileDescription(source) or "").strip() or "embedded"
    if _is_srgb(name) and mode == "RGB":
        return name, None
    transform = ImageCms.buildTransform(
        source,
        _SRGB,
        mode,
        "RGB",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )
    return name, transform


def _is_srgb(name):
    lowered = name.lower()
    return lowered.startswith("srgb") or "iec61966-2.1" in lowered or "iec 61966-2-1" in lowered


def _flatten(rgb, alpha):
    background = Image.new("RGB", rgb.size, WHITE)
    return Image.composite(rgb, background, alpha)
