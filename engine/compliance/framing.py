"""Geometry checks: one face, the whole head in the frame, head height, eye line, space above the head, width.

Compared with the spec's bands in mm or, without a spec, with the caller's pixel constraints.
"""

import cv2
import numpy as np

from ..mesh import FACE_OVAL
from ..units import mm_to_px, px_to_mm
from .base import BAND_TOLERANCE_MM, Check, band_status

CUT_EDGE_SLACK_PX = 0.5  # rounding: an edge this close to the output's own edge does not show
PERSON_CUT_ROWS = 1.5  # the person cut by a photo edge over more than this many output rows' worth of pixels
ONLY_YOU = "Use a photo with only you in it: crop other people out or take a new photo alone."
WHOLE_HEAD = (
    "Take the photo from further away so the whole head is visible, with space above the hair and nobody right "
    "behind the head."
)
EYES_TOO_HIGH = "The eyes sit too high: use a photo that shows more of the shoulders."
EYES_TOO_LOW = "The eyes sit too low: use a photo with more space above the head."


def one_face(ctx, spec):
    count = int(ctx.faces_found or 0)
    if count == 1:
        return Check("one_face", "One face", "pass", count, 1, "faces")
    return Check(
        "one_face",
        "One face",
        "fail",
        count,
        1,
        "faces",
        ONLY_YOU,
    )


def _measured(ctx, name):
    value = ctx.measurements.get(name)
    if isinstance(value, dict):
        return value.get("px")
    return value


def _px_to_mm(ctx, px):
    return px_to_mm(px, ctx.params.dpi)


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
        tolerance = mm_to_px(BAND_TOLERANCE_MM, ctx.params.dpi)
    else:
        return None
    status = band_status(value, low, high, tolerance)
    fix = ""
    if status != "pass":
        fix = fixes[0] if low is not None and value < low else fixes[1]
    return Check(check_id, label, status, value, [low, high], unit, fix)


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
    from ..specs import MESH_PER_HEAD_WIDTH

    value_mm = round(_px_to_mm(ctx, face_width_px / MESH_PER_HEAD_WIDTH), 1)
    low, high = spec.face_width_mm
    status = "pass" if low - BAND_TOLERANCE_MM <= value_mm <= high + BAND_TOLERANCE_MM else "warn"
    return Check(
        "head_width",
        "Head width (at the ears)",
        status,
        value_mm,
        [low, high],
        "mm",
        "The head is wider or narrower than the authority's band for this head height; that is the face's "
        "own shape, not something a new photo changes: most offices accept it, ask if unsure.",
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
    # A head cut off at the photo's top edge is fine only where the output does not show that edge.
    if ctx.crown_cut:
        crown_ok = ctx.transform is not None and ctx.transform.ty <= CUT_EDGE_SLACK_PX
    else:
        crown_ok = head_top_px is None or head_top_px >= -CUT_EDGE_SLACK_PX
    status = "pass" if inside and covered and crown_ok else "fail"
    value = (
        "whole face and head visible"
        if status == "pass"
        else ("top of the head cut off" if not crown_ok else "face cut by the edge of the photo")
    )
    return Check(
        "face_in_frame",
        "Whole head inside the photo",
        status,
        value,
        "head and face fully inside",
        "",
        WHOLE_HEAD,
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


def person_not_cut(ctx, spec):
    """The person is not cut by an edge of the source photo inside the output (a straight cut through the
    shoulders, an arm or the head with the new background beside it)."""
    rows = ctx.measurements.get("person_cut_rows")
    if rows is None:
        return None
    return Check(
        "person_not_cut",
        "Not cut off by the edge of the photo",
        "pass" if rows <= PERSON_CUT_ROWS else "fail",
        rows,
        PERSON_CUT_ROWS,
        "rows",
        "The photo ends too close to you, so the ID photo would show you cut off by a straight edge: use a "
        "photo taken from a little further away that shows your shoulders and some space on both sides.",
    )
