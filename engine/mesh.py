"""Indices and index groups of mediapipe's 478-point face mesh that several stages use."""

import numpy as np

# Single points (with refine_landmarks the mesh adds the irises from 468 on).
NOSE_TIP, CHIN, CHEEK_A, CHEEK_B, IRIS_A, IRIS_B = 1, 152, 234, 454, 468, 473

# The face outline, clockwise from the top of the forehead (10) through the right cheek (454), chin (152)
# and left cheek (234).
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip


def face_width(points):
    """Cheek to cheek (234 to 454) in the points' px, at least 1 (a divisor and a scale everywhere)."""
    return max(1.0, float(np.linalg.norm(points[CHEEK_A] - points[CHEEK_B])))
