"""Stage: detect. Find the faces, choose the main one, take its landmarks, and level the eyes.

The full-range detector finds faces (boxes only: its keypoints are too coarse to measure with); the face
mesh, run on a crop about twice the chosen face box, gives the points we measure with: iris centres
468/473, chin 152, cheeks 234/454. If the eyes are not level, the image is rotated about the eye midpoint
so they are, and every later stage works in those levelled coordinates.
"""

import math

import cv2
import numpy as np

from .. import models
from ..context import Face
from ..errors import NoFace, SeveralFaces

DETECT_MAX_SIDE = 1280  # the detector works at 192x192 inside; a smaller copy only saves conversion time
# A second face at least this fraction of the main face's area makes the photo ambiguous.
COMPARABLE_AREA = 0.4
MIN_SCORE = 0.5
MESH_CROP = 2.2  # crop side for the mesh, in face-box sizes
# Photos whose orientation tag was lost arrive sideways or upside down. When the best detection scores
# below TURN_CHECK_SCORE (or there is none) the three other quarter turns are tried, and one is taken if it
# scores TURN_MARGIN more. Upright portraits score 0.75-0.93; p11 upside down scores 0.61 as it is and 0.93
# turned; p02 scores 0.77 upright but 0.83 upside down, so a lower threshold would turn good photos over.
TURN_CHECK_SCORE = 0.7
TURN_MARGIN = 0.15
LEVEL_MIN_DEG = 0.3  # below this the rotation is not worth its resampling
IRIS_A, IRIS_B, CHIN, CHEEK_A, CHEEK_B = 468, 473, 152, 234, 454


def run(ctx):
    found = find_face(ctx.image)
    ctx.faces_found = found.count
    ctx.face = found.face
    if found.turned:
        ctx.warn("The photo was sideways or upside down; it was turned upright.")
    ctx.image = found.source
    if found.rotation is not None:
        ctx.unlevelled = found.source
        ctx.image = found.image
        ctx.level_matrix = found.rotation


class FoundFace:
    """The chosen face; `source` is the photo turned upright by quarter turns (`turned` of them,
    counter-clockwise), `image` the same levelled by `rotation` (or `source` itself when no levelling)."""

    def __init__(self, face, count, image, rotation=None, source=None, turned=0):
        self.face, self.count, self.image, self.rotation = face, count, image, rotation
        self.source = image if source is None else source
        self.turned = turned


def find_face(image, level=True, allow_several=False, allow_turn=True):
    """Detect, choose, landmark and (optionally) level. Returns a FoundFace; raises NoFace / SeveralFaces.

    A photo the detector cannot read as it is (sideways or upside down, its orientation tag lost) is tried
    in the other quarter turns, which lose nothing; the face is then levelled.
    """
    image, boxes, turned = _upright_boxes(image, allow_turn)
    if not boxes:
        raise NoFace()
    main, count = choose_main(boxes, image.shape[1], image.shape[0])
    if count > 1 and not allow_several:
        raise SeveralFaces(count)
    points = mesh_points(image, main)
    if points is None:
        raise NoFace()
    face = face_from_points(points, main)
    if not level or abs(face.roll_deg) < LEVEL_MIN_DEG:
        return FoundFace(face, count, image, turned=turned)
    rotation = leveling_matrix(face)
    h, w = image.shape[:2]
    levelled = cv2.warpAffine(
        image, rotation, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    face = face_from_points(_apply(rotation, points), _rotate_box(rotation, main[:4]), roll=face.roll_deg)
    return FoundFace(face, count, levelled, rotation, source=image, turned=turned)


def count_faces(image):
    """How many faces of comparable size the detector finds (0 if none), trying other quarter turns like
    `find_face`; runs the detector only (no landmarks), for a quick look at an upload."""
    image, boxes, _ = _upright_boxes(image, allow_turn=True)
    return choose_main(boxes, image.shape[1], image.shape[0])[1] if boxes else 0


def _upright_boxes(image, allow_turn):
    """(image, boxes, quarter turns): the photo as it is, or turned when that finds a face clearly better."""
    boxes = face_boxes(image)
    if allow_turn and _best_score(boxes) < TURN_CHECK_SCORE:
        return _best_orientation(image, boxes)
    return image, boxes, 0


def _best_score(boxes):
    return max((b[4] for b in boxes), default=0.0)


def _best_orientation(image, boxes):
    """Try the photo upside down and on each side; keep the orientation whose best face scores clearly
    higher (the detector finds upright faces best, upside-down ones weakly, and the mesh does not notice)."""
    best = (image, boxes, 0)
    for quarter_turns in (2, 1, 3):
        turned = np.ascontiguousarray(np.rot90(image, quarter_turns))
        found = face_boxes(turned)
        if _best_score(found) > _best_score(best[1]) + TURN_MARGIN:
            best = (turned, found, quarter_turns)
    return best


def face_boxes(image):
    """Detected faces as (x0, y0, x1, y1, score) in pixels of `image`."""
    h, w = image.shape[:2]
    factor = min(1.0, DETECT_MAX_SIDE / max(h, w))
    small = (
        image
        if factor == 1.0
        else cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    )
    boxes = []
    for det in models.detect_faces(small):
        score = float(det.score[0]) if det.score else 0.0
        if score < MIN_SCORE:
            continue
        rel = det.location_data.relative_bounding_box
        x0, y0 = max(0.0, rel.xmin * w), max(0.0, rel.ymin * h)
        x1, y1 = min(float(w), (rel.xmin + rel.width) * w), min(float(h), (rel.ymin + rel.height) * h)
        if x1 - x0 > 2 and y1 - y0 > 2:
            boxes.append((x0, y0, x1, y1, score))
    return boxes


def choose_main(boxes, width, height):
    """The largest face (the most central among near-equals) and how many faces are of comparable size."""

    def area(b):
        return (b[2] - b[0]) * (b[3] - b[1])

    def off_centre(b):
        return math.hypot((b[0] + b[2]) / 2 / width - 0.5, (b[1] + b[3]) / 2 / height - 0.5)

    largest = max(area(b) for b in boxes)
    # Faces within 10% of the largest are treated as equally large: then the most central one wins.
    near_largest = [b for b in boxes if area(b) >= 0.9 * largest]
    main = min(near_largest, key=off_centre)
    comparable = sum(1 for b in boxes if area(b) >= COMPARABLE_AREA * largest)
    return main, comparable


def mesh_points(image, box):
    """Face-mesh points in image pixels, found on a square crop around `box`."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = box[:4]
    side = max(x1 - x0, y1 - y0) * MESH_CROP
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left, top = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
    right, bottom = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
    crop = image[top:bottom, left:right]
    # The mesh model runs at 192x192 (256 with irises); a crop much larger than that only costs conversion time.
    factor = min(1.0, 512 / max(crop.shape[:2]))
    if factor < 1.0:
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    points = models.face_mesh_points(crop)
    if points is None:
        return None
    return points / factor + np.array([left, top], dtype=np.float32)


def face_from_points(points, box, roll=None):
    eyes = sorted([tuple(map(float, points[IRIS_A])), tuple(map(float, points[IRIS_B]))])
    cheeks = sorted([tuple(map(float, points[CHEEK_A])), tuple(map(float, points[CHEEK_B]))])
    measured_roll = math.degrees(math.atan2(eyes[1][1] - eyes[0][1], eyes[1][0] - eyes[0][0]))
    return Face(
        box=tuple(float(v) for v in box[:4]),
        score=float(box[4]) if len(box) > 4 else 1.0,
        landmarks=points.astype(np.float32),
        eye_left=eyes[0],
        eye_right=eyes[1],
        chin=tuple(map(float, points[CHIN])),
        cheek_left=cheeks[0],
        cheek_right=cheeks[1],
        roll_deg=measured_roll if roll is None else float(roll),
    )


def leveling_matrix(face):
    """2x3 rotation about the eye midpoint that makes the eye line horizontal."""
    return cv2.getRotationMatrix2D(face.eyes_mid, face.roll_deg, 1.0)


def _apply(matrix, points):
    pts = np.asarray(points, dtype=np.float64)
    return (pts @ matrix[:, :2].T + matrix[:, 2]).astype(np.float32)


def _rotate_box(matrix, box):
    x0, y0, x1, y1 = box
    corners = _apply(matrix, [(x0, y0), (x1, y0), (x0, y1), (x1, y1)])
    return (*corners.min(axis=0), *corners.max(axis=0))
