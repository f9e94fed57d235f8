"""Nothing in front of the face: a hand over it, or a hand holding something (a microphone) up to the chin.

An authority refuses a face that is partly covered. The face mesh cannot tell: it fits a whole face under the
hand. So mediapipe's hand model (a palm detector and 21 points per hand, shipped inside its wheel) looks at a
crop around the face, and each hand it finds is compared with the face's mesh:
- over the face: the hand's outline covers at least HAND_OVER_FACE of the *front* of the face, the face oval
  narrowed to FRONT_WIDTH of its width about its middle (eyes, nose, mouth, chin). The narrowing keeps a
  hand at the side of the head, a phone at the ear, from counting: on ../shared/lfw_dev a phone at the ear
  covers 0.011 of the front, a hand on the cheek, mouth or forehead 0.029-0.10;
- holding something up to the chin: the hand lies right under the chin (at least HAND_UNDER_CHIN of the box
  between the mouth corners down to UNDER_CHIN_DEPTH below the chin) and the chin itself does not look like
  the face's skin (CHIN_HIDDEN of it far from the cheeks' colour): a microphone. A hand under a chin that shows
  (a gesture) is not a reason to refuse; on ../shared/lfw_dev that was 0.19 under the chin with the chin bare,
  the microphone at ../shared/portraits/p10 0.26 with 0.57 of the chin hidden;
- on the jaw: the face rests on a hand, or a hand lies on the cheek or jaw from below (beside the narrowed
  front, so the first rule misses it). The hand's outline comes within JAW_TOUCH face widths of the face oval,
  its palm (wrist and knuckles) is lower than PALM_LOW and its top higher than HAND_TOP, both in eye-to-chin
  distances below the eyes (the mouth is at 0.6). A phone at the ear is held with the palm at the cheek, and
  the hand model's one false hand, an ear, sits at eye height; a hand on the chest stays below the chin. On
  ../shared/lfw_dev the hands to refuse measure gap 0-0.035, palm 0.87-1.17, top 0.22-0.71 (a face in both
  hands, a hand on the cheek, a chin on a hand); the ones to keep: a phone at the ear gap 0, palm 0.58; an ear
  taken for a hand gap 0.045, palm 0.29; a hand on the chest gap 0.051, palm 1.18, top 1.03; the next
  nearest hand (below the face, not touching it) gap 0.109.
The hand model finds no hand in 0.9 of photos; it runs on a small crop (HAND_CROP px), which keeps it cheap.
A microphone in front of the chin with no hand in view (Barry_Alvarez of ../shared/lfw_dev) passes: without the
hand, the chin's colour does not tell it from a beard or a shadow (its share of the chin unlike the cheeks,
0.46, is exceeded on 32 other photos there; the difference between the chin's halves, 0.60, on 5).
"""

import cv2
import numpy as np

from .. import models
from ..mesh import CHEEK_A, CHEEK_B, CHIN, FACE_OVAL, IRIS_A, IRIS_B, face_width
from ..stages import detect
from .base import Check

HAND_CROP = 256  # px, the crop's longer side; the palm detector works at 192x192 inside
CROP_SHARE = 2.5  # crop side in face-box sizes: a hand held to the chin or the ear is inside
FRONT_WIDTH = 0.7
HAND_OVER_FACE = 0.02
HAND_UNDER_CHIN = 0.1
UNDER_CHIN_DEPTH = 0.2  # of the eye-to-chin distance
CHIN_HIDDEN = 0.35
JAW_TOUCH = 0.06  # face widths from the face oval to the hand's outline (its points are the joints' middles)
PALM_LOW = 0.75  # eye-to-chin distances below the eyes
HAND_TOP = 0.9
PALM = (0, 5, 9, 13, 17)  # the wrist and the four knuckles
SKIN_DISTANCE = 25.0  # Lab distance (lightness counted half) from the cheeks' median colour
MOUTH_CORNERS, LOWER_LIP, CHEEKS_AND_NOSE = (61, 291), 17, (50, 280, 4)

FIX = (
    "Something covers the face: a hand or an object in front of the chin. Take the photo with nothing in "
    "front of the face."
)
# A hand anywhere in the finished photo is refused too (an arm around the customer, a hand on the shoulder, a
# pointing or gesturing hand, a photographer's hand beside the head): authorities want the head and shoulders
# alone. The one hand that stays is a phone held at the ear (the palm at the cheek, above PALM_LOW, touching
# the face oval within JAW_TOUCH), which the issue counts as a photo a person accepts; a hand on the jaw is
# `face_uncovered`'s. A hand counts when HAND_INSIDE of its points lie inside the output on the person
# (alpha >= HAND_ALPHA). On the 177x228 outputs of ../shared/lfw_dev the hands found were all in the photo's
# lower part or beside the head, none on hair or clothes; on the 16 portraits only p10's hand on the
# microphone (refused already). The hands `face_uncovered` found in the source count too, when the outline of
# their joints covers HAND_SHOWN square face widths of the person in the output: in a 177x228 output the model
# misses fingers on a shoulder whose palm the bottom edge cut off (lfw_dev's Butch_Davis: 0.05; the hands it
# adds there show 0.05-0.23, each plainly a hand on the contact sheet; the largest value on a photo with no hand in
# view is 0.033, Cass_Ballenger, and Henry_Suazo's friend's hand across his chest shows only 0.018 of its joints).
HAND_INSIDE = 0.5
HAND_ALPHA = 0.5
HAND_SHOWN = 0.04
NECKLINE_HALF = 0.25
HANDS_FIX = (
    "A hand shows in the photo (yours or someone else's). Take the photo with your hands down and nobody "
    "touching you."
)


def source_covering(ctx):
    """What the hand model finds around the source face (a Covering, None without a face), looked for once:
    the source shows hands sharper and larger than the finished photo, so the final look (no_hands) counts
    these hands too, where they land on the person, without running the model on the crop again."""
    if ctx.image is None or ctx.face is None:
        return None
    if ctx.covering is None:
        ctx.covering = covering(ctx.image, ctx.face.landmarks, ctx.face.box)
    return ctx.covering


def face_uncovered(ctx, spec):
    found = source_covering(ctx)
    if found is None:
        return None
    return Check(
        "face_uncovered",
        "Nothing in front of the face",
        "fail" if found.covered else "pass",
        round(found.value, 3),
        HAND_OVER_FACE,
        "share of the face",
        FIX,
    )


def hands_in_photo(image, alpha, landmarks, seen_before=()):
    """The hands in the finished photo other than a phone held at the ear: those the hand model finds in
    `image` (the person over grey, RGB) that stand on the person (`alpha`), and those of `seen_before`
    (found in the source around the face, in output px) of which enough shows on the person. `landmarks`
    are the face mesh's in output px."""
    h, w = alpha.shape
    scale = min(1.0, HAND_CROP / max(h, w))  # the palm detector works at 192x192: a larger input only costs
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    padded, offset = detect.padded(small)  # (a hand cut by the output's edge is found more often with room)
    from_face = distance_from_face(landmarks, (h, w))
    found = []
    for hand in [(hand - offset) / scale for hand in models.hand_points(padded)]:
        if _stands_on_person(hand, alpha) and not _on_neckline(hand, landmarks):
            found.append(hand)
    for hand in seen_before:
        if not any(_same_hand(hand, other) for other in found) and _shows(hand, alpha, landmarks):
            found.append(hand)
    return [hand for hand in found if not _phone_at_ear(hand, _gap(hand, from_face), landmarks)]


def _stands_on_person(hand, alpha):
    """HAND_INSIDE of the points inside the output, on the person (their mean alpha at least HAND_ALPHA)."""
    h, w = alpha.shape
    inside = (hand[:, 0] >= 0) & (hand[:, 0] < w) & (hand[:, 1] >= 0) & (hand[:, 1] < h)
    return inside.mean() >= HAND_INSIDE and float(alpha[_rows_cols(hand, alpha.shape)].mean()) >= HAND_ALPHA


def _shows(hand, alpha, landmarks):
    """Whether the outline of a hand found in the source covers HAND_SHOWN square face widths of the person
    in the output (the hand itself is larger than its joints' outline): a hand cut by the output's edge shows
    its fingers although most of its points lie outside."""
    outline = np.zeros(alpha.shape, dtype=np.uint8)
    cv2.fillPoly(outline, [cv2.convexHull(np.round(hand).astype(np.int32))], 1)
    width = face_width(landmarks)
    return float(((outline > 0) & (alpha > HAND_ALPHA)).sum()) >= HAND_SHOWN * width * width


def _gap(hand, from_face):
    return float(from_face[_rows_cols(hand, from_face.shape)].min())


def _rows_cols(hand, shape):
    h, w = shape
    return np.clip(np.round(hand[:, 1]).astype(int), 0, h - 1), np.clip(np.round(hand[:, 0]).astype(int), 0, w - 1)


def _same_hand(hand, other):
    """Whether two finds are one hand (found in the source and again in the finished photo)."""
    span = max(1.0, float(np.ptp(other, axis=0).max()))
    return float(np.linalg.norm(hand[list(PALM)].mean(axis=0) - other[list(PALM)].mean(axis=0))) < 0.5 * span


def _on_neckline(hand, points):
    """The hand model takes the skin of an open neckline under the chin for a hand (p16 at face_width=180:
    a "hand" on her chest between the lapels): a palm centred there, within NECKLINE_HALF face widths of the
    chin's column and below the chin, is not counted."""
    width = face_width(points)
    palm = hand[list(PALM)].mean(axis=0)
    return abs(float(palm[0] - points[CHIN][0])) < NECKLINE_HALF * width and palm[1] > points[CHIN][1]


def _phone_at_ear(hand, gap, points):
    return gap <= JAW_TOUCH and _depth(hand[list(PALM), 1].mean(), points) < PALM_LOW


class Covering:
    """What the hand model found: `share` of the face's front under a hand, `held` an object at the chin
    (`hidden`: the share of the chin unlike the face's skin), `on_jaw` a hand on the jaw or cheek."""

    def __init__(self, share=0.0, held=False, hidden=0.0, hands=(), on_jaw=False):
        self.share, self.held, self.hidden, self.on_jaw = share, held, hidden, on_jaw
        self.hands = list(hands)  # each hand's 21 points in the photo's px

    @property
    def covered(self):
        return self.share >= HAND_OVER_FACE or self.held or self.on_jaw

    @property
    def value(self):
        """The reported figure: the hand's share of the face, or for a held object the chin it hides."""
        return max(self.share, self.hidden if self.held else 0.0)


def covering(image, landmarks, box):
    """Look for hands over the face in `image` (RGB) whose face has mesh `landmarks` and detector `box`."""
    crop, scale, offset = _face_crop(image, box)
    hands = models.hand_points(crop)
    if not hands:
        return Covering()
    points = (np.asarray(landmarks, dtype=np.float32) - offset) * scale
    shape = crop.shape[:2]
    front, under = front_of_face(points, shape), under_chin(points, shape)
    from_face = distance_from_face(points, shape)
    share, below, on_jaw = 0.0, 0.0, False
    for hand in hands:
        outline = np.zeros(shape, dtype=np.uint8)
        cv2.fillPoly(outline, [cv2.convexHull(np.round(hand).astype(np.int32))], 1)
        outline = outline.astype(bool)
        share = max(share, _share(outline, front))
        below = max(below, _share(outline, under))
        gap = float(from_face[outline].min()) if outline.any() else np.inf
        on_jaw = on_jaw or hand_on_jaw(hand, gap, points)
    hidden = chin_hidden(crop, points) if below >= HAND_UNDER_CHIN else 0.0
    in_photo = [hand / scale + offset for hand in hands]
    return Covering(share, hidden >= CHIN_HIDDEN, hidden, in_photo, on_jaw)


def _face_crop(image, box):
    """A square crop CROP_SHARE face boxes wide around the face, scaled to HAND_CROP: (crop, scale, offset)."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = box[:4]
    side = CROP_SHARE * max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left, top = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
    right, bottom = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
    crop = image[top:bottom, left:right]
    scale = min(1.0, HAND_CROP / max(1, max(crop.shape[:2])))
    if scale < 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(crop), scale, np.array([left, top], dtype=np.float32)


def _share(outline, zone):
    area = int(zone.sum())
    return float((outline & zone).sum()) / area if area else 0.0


def front_of_face(points, shape):
    """The face oval narrowed about its middle: eyes, nose, mouth and chin, not the cheeks' edges or ears."""
    oval = points[list(FACE_OVAL)].copy()
    middle = (points[CHEEK_A][0] + points[CHEEK_B][0]) / 2
    oval[:, 0] = middle + FRONT_WIDTH * (oval[:, 0] - middle)
    return _filled(shape, lambda mask: cv2.fillPoly(mask, [np.round(oval).astype(np.int32)], 1))


def distance_from_face(points, shape):
    """Each pixel's distance from the face oval in face widths (0 inside it)."""
    outline = np.round(points[list(FACE_OVAL)]).astype(np.int32)
    oval = _filled(shape, lambda mask: cv2.fillPoly(mask, [outline], 1))
    width = face_width(points)
    return cv2.distanceTransform((~oval).astype(np.uint8), cv2.DIST_L2, 5) / width


def hand_on_jaw(hand, gap, points):
    """A hand `gap` face widths from the face oval that rests on the jaw or cheek: its palm below the mouth,
    its top above the chin (not a phone at the ear, not a hand on the chest)."""
    palm, top = _depth(hand[list(PALM), 1].mean(), points), _depth(hand[:, 1].min(), points)
    return gap <= JAW_TOUCH and palm >= PALM_LOW and top <= HAND_TOP


def _depth(y, points):
    """How far below the eyes `y` lies, in eye-to-chin distances (the mouth is at about 0.6)."""
    eyes = float(points[IRIS_A][1] + points[IRIS_B][1]) / 2
    return (float(y) - eyes) / max(1.0, float(points[CHIN][1]) - eyes)


def under_chin(points, shape):
    """The box between the mouth corners from the chin down, where a held microphone or hand would be."""
    chin = points[CHIN]
    depth = UNDER_CHIN_DEPTH * float(np.linalg.norm(chin - (points[IRIS_A] + points[IRIS_B]) / 2))
    left, right = sorted(float(points[i][0]) for i in MOUTH_CORNERS)
    corners = (round(left), round(chin[1])), (round(right), round(chin[1] + depth))
    return _filled(shape, lambda mask: cv2.rectangle(mask, *corners, 1, -1))


def chin_hidden(image, points):
    """Share of the chin (below the lower lip, between the mouth corners) unlike the cheeks' colour."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    shape = image.shape[:2]
    radius = max(1, round(0.08 * face_width(points)))

    def draw_skin(mask):
        for i in CHEEKS_AND_NOSE:
            cv2.circle(mask, tuple(int(v) for v in np.round(points[i])), radius, 1, -1)

    skin = _filled(shape, draw_skin)
    top, bottom = float(points[LOWER_LIP][1]), float(points[CHIN][1])
    left, right = sorted(float(points[i][0]) for i in MOUTH_CORNERS)
    corners = (round(left), round(top + 0.15 * (bottom - top))), (round(right), round(bottom - 0.1 * (bottom - top)))
    chin = _filled(shape, lambda mask: cv2.rectangle(mask, *corners, 1, -1))
    if not skin.any() or not chin.any():
        return 0.0
    reference = np.median(lab[skin], axis=0)
    distance = np.sqrt((((lab[chin] - reference) * np.array([0.5, 1.0, 1.0])) ** 2).sum(axis=-1))
    return float((distance > SKIN_DISTANCE).mean())


def _filled(shape, draw):
    mask = np.zeros(shape, dtype=np.uint8)
    draw(mask)
    return mask.astype(bool)
