"""Pose and expression checks on the face mesh as placed on the output: roll, yaw, pitch, eyes, mouth."""

import math

import cv2
import numpy as np

from ..mesh import CHIN, NOSE_TIP
from .base import LIMITS, Check, graded

# Face-mesh indices (mediapipe order).
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

PITCH_RATIO_LEVEL = 0.36
PITCH_NOSE_DEPTH = 0.30


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
            Check(
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
        Check(
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
        Check(
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
    return Check(
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
    return Check(
        "mouth_closed",
        "Mouth closed",
        graded(ratio, *LIMITS["mouth_open"]),
        round(ratio, 3),
        LIMITS["mouth_open"][1],
        "ratio",
        "Close your mouth and keep a neutral expression (no open smile).",
    )
