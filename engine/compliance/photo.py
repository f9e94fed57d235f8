"""Photo-quality checks on the original pixels as placed on the output canvas (`ctx.canvas_original`), so
beauty filters, a watermark or a new background do not hide a problem of the photo itself: light,
sharpness, exposure, plain background, coverage of the frame, resolution, file size."""

import cv2
import numpy as np

from .base import LIMITS, Check, graded
from .framing import face_mask
from .pose import CHEEK_L, CHEEK_R

SHARPNESS_FACE_WIDTH = 200  # px: the face is resampled to this width before the Laplacian


def _luma(rgb):
    return cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2GRAY)


def _disc_mean(luma, centre, radius):
    mask = np.zeros(luma.shape, dtype=np.uint8)
    cv2.circle(mask, (round(centre[0]), round(centre[1])), max(2, round(radius)), 1, -1)
    values = luma[mask.astype(bool)]
    return float(values.mean()) if values.size else None


def _face_pixels(ctx):
    luma = _luma(ctx.canvas_original)
    mask = face_mask(ctx.canvas_landmarks, luma.shape)
    if ctx.canvas_coverage is not None:
        mask &= ctx.canvas_coverage > 0.5
    return luma, mask


def lighting(ctx, spec):
    if ctx.canvas_original is None or ctx.canvas_landmarks is None:
        return None
    lm = ctx.canvas_landmarks
    luma, mask = _face_pixels(ctx)
    radius = 0.12 * float(np.linalg.norm(lm[234] - lm[454]))
    left, right = _disc_mean(luma, lm[CHEEK_R], radius), _disc_mean(luma, lm[CHEEK_L], radius)
    out = []
    if left is not None and right is not None and max(left, right) > 0:
        balance = abs(left - right) / max(left, right)
        darker = "left" if left < right else "right"  # as seen in the photo
        out.append(
            Check(
                "even_lighting",
                "Even light on both cheeks",
                graded(balance, *LIMITS["light_balance"]),
                round(balance, 3),
                LIMITS["light_balance"][1],
                "ratio",
                f"The {darker} side of the face (as seen in the photo) is in shadow: face a window or lamp so the "
                "light falls evenly on both cheeks, or move away from a window at your side.",
            )
        )
    rgb = ctx.canvas_original[..., :3]
    if mask.any():
        clipped = (rgb[mask] >= 250).all(axis=1).mean()
        out.append(
            Check(
                "no_glare",
                "No blown highlights on the face",
                graded(float(clipped), *LIMITS["highlights"]),
                round(float(clipped), 4),
                LIMITS["highlights"][1],
                "fraction",
                "Parts of the face are overexposed (shiny white patches): avoid flash and direct sun; use soft, "
                "even light.",
            )
        )
    return out


def sharpness_score(rgb, landmarks):
    """Variance of the Laplacian of the face, resampled so the face is SHARPNESS_FACE_WIDTH px wide."""
    x0, y0 = np.floor(landmarks.min(axis=0)).astype(int)
    x1, y1 = np.ceil(landmarks.max(axis=0)).astype(int)
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    crop = _luma(rgb[y0:y1, x0:x1])
    factor = SHARPNESS_FACE_WIDTH / crop.shape[1]
    # Never enlarge past the real detail: an enlarged face is exactly what should score low.
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=interpolation)
    return float(cv2.Laplacian(crop.astype(np.float32), cv2.CV_32F).var())


def sharpness(ctx, spec):
    if ctx.canvas_original is None or ctx.canvas_landmarks is None:
        return None
    score = sharpness_score(ctx.canvas_original, ctx.canvas_landmarks)
    if score is None:
        return None
    warn, fail = LIMITS["sharpness"]
    return Check(
        "sharp",
        "Sharp (not blurred)",
        graded(score, warn, fail, higher_is_worse=False),
        round(score, 1),
        fail,
        "score",
        "The face is blurred: hold the camera still, tap to focus on the face, and use more light.",
    )


def exposure(ctx, spec):
    if ctx.canvas_original is None or ctx.canvas_landmarks is None:
        return None
    luma, mask = _face_pixels(ctx)
    if not mask.any():
        return None
    values = luma[mask]
    bright, dark = float(np.percentile(values, 95)), float(np.percentile(values, 5))
    # Darker skin is not underexposure: its highlights (95th percentile) still reach the mid-tones.
    under = graded(bright, *LIMITS["exposure_dark"], higher_is_worse=False)
    over = graded(dark, *LIMITS["exposure_bright"])
    order = ("pass", "warn", "fail")
    status = max(under, over, key=order.index)
    if over != "pass" and order.index(over) >= order.index(under):
        fix, value, threshold = (
            "The photo is overexposed (washed out): use less light or turn off the flash.",
            round(dark, 1),
            LIMITS["exposure_bright"][1],
        )
    else:
        fix, value, threshold = (
            "The face is too dark: add light in front of you (face a window).",
            round(bright, 1),
            LIMITS["exposure_dark"][1],
        )
    return Check("exposure", "Exposure of the face", status, value, threshold, "luminance", fix)


def background(ctx, spec):
    if ctx.params.change_bg or ctx.canvas_original is None or ctx.canvas_alpha is None:
        return None
    luma = _luma(ctx.canvas_original).astype(np.float32)
    mask = ctx.canvas_alpha < 0.05
    if ctx.canvas_coverage is not None:
        mask &= ctx.canvas_coverage > 0.99
    mask = cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    if mask.sum() < 50:
        return None
    spread = float(luma[mask].std())
    return Check(
        "background_uniform",
        "Plain, even background",
        graded(spread, *LIMITS["background_spread"]),
        round(spread, 1),
        LIMITS["background_spread"][1],
        "luminance std",
        "The background is not plain: stand in front of a plain light wall, a step away from it so no shadow "
        "falls on it.",
    )


def photo_fills_frame(ctx, spec):
    """With the original background kept, a frame larger than the photo shows a filled strip."""
    if ctx.params.change_bg or ctx.canvas_coverage is None:
        return None
    missing = float((ctx.canvas_coverage < 0.99).mean())
    return Check(
        "photo_fills_frame",
        "The photo fills the whole frame",
        graded(missing, *LIMITS["uncovered"]),
        round(missing, 3),
        LIMITS["uncovered"][1],
        "fraction filled in",
        "The photo does not reach every edge of this size, so a strip was filled in: take the photo from a "
        "little further away, with more space above the head and around the shoulders.",
    )


def resolution(ctx, spec):
    scale = ctx.measurements.get("scale")
    if scale is None:
        return None
    warn, fail = LIMITS["scale"]
    return Check(
        "resolution",
        "Enough resolution for this size",
        graded(float(scale), warn, fail),
        round(float(scale), 2),
        fail,
        "times enlarged",
        "The photo is too small for this print size and will look soft: use the camera's full resolution or "
        "take the photo from closer (keeping the whole head in view).",
    )


def file_size(ctx, spec):
    info = ctx.measurements.get("file_size")
    if not info or (info.get("min") is None and info.get("max") is None):
        return None
    return Check(
        "file_size",
        "File size within the limit",
        "pass" if info.get("met") else "fail",
        info.get("bytes"),
        [info.get("min"), info.get("max")],
        "bytes",
        "The file could not be brought within the size limit: try JPEG output or a smaller pixel size.",
    )
