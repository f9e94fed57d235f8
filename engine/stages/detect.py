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
from ..mesh import CHEEK_A, CHEEK_B, CHIN, IRIS_A, IRIS_B

DETECT_MAX_SIDE = 1280  # the detector works at 192x192 inside; a smaller copy only saves conversion time
MIN_SCORE = 0.5
# A photo where nothing scores MIN_SCORE (a hand or a phone at the face) is looked at again with the
# detector's threshold lowered to this, then by the face mesh's own detector on the whole photo.
RETRY_SCORE = 0.3
# The main face dominates another face that is at most DOMINANT_WIDTH as wide, or at most
# DOMINANT_WIDTH_OFF_CENTRE as wide and at least OFF_CENTRE_MARGIN further from the centre (fractions of
# the photo's size); other faces are rivals and the photo is refused. On ../shared/lfw_dev a bystander
# behind the customer is 0.3-0.8 as wide and 0.2-0.45 off centre; two people side by side are 0.95-1.
DOMINANT_WIDTH = 0.75
DOMINANT_WIDTH_OFF_CENTRE = 0.9
OFF_CENTRE_MARGIN = 0.15
PAD_SHARE = 0.5
MESH_CROP = 2.2  # crop side for the mesh, in face-box sizes
# Photos whose orientation tag was lost arrive sideways or upside down. The detector finds upright faces
# only, but it also "finds" faces in upside-down photos (up to 0.83 on ../shared/lfw_dev and the portraits,
# where every upright face scored 0.6 or more), and the mesh fits an upside-down face as if it were upright.
# So: a photo whose best face scores SURE_SCORE is never turned; below that the other turns are tried, and
# - when the photo as it is has a face of REASONABLE_SCORE, only a half turn is possible, and only when the
#   person's body (the matte) lies above the face rather than below it;
# - otherwise the turn whose best face scores TURN_MARGIN more than the photo as it is is taken.
SURE_SCORE = 0.85
REASONABLE_SCORE = 0.6
TURN_MARGIN = 0.15
BODY_ABOVE = 2.0  # matte above the face / matte below it that means "upside down"
LEVEL_MIN_DEG = 0.3  # below this the rotation is not worth its resampling


def run(ctx):
    found = find_face(ctx.image)
    ctx.faces_found = found.count
    ctx.face = found.face
    ctx.other_faces = found.others
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

    def __init__(self, face, count, image, rotation=None, source=None, turned=0, others=()):
        self.face, self.count, self.image, self.rotation = face, count, image, rotation
        self.source = image if source is None else source
        self.turned = turned
        self.others = list(others)  # the other faces' boxes (x0, y0, x1, y1), in `image` pixels


def find_face(image, level=True, allow_several=False, allow_turn=True):
    """Detect, choose, landmark and (optionally) level. Returns a FoundFace; raises NoFace / SeveralFaces.

    A photo the detector cannot read as it is (sideways or upside down, its orientation tag lost) is tried
    in the other quarter turns, which lose nothing; the face is then levelled.
    """
    image, boxes, turned = _upright_boxes(image, allow_turn)
    if not boxes:
        boxes = face_boxes(image, RETRY_SCORE) or _mesh_box(image)
    if not boxes:
        raise NoFace()
    main, count = choose_main(boxes, image.shape[1], image.shape[0])
    if count > 1 and not allow_several:
        raise SeveralFaces(count)
    points = mesh_points(image, main)
    if points is None:
        raise NoFace()
    face = face_from_points(points, main)
    others = [b[:4] for b in boxes if b is not main]
    if not level or abs(face.roll_deg) < LEVEL_MIN_DEG:
        return FoundFace(face, count, image, turned=turned, others=others)
    rotation = leveling_matrix(face)
    h, w = image.shape[:2]
    levelled = cv2.warpAffine(
        image, rotation, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    face = face_from_points(_apply(rotation, points), _rotate_box(rotation, main[:4]), roll=face.roll_deg)
    others = [_rotate_box(rotation, b) for b in others]
    return FoundFace(face, count, levelled, rotation, source=image, turned=turned, others=others)


def _upright_boxes(image, allow_turn):
    """(image, boxes, quarter turns): the photo as it is, or turned when that finds a face clearly better."""
    boxes = face_boxes(image)
    if allow_turn and _best_score(boxes) < SURE_SCORE:
        return _best_orientation(image, boxes)
    return image, boxes, 0


def padded(image, share=PAD_SHARE, value=128):
    """`image` in the middle of a grey canvas `share` of its size larger on every side, and the offset.

    The full-range detector misses faces that fill most of the frame (a finished ID photo, a tight crop):
    on 177x228 outputs of ../shared/lfw_dev it found none in 1 of 20, and every one once padded by half.
    """
    h, w = image.shape[:2]
    py, px = round(h * share), round(w * share)
    canvas = np.full((h + 2 * py, w + 2 * px, 3), value, dtype=np.uint8)
    canvas[py : py + h, px : px + w] = image
    return canvas, np.array([px, py], dtype=np.float32)


def _best_score(boxes):
    return max((b[4] for b in boxes), default=0.0)


def _best_orientation(image, boxes):
    """The photo turned upright by quarter turns: (image, boxes, quarter turns counter-clockwise)."""
    as_is = _best_score(boxes)
    if as_is >= REASONABLE_SCORE:
        best_box = max(boxes, key=lambda b: b[4])
        # The mesh notices a face lying on its side (its eye-to-chin line is then horizontal), not an
        # upside-down one: that takes the body test.
        turns = (1, 3) if _lying_sideways(image, best_box) else (2,)
        for quarter_turns in turns:
            turned = np.ascontiguousarray(np.rot90(image, quarter_turns))
            found = face_boxes(turned)
            if _best_score(found) > as_is and (quarter_turns != 2 or _body_above_face(image, best_box)):
                return turned, found, quarter_turns
        return image, boxes, 0
    best = (image, boxes, 0)
    for quarter_turns in (2, 1, 3):
        turned = np.ascontiguousarray(np.rot90(image, quarter_turns))
        found = face_boxes(turned)
        if _best_score(found) > _best_score(best[1]) + TURN_MARGIN:
            best = (turned, found, quarter_turns)
    return best


def _lying_sideways(image, box):
    """Whether the mesh puts the chin beside the eyes rather than below them."""
    points = mesh_points(image, box)
    if points is None:
        return False
    down = points[CHIN] - (points[IRIS_A] + points[IRIS_B]) / 2
    return abs(float(down[0])) > abs(float(down[1]))


def _body_above_face(image, box):
    """Whether the person's matte lies mostly above the face box: a portrait held upside down."""
    from .matte import small_matte  # the matte stage imports nothing from here; only needed in this rare case

    found = small_matte(image)
    y0, y1 = (round(float(found.to_matte(v))) for v in (box[1], box[3]))
    above = float(found.alpha[: max(0, y0)].sum())
    below = float(found.alpha[max(0, y1) :].sum())
    return above > BODY_ABOVE * max(below, 1.0)


def _mesh_box(image):
    """The face mesh's own detector on the whole photo, as a box: the last try before "no face"."""
    factor = min(1.0, DETECT_MAX_SIDE / max(image.shape[:2]))
    small = (
        image
        if factor == 1.0
        else cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    )
    points = models.face_mesh_points(small)
    if points is None:
        return []
    points = points / factor
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return [(float(x0), float(y0), float(x1), float(y1), RETRY_SCORE)]


def face_boxes(image, min_score=MIN_SCORE, near=False):
    """Detected faces as (x0, y0, x1, y1, score) in pixels of `image`; `near` uses the short-range model."""
    h, w = image.shape[:2]
    factor = min(1.0, DETECT_MAX_SIDE / max(h, w))
    small = (
        image
        if factor == 1.0
        else cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    )
    boxes = []
    found = models.detect_near_faces(small) if near else models.detect_faces(small, sensitive=min_score < MIN_SCORE)
    for det in found:
        score = float(det.score[0]) if det.score else 0.0
        if score < min_score:
            continue
        rel = det.location_data.relative_bounding_box
        x0, y0 = max(0.0, rel.xmin * w), max(0.0, rel.ymin * h)
        x1, y1 = min(float(w), (rel.xmin + rel.width) * w), min(float(h), (rel.ymin + rel.height) * h)
        if x1 - x0 > 2 and y1 - y0 > 2:
            boxes.append((x0, y0, x1, y1, score))
    return boxes


def choose_main(boxes, width, height):
    """The dominant face and how many faces compete with it (1 when it dominates every other face).

    The largest face wins (the most central among near-equals); another face is a rival unless the main one
    is clearly larger, or somewhat larger and clearly more central. Faces that lose stay in the photo and
    are cut away with the matte (only the person connected to the main face is kept, and the heads of losing
    faces joined to it are cut away: matte.drop_other_faces).
    """

    def off_centre(b):
        return math.hypot((b[0] + b[2]) / 2 / width - 0.5, (b[1] + b[3]) / 2 / height - 0.5)

    widest = max(b[2] - b[0] for b in boxes)
    near_widest = [b for b in boxes if b[2] - b[0] >= 0.95 * widest]
    main = min(near_widest, key=off_centre)

    def dominated(b):
        ratio = (b[2] - b[0]) / (main[2] - main[0])
        further = off_centre(b) - off_centre(main) >= OFF_CENTRE_MARGIN
        return ratio <= DOMINANT_WIDTH or (ratio <= DOMINANT_WIDTH_OFF_CENTRE and further)

    rivals = sum(1 for b in boxes if b is not main and not dominated(b))
    return main, 1 + rivals


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
