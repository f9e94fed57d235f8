"""Compliance report: will this photo be accepted, and if not, what to do about it.

`report(ctx)` returns a list of checks, each a dict:
    {"id", "label", "status": "pass" | "warn" | "fail", "value", "threshold", "unit", "fix"}
`fix` is a plain-language instruction (empty when the check passes). Geometry is compared with the spec's
bands in mm (or, without a spec, with the caller's pixel constraints); photo-quality checks (pose, eyes,
mouth, lighting, sharpness, exposure, background, resolution) read the original pixels as placed on the
output canvas (`ctx.canvas_original`), so beauty filters, a watermark or a new background do not hide a
problem of the photo itself. `checks_for_error(err)` turns an error that stopped a photo into failing checks.

Thresholds were set on the test portraits (all frontal, eyes open, mouth closed except p12's smile): see
docs/specs.md for the figures measured there.
"""

import logging
import math

import cv2
import numpy as np

from .errors import ConstraintsInfeasible, CrownCut, NoFace, SeveralFaces
from .mesh import FACE_OVAL

log = logging.getLogger(__name__)
MM_PER_INCH = 25.4
BAND_TOLERANCE_MM = 0.3  # measurement noise: this close outside a band is a warning, not a failure

# Face-mesh indices (mediapipe order).
NOSE_TIP, CHIN = 1, 152
EYE_OUTER_R, EYE_OUTER_L = 33, 263  # image-left eye's outer corner, image-right eye's outer corner
MOUTH_R, MOUTH_L = 61, 291
LIP_UPPER_INNER, LIP_LOWER_INNER = 13, 14
# Eye aspect ratio: three vertical pairs over the corner-to-corner width, per eye.
EYE_RIGHT = {"corners": (33, 133), "pairs": ((160, 144), (159, 145), (158, 153))}
EYE_LEFT = {"corners": (362, 263), "pairs": ((385, 380), (386, 374), (387, 373))}
CHEEK_R, CHEEK_L = 205, 425  # mid-cheek points, below the eyes and beside the nose
# A generic adult head in mm in camera axes (x right, y down, z away from the camera), nose tip at 0.
HEAD_MODEL = np.array(
    [
        (0.0, 0.0, 0.0),  # nose tip
        (0.0, 63.6, 12.5),  # chin
        (-43.3, -32.7, 26.0),  # outer corner of the eye on the image's left
        (43.3, -32.7, 26.0),  # outer corner of the eye on the image's right
        (-28.9, 28.9, 24.1),  # mouth corner, image left
        (28.9, 28.9, 24.1),  # mouth corner, image right
    ],
    dtype=np.float64,
)
HEAD_MODEL_POINTS = (NOSE_TIP, CHIN, EYE_OUTER_R, EYE_OUTER_L, MOUTH_R, MOUTH_L)

LIMITS = {
    # (warn above, fail above) unless said otherwise
    "roll": (5.0, 8.0),  # degrees the head was tilted in the source photo (the engine levels it)
    "yaw": (10.0, 20.0),
    "pitch": (15.0, 25.0),
    "eyes_open": (0.16, 0.12),  # eye aspect ratio: warn below, fail below (smiling eyes measured 0.20-0.21)
    "mouth_open": (0.06, 0.15),  # inner lip gap / mouth width
    "light_balance": (0.18, 0.30),  # |L - R| / max(L, R) of the cheeks
    "highlights": (0.02, 0.08),  # fraction of clipped face pixels
    "sharpness": (60.0, 25.0),  # Laplacian variance of the face at a fixed size: warn below, fail below
    "exposure_dark": (95.0, 60.0),  # 95th percentile face luminance: warn below, fail below
    "exposure_bright": (215.0, 235.0),  # 5th percentile face luminance: warn above, fail above
    "background_spread": (12.0, 22.0),  # std of background luminance
    "scale": (1.2, 2.0),  # enlargement of the source
    "uncovered": (0.005, 0.03),  # fraction of the frame the source photo does not cover (original background)
}
PITCH_RATIO_LEVEL = 0.36
PITCH_NOSE_DEPTH = 0.30
SHARPNESS_FACE_WIDTH = 200  # px: the face is resampled to this width before the Laplacian


def check(check_id, label, status, value=None, threshold=None, unit="", fix=""):
    return {
        "id": check_id,
        "label": label,
        "status": status,
        "value": value,
        "threshold": threshold,
        "unit": unit,
        "fix": "" if status == "pass" else fix,
    }


def graded(value, warn, fail, higher_is_worse=True):
    if higher_is_worse:
        return "fail" if value > fail else "warn" if value > warn else "pass"
    return "fail" if value < fail else "warn" if value < warn else "pass"


def band_status(value, low, high, tolerance):
    if (low is None or value >= low) and (high is None or value <= high):
        return "pass"
    below = (low - value) if low is not None and value < low else 0.0
    above = (value - high) if high is not None and value > high else 0.0
    return "warn" if max(below, above) <= tolerance else "fail"


# --- the report -------------------------------------------------------------------------------------------


def report(ctx, spec=None):
    """Every check that applies to this result, in a stable order."""
    if spec is None and ctx.params.spec_id is not None:
        from . import specs

        spec = specs.get(ctx.params.spec_id)
    checks = []
    for build in CHECKS:
        try:
            found = build(ctx, spec)
        except Exception:  # a check that cannot be computed must not fail a finished photo
            log.exception("compliance check %s failed", build.__name__)
            continue
        if found:
            checks.extend(found if isinstance(found, list) else [found])
    return checks


def one_face(ctx, spec):
    count = int(ctx.faces_found or 0)
    if count == 1:
        return check("one_face", "One face", "pass", count, 1, "faces")
    return check(
        "one_face",
        "One face",
        "fail",
        count,
        1,
        "faces",
        "Use a photo with only you in it: crop other people out or take a new photo alone.",
    )


def _measured(ctx, name):
    value = ctx.measurements.get(name)
    if isinstance(value, dict):
        return value.get("px")
    return value


def _px_to_mm(ctx, px):
    return px / ctx.params.dpi * MM_PER_INCH


def _band_check(ctx, check_id, label, value_px, band_mm, band_px, fixes):
    """Compare with the spec's mm band, or with the caller's px constraint when there is no spec band."""
    if value_px is None:
        return None
    if band_mm is not None:
        value, (low, high), unit, tolerance = (
            round(_px_to_mm(ctx, value_px), 1),
            band_mm,
            "mm",
            BAND_TOLERANCE_MM,
        )
    elif band_px is not None:
        value, (low, high), unit = round(value_px, 1), band_px, "px"
        tolerance = BAND_TOLERANCE_MM / MM_PER_INCH * ctx.params.dpi
    else:
        return None
    status = band_status(value, low, high, tolerance)
    fix = ""
    if status != "pass":
        fix = fixes[0] if low is not None and value < low else fixes[1]
    return check(check_id, label, status, value, [low, high], unit, fix)


def head_height(ctx, spec):
    return _band_check(
        ctx,
        "head_height",
        "Head height (chin to crown)",
        _measured(ctx, "face_height"),
        spec.head_height_mm if spec else None,
        ctx.params.constraints.get("face_height"),
        (
            "The head is too small in the photo: choose this document size again or use a closer photo.",
            "The head is too large for the frame: use a photo taken from a little further away.",
        ),
    )


EYES_TOO_HIGH = "The eyes sit too high: use a photo that shows more of the shoulders."
EYES_TOO_LOW = "The eyes sit too low: use a photo with more space above the head."


def eye_line(ctx, spec):
    eyes_top = _measured(ctx, "eyes_top")
    if eyes_top is None:
        return None
    height = ctx.params.height
    if spec is not None and spec.eyes_from_bottom_mm:
        return _band_check(
            ctx,
            "eye_line",
            "Eyes above the bottom edge",
            height - eyes_top,
            spec.eyes_from_bottom_mm,
            None,
            (EYES_TOO_LOW, EYES_TOO_HIGH),
        )
    return _band_check(
        ctx,
        "eye_line",
        "Eyes below the top edge",
        eyes_top,
        None,
        ctx.params.constraints.get("eyes_top"),
        (EYES_TOO_HIGH, EYES_TOO_LOW),
    )


def head_top(ctx, spec):
    return _band_check(
        ctx,
        "head_top",
        "Space above the head",
        _measured(ctx, "head_top"),
        spec.head_top_mm if spec else None,
        ctx.params.constraints.get("head_top"),
        (
            "The head is too close to the top edge: use a photo with more space above the head.",
            "There is too much space above the head: use a photo with less space above the head.",
        ),
    )


def head_width(ctx, spec):
    """Head width at the ears vs the spec's band: a warning only.

    Estimated from the cheek-to-cheek mesh width (hair worn wide does not count, as the authorities
    measure the head, not the hairstyle). Where the spec also has a head-height band, that band decides
    the scale, so a face outside the width band is reported, not refused.
    """
    face_width_px = _measured(ctx, "face_width")
    if spec is None or not spec.face_width_px or face_width_px is None:
        return None
    from .specs import MESH_PER_HEAD_WIDTH

    value_mm = round(_px_to_mm(ctx, face_width_px / MESH_PER_HEAD_WIDTH), 1)
    low, high = spec.face_width_mm
    status = "pass" if low - BAND_TOLERANCE_MM <= value_mm <= high + BAND_TOLERANCE_MM else "warn"
    return check(
        "head_width",
        "Head width (at the ears)",
        status,
        value_mm,
        [low, high],
        "mm",
        "The head is wider or narrower than the authority's band for this head height; that is the face's "
        "own shape, not something a new photo changes: most offices accept it, ask if unsure.",
    )


# --- pose, eyes, mouth ------------------------------------------------------------------------------------


def head_pose(landmarks, image_size):
    """(yaw, pitch) in degrees from six mesh points and a generic head; 0, 0 faces the camera."""
    width, height = image_size
    points = np.array([landmarks[i] for i in HEAD_MODEL_POINTS], dtype=np.float64)
    focal = float(max(width, height))
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], dtype=np.float64)
    ok, rvec, _tvec = cv2.solvePnP(HEAD_MODEL, points, camera, None, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return None
    rotation, _ = cv2.Rodrigues(rvec)
    yaw = math.degrees(math.asin(float(np.clip(-rotation[2, 0], -1, 1))))
    return yaw, head_pitch(landmarks)


def head_pitch(landmarks):
    """Degrees the head is tipped down (+) or up (-), from where the nose tip sits between eyes and chin.

    A smile moves the mouth corners, which throws a six-point pose fit off by 20-30 degrees in pitch (it
    did on p04), so pitch uses the nose tip, which does not move with expression. On the 16 test portraits
    the ratio (nose - eyes) / (chin - eyes) was 0.32-0.46 for faces looking at the camera (median 0.36);
    the nose tip is about 0.3 eye-to-chin lengths in front of the eyes, hence the arcsine.
    """
    eyes_y = (landmarks[468][1] + landmarks[473][1]) / 2
    span = landmarks[CHIN][1] - eyes_y
    if span <= 0:
        return 90.0
    ratio = (landmarks[NOSE_TIP][1] - eyes_y) / span
    return math.degrees(math.asin(float(np.clip((ratio - PITCH_RATIO_LEVEL) / PITCH_NOSE_DEPTH, -1, 1))))


def pose_checks(ctx, spec):
    out = []
    roll = abs(float(ctx.face.roll_deg)) if ctx.face is not None else None
    if roll is not None:
        warn, fail = LIMITS["roll"]
        out.append(
            check(
                "head_roll",
                "Head straight (not tilted)",
                graded(roll, warn, fail),
                round(roll, 1),
                fail,
                "degrees",
                "Hold your head straight, with both eyes at the same height and the shoulders level.",
            )
        )
    if ctx.canvas_landmarks is None:
        return out
    pose = head_pose(ctx.canvas_landmarks, (ctx.params.width, ctx.params.height))
    if pose is None:
        return out
    yaw, pitch = abs(pose[0]), abs(pose[1])
    out.append(
        check(
            "head_yaw",
            "Facing the camera (not turned)",
            graded(yaw, *LIMITS["yaw"]),
            round(yaw, 1),
            LIMITS["yaw"][1],
            "degrees",
            "Face the camera directly, with your nose pointing at the lens.",
        )
    )
    out.append(
        check(
            "head_pitch",
            "Head level (not tipped up or down)",
            graded(pitch, *LIMITS["pitch"]),
            round(pitch, 1),
            LIMITS["pitch"][1],
            "degrees",
            "Keep your chin level: hold the camera at eye height and look straight into it.",
        )
    )
    return out


def eye_aspect_ratio(landmarks, eye):
    a, b = eye["corners"]
    width = float(np.linalg.norm(landmarks[a] - landmarks[b]))
    heights = [float(np.linalg.norm(landmarks[p] - landmarks[q])) for p, q in eye["pairs"]]
    return sum(heights) / (len(heights) * width) if width > 0 else 0.0


def eyes_open(ctx, spec):
    if ctx.canvas_landmarks is None:
        return None
    ear = min(
        eye_aspect_ratio(ctx.canvas_landmarks, EYE_RIGHT), eye_aspect_ratio(ctx.canvas_landmarks, EYE_LEFT)
    )
    warn, fail = LIMITS["eyes_open"]
    return check(
        "eyes_open",
        "Eyes open",
        graded(ear, warn, fail, higher_is_worse=False),
        round(ear, 3),
        fail,
        "ratio",
        "Keep both eyes open and look into the lens; if the light makes you squint, move out of direct sun.",
    )


def mouth_closed(ctx, spec):
    lm = ctx.canvas_landmarks
    if lm is None:
        return None
    width = float(np.linalg.norm(lm[MOUTH_R] - lm[MOUTH_L]))
    gap = float(np.linalg.norm(lm[LIP_UPPER_INNER] - lm[LIP_LOWER_INNER]))
    ratio = gap / width if width > 0 else 0.0
    return check(
        "mouth_closed",
        "Mouth closed",
        graded(ratio, *LIMITS["mouth_open"]),
        round(ratio, 3),
        LIMITS["mouth_open"][1],
        "ratio",
        "Close your mouth and keep a neutral expression (no open smile).",
    )


def face_in_frame(ctx, spec):
    lm = ctx.canvas_landmarks
    if lm is None:
        return None
    width, height = ctx.params.width, ctx.params.height
    head_top_px = _measured(ctx, "head_top")
    inside = bool(
        (lm[:, 0] >= 0).all()
        and (lm[:, 0] < width).all()
        and (lm[:, 1] >= 0).all()
        and (lm[:, 1] < height).all()
    )
    covered = _face_covered(ctx)
    crown_ok = not ctx.crown_cut and (head_top_px is None or head_top_px >= 0)
    status = "pass" if inside and covered and crown_ok else "fail"
    value = (
        "whole face and head visible"
        if status == "pass"
        else ("top of the head cut off" if not crown_ok else "face cut by the edge of the photo")
    )
    return check(
        "face_in_frame",
        "Whole head inside the photo",
        status,
        value,
        "head and face fully inside",
        "",
        "Take the photo from further away so the whole head is visible, with space above the hair.",
    )


def _face_covered(ctx):
    if ctx.canvas_coverage is None:
        return True
    mask = face_mask(ctx.canvas_landmarks, ctx.canvas_coverage.shape)
    return bool(mask.any() and ctx.canvas_coverage[mask].min() > 0.5)


def face_mask(landmarks, shape):
    mask = np.zeros(shape[:2], dtype=np.uint8)
    oval = np.round(landmarks[list(FACE_OVAL)]).astype(np.int32)
    cv2.fillPoly(mask, [oval], 1)
    return mask.astype(bool)


# --- light, sharpness, exposure ---------------------------------------------------------------------------


def _luma(rgb):
    return cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2GRAY)


def _disc_mean(luma, centre, radius):
    mask = np.zeros(luma.shape, dtype=np.uint8)
    cv2.circle(mask, (int(round(centre[0])), int(round(centre[1]))), max(2, int(round(radius))), 1, -1)
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
            check(
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
            check(
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
    return check(
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
    return check("exposure", "Exposure of the face", status, value, threshold, "luminance", fix)


# --- background, resolution, file size --------------------------------------------------------------------


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
    return check(
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
    return check(
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
    return check(
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
    return check(
        "file_size",
        "File size within the limit",
        "pass" if info.get("met") else "fail",
        info.get("bytes"),
        [info.get("min"), info.get("max")],
        "bytes",
        "The file could not be brought within the size limit: try JPEG output or a smaller pixel size.",
    )


CHECKS = (
    one_face,
    face_in_frame,
    head_height,
    eye_line,
    head_top,
    head_width,
    pose_checks,
    eyes_open,
    mouth_closed,
    lighting,
    sharpness,
    exposure,
    background,
    photo_fills_frame,
    resolution,
    file_size,
)


# --- errors that stop a photo -----------------------------------------------------------------------------


def checks_for_error(err):
    """Failing checks, with their fixes, for an error that stopped the photo (the API shows them for failed tasks)."""
    if isinstance(err, SeveralFaces):
        count = err.data.get("count")
        return [
            check(
                "one_face",
                "One face",
                "fail",
                count,
                1,
                "faces",
                "Use a photo with only you in it: crop other people out or take a new photo alone.",
            )
        ]
    if isinstance(err, NoFace):
        return [
            check(
                "one_face",
                "One face",
                "fail",
                0,
                1,
                "faces",
                "No face was found: use a well-lit photo where your whole face is clearly visible and "
                "looks at the camera.",
            )
        ]
    if isinstance(err, CrownCut):
        return [
            check(
                "face_in_frame",
                "Whole head inside the photo",
                "fail",
                "top of the head cut off",
                "head and face fully inside",
                "",
                "Take the photo from further away so the whole head is visible, with space above the hair.",
            )
        ]
    if isinstance(err, ConstraintsInfeasible):
        return [
            check(
                "framing",
                "Head size and position possible",
                "fail",
                err.message,
                err.data.get("constraints"),
                "",
                "This photo cannot meet the requested sizes: use a photo with more space around the head "
                "and shoulders, or relax the face and margin constraints.",
            )
        ]
    return []
