"""Compliance report: will this photo be accepted, and if not, what to do about it.

`report(ctx)` returns a list of checks, each a dict (`Check.as_dict()`):
    {"id", "label", "status": "pass" | "warn" | "fail", "value", "threshold", "unit", "fix"}
The checks live in modules along their kind: `framing` (one face, head in frame, the bands in mm or
px), `covered` (a hand or an object in front of the face), `pose` (roll, yaw, pitch, eyes, mouth) and `photo` (light, sharpness, exposure, background, coverage,
resolution, file size). `checks_for_error(err)` (module `stopped`) turns an error that stopped a photo
into failing checks.

Thresholds were set on the test portraits (all frontal, eyes open, mouth closed except p12's smile): see
docs/specs.md for the figures measured there.
"""

import logging

from ..mesh import FACE_OVAL
from .base import BAND_TOLERANCE_MM, LIMITS, Check, band_status, graded
from .covered import face_uncovered
from .finished import verify
from .framing import (
    eye_line,
    face_in_frame,
    face_mask,
    head_height,
    head_top,
    head_width,
    one_face,
    person_not_cut,
)
from .photo import (
    background,
    exposure,
    file_size,
    lighting,
    photo_fills_frame,
    resolution,
    sharpness,
    sharpness_score,
)
from .pose import EYE_LEFT, EYE_RIGHT, eye_aspect_ratio, eyes_open, head_pose, mouth_closed, pose_checks
from .stopped import checks_for_error

log = logging.getLogger(__name__)
FINISHED_IDS = frozenset(
    {
        "final_face",
        "final_one_face",
        "final_upright",
        "final_position",
        "face_opaque",
        "one_person",
        "no_hands",
    }
)
# A photo failing one of these is not delivered (state -14, nothing charged); the others are warnings. The
# checks of the finished photo itself (module `finished`) are all hard too.
HARD_CHECKS = frozenset(
    {
        "one_face",
        "face_in_frame",
        "face_uncovered",
        "person_not_cut",
        "head_height",
        "eye_line",
        "head_top",
        "framing",
    }
)

CHECKS = (
    one_face,
    face_in_frame,
    face_uncovered,
    person_not_cut,
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


def report(ctx, spec=None):
    """Every check that applies to this result, in a stable order."""
    if spec is None and ctx.params.spec_id is not None:
        from .. import specs

        spec = specs.get(ctx.params.spec_id)
    checks = []
    for build in CHECKS:
        try:
            found = build(ctx, spec)
        except Exception:  # a check that cannot be computed must not fail a finished photo
            log.exception("compliance check %s failed", build.__name__)
            continue
        if found:
            checks.extend(c.as_dict() for c in (found if isinstance(found, list) else [found]))
    return checks


def hard_failures(checks):
    """The failing hard checks among `checks` (dicts); the finished-photo checks count as hard."""
    return [
        c for c in checks if c["status"] == "fail" and (c["id"] in HARD_CHECKS or c["id"] in FINISHED_IDS)
    ]


__all__ = [
    "BAND_TOLERANCE_MM",
    "CHECKS",
    "EYE_LEFT",
    "EYE_RIGHT",
    "FACE_OVAL",
    "HARD_CHECKS",
    "LIMITS",
    "Check",
    "band_status",
    "checks_for_error",
    "eye_aspect_ratio",
    "face_in_frame",
    "face_mask",
    "graded",
    "hard_failures",
    "head_pose",
    "report",
    "sharpness_score",
    "verify",
]
