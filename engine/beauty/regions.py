"""Face-mesh regions (mediapipe 478-point mesh indices) and the masks built from them."""

import cv2
import numpy as np

from ..mesh import FACE_OVAL, face_width

EYE_A = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
EYE_B = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)
BROW_A = (70, 63, 105, 66, 107, 55, 65, 52, 53, 46)
BROW_B = (300, 293, 334, 296, 336, 285, 295, 282, 283, 276)
LIPS = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
NOSTRILS = (64, 294, 98, 327, 2, 97, 326, 240, 460, 75, 305, 48, 278, 129, 358)
FEATURES = (EYE_A, EYE_B, BROW_A, BROW_B, LIPS, NOSTRILS)
# The lower face contour from one cheek round the chin to the other, and how strongly slimming pulls each
# point (0 at the cheekbones and the chin, strongest at the jaw angle).
JAW_PULL = {
    93: 0.25,
    132: 0.55,
    58: 0.85,
    172: 1.0,
    136: 0.95,
    150: 0.75,
    149: 0.5,
    176: 0.3,
    148: 0.12,
    323: 0.25,
    361: 0.55,
    288: 0.85,
    397: 1.0,
    365: 0.95,
    379: 0.75,
    378: 0.5,
    400: 0.3,
    377: 0.12,
}
JAW_WIDTH_PAIR = (172, 397)


def hull_mask(shape, points, indices, grow=0):
    """uint8 mask of the convex hull of the chosen points, grown by `grow` pixels."""
    mask = np.zeros(shape, np.uint8)
    hull = cv2.convexHull(np.round(points[list(indices)] * 4).astype(np.int32))
    cv2.fillConvexPoly(mask, hull, 255, lineType=cv2.LINE_AA, shift=2)
    if grow > 0:
        k = 2 * round(grow) + 1
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return mask


def polygon_mask(shape, points, indices):
    mask = np.zeros(shape, np.uint8)
    poly = np.round(points[list(indices)] * 4).astype(np.int32)
    cv2.fillPoly(mask, [poly], 255, lineType=cv2.LINE_AA, shift=2)
    return mask


def skin_mask(shape, points, alpha=None):
    """float32 mask in [0, 1]: the face oval minus eyes, brows, lips and nostrils, with feathered edges.

    The features are grown before feathering and then put back at exactly 0, so their own pixels are never
    touched however soft the edge is.
    """
    fw = face_width(points)
    feather = max(1.0, fw * 0.025)
    oval = polygon_mask(shape, points, FACE_OVAL)
    k = 2 * round(feather * 1.5) + 1
    oval = cv2.erode(oval, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    skin = cv2.GaussianBlur(oval.astype(np.float32) / 255, (0, 0), feather)
    grow = fw * 0.035
    for indices in FEATURES:
        core = hull_mask(shape, points, indices) > 0
        grown = cv2.GaussianBlur(
            hull_mask(shape, points, indices, grow).astype(np.float32) / 255, (0, 0), feather
        )
        skin *= 1.0 - grown
        skin[core] = 0.0
    if alpha is not None:
        skin *= np.clip(alpha, 0, 1)
    return skin


def face_box(points, shape, margin=0.3):
    """(x0, y0, x1, y1) integer box around the mesh grown by `margin` face widths, clipped to the image."""
    fw = face_width(points)
    x0, y0 = points.min(axis=0) - margin * fw
    x1, y1 = points.max(axis=0) + margin * fw
    h, w = shape[:2]
    return int(max(0, x0)), int(max(0, y0)), int(min(w, np.ceil(x1))), int(min(h, np.ceil(y1)))
