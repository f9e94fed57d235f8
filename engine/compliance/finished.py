"""The last look before success: the finished photo itself, detected again from scratch.

Everything before this trusts the plan (the face found in the source, the transform, the matte). Here the
person as delivered (the output's colours and alpha, over a neutral grey so neither the new background, the
label nor a preview watermark plays a part) goes through the face detector and mesh again:
- exactly one face, upright (roll within the document limit) and where the plan put it (eyes within a few
  px): catches a photo turned the wrong way, a face that is not there, a bystander's face left in;
- the face oval opaque (mean alpha >= FACE_OPAQUE): catches a face made see-through by the matte;
- no second piece of person apart from the customer: catches another person's skin or shoulder left over,
  also joined to the customer at a side edge where a body model that follows only the customer sees nobody
  (engine/compliance/silhouette.py);
- no other person's face beside the customer's, even cut in half by the output's edge or joined to the
  customer by the matte (`bystander_faces`);
- no hand in the photo, the customer's or anyone else's, but for a phone held at the ear (`no_hands`).
Each is a hard check: a failure stops the photo (engine/stages/checks.py).
"""

import cv2
import numpy as np

from ..mesh import FACE_OVAL, face_width
from ..stages import detect, matte
from .base import LIMITS, Check
from .covered import HANDS_FIX, hands_in_photo, source_covering
from .framing import face_mask
from .silhouette import FOREIGN_AREA, foreign_beside

GREY = 128.0
FACE_OPAQUE = 0.98
# Eyes found this close to where the plan put them (px, or this fraction of the eye distance if larger).
POSITION_PX = 4.0
POSITION_SHARE = 0.12
OTHER_PIECE_SHARE = 0.01  # of the output's area: a separate piece of person this large is someone else
# Above the crown only a few stray hairs of the customer can be: matte there that reaches the output's top
# edge (ABOVE_HEAD_PX px or more, ABOVE_HEAD_GAP face widths above the crown) is someone else's chin, hair or
# shoulder joined to the customer. On the 177x228 outputs of ../shared/lfw_dev: 8 of 281 reach it with 38-1064
# px, every one a piece of somebody else (a chin, hair, a shoulder, a teammate's arm); all the others 0.
ABOVE_HEAD_PX = 12
ABOVE_HEAD_GAP = 0.05
# Skin that is not ours entering the photo from its top or side edge above the chin is someone else's face,
# ear or arm joined to the customer by the matte: skin of our face's chroma (matte.skin_like), less our
# crown's colours (blond or white hair lit warm reads as skin), in pieces that keep off our widened face oval
# and ears and reach an edge. OTHER_SKIN square face widths of it refuse the photo. On the 177x228 outputs
# of ../shared/lfw_dev: a bystander's cheek and ear beside Jim_Wall's white hair 0.16; everything else
# 0-0.027 for every other delivered photo; photos refused for another reason that show a bystander's face
# or hand score 0.03-0.19.
OTHER_SKIN = 0.06
SKIN_FACE_PX = 80.0  # (the lfw_dev outputs' face width, where the figures above were measured)
# A bystander standing beside the customer, whose face the matte removed or the output's edge cut off, often
# leaves their shoulder, suit or hair joined to ours at the output's side. So when a face was found in the
# source on one side of ours (one that lost to ours, or one the search beside our head found), the person may
# reach that side of the output, above our chin, over at most BESIDE_ROWS face widths of rows: the customer's
# own hair does so a little, and long hair more only where nobody stands beside it. The side is a band
# BESIDE_BAND face widths wide (the matte fades over the last few px where the source photo ends). On the
# 177x228 outputs of ../shared/lfw_dev, of the 45 delivered photos with such a face found beside, the
# customer's own hair reaches at most 0.36 (Andrew_Gilligan; Gwen_Stefani's curls 0.33), and a bystander's
# suit, shoulder or hair 0.62-0.75 (Boris_Berezovsky, Kenneth_Evans, Angelo_Reyes, Jeff_Bridges).
BESIDE_ROWS = 0.45
BESIDE_BAND = 0.08
# Inside the box of such a face (in the output, above our chin), skin that is not ours (as for OTHER_SKIN, but
# pixel by pixel outside our widened face oval and ears: a bystander's nose may touch our temple) is their
# face. On lfw_dev: a bystander's nose and glasses beside Dot_Helms' temple 0.026 square face widths (and
# Angelo_Reyes' neighbour 0.015); every other delivered photo with a face found beside 0-0.0067 (the most:
# Andrew_Gilligan's own ear and hair beside a colleague's face).
SKIN_IN_THEIR_FACE = 0.012
# Someone pressed against the customer's head (a cheek at our ear, a hand on our head) is cut away by the
# matte's removals (engine/stages/matte.py) along the colour edge between them and us; where that cut runs
# through our ears (ellipses of matte.SEED_EAR_HALF face widths about the cheek points) it takes part of our
# ear or leaves part of them. When the removals took CUT_AT_EARS square face widths or more of solid matte
# there (ctx.cut_at_ears), the photo is refused. On lfw_dev 12 delivered photos measured 0.043-0.18 and all
# but one show it: an ear cut off (David_Oh, Marc_Grossman), pieces of the other person left (Des_Brown,
# Laurie_Chan, Lloyd_Richards, Gavyn_Arthur, Brad_Miller, David_Kelley, Dot_Helms), a bystander's suit or
# arm (Emma_Watson, Henry_Suazo); the one that looks fine is Antonio_Banderas (0.052). Every other photo
# measured 0-0.018.
CUT_AT_EARS = 0.03
PRESSED_FIX = (
    "Someone or something is pressed against your head and cannot be cut away cleanly. Use a photo in which "
    "you are alone, with nothing touching your head, and try again."
)
OTHER_FACE_SHARE = 0.5  # a second detection at least this wide (vs the face) is another person's face
# A face that lost to the customer's in the source is still in the output when at least OTHER_FACE_SHOWN of
# its box lands inside the output and the person's alpha over that part, outside the customer's face oval
# widened by OWN_FACE_MARGIN, averages OTHER_FACE_ALPHA: the detector no longer finds a face cut in half by
# the output's edge, but it is plainly there.
OTHER_FACE_SHOWN = 0.25
OTHER_FACE_ALPHA = 0.3
# A bystander cut by the output's edge, or half hidden behind the customer, is no face to the detector while
# the customer's face is in view. So the customer's face oval (widened by OWN_FACE_MARGIN face widths) is
# painted grey, the output's edges are mirrored (a face cut near its middle is whole again) and both face
# detectors look again: the full-range one and the short-range one (made for faces filling the picture,
# it finds most of the half faces). A find counts when at least BYSTANDER_SHOWN of its box is inside the
# output, its centre is BYSTANDER_APART face widths or more from the customer's face and not on the
# customer's own neck (below the chin, between the cheeks), at most BYSTANDER_ON_OWN of it lies on the
# customer's face oval, and the person's alpha there averages OTHER_FACE_ALPHA. On the 281 outputs of
# ../shared/lfw_dev that found 11 bystanders and no customer's own face (the nearest false finds: a neck,
# and a chin below the grey oval 0.55 face widths away).
OWN_FACE_MARGIN = 0.15
BYSTANDER_SHOWN = 0.4
BYSTANDER_APART = 0.6
BYSTANDER_ON_OWN = 0.35
# Every bystander's face found there was cut by the output's left or right edge (a whole face inside the
# output is the final detection's to count): when the person reaches neither side edge above the chin, nor
# the top edge, there is nothing to look for and the two detectors are not run.
EDGE_PX = 2
# A bystander's face right behind the customer's shoulder is often missed by the detection of the whole
# photo while the customer's face is in view, and may then be too far inside the output for the search above
# (Daryl_Hannah, Lidija_Djukanovic of ../shared/lfw_dev). So the source is searched too: our face painted
# grey, both detectors on a crop HIDDEN_CROP face widths across, HIDDEN_SHIFT face widths to each side of our
# face. A find counts when it is HIDDEN_WIDE face widths wide or more (a hand at our cheek: 0.31), centred
# inside the photo (give or take HIDDEN_EDGE_SLACK of its width: a face cut by the edge is centred on it),
# not on our ears (an ellipse of HIDDEN_EAR half axes about each cheek point), neck or face, and the middle of
# its box is at least HIDDEN_SKIN skin-coloured (finds on hair, clothes or a dark background: 0-0.3). It is
# still in the output when that middle is held by the person's alpha (OTHER_FACE_ALPHA) and is not mostly
# (OWN_HAIR_SHARE) within OWN_HAIR_CLOSE of our crown's colours. On the 300 photos of lfw_dev that refuses
# Daryl_Hannah and Lidija_Djukanovic (a bystander's head beside theirs) and no other delivered photo; the
# closest misses: a blond bystander's face against Lidija's blond hair 0.76, Gwen_Stefani's own hair 0.92.
HIDDEN_CROP = 2.0
HIDDEN_SHIFT = 1.2
HIDDEN_WIDE = 0.35
HIDDEN_EDGE_SLACK = 0.1
HIDDEN_EAR = matte.SEED_EAR_HALF  # (the ears the bystander removal keeps as ours)
HIDDEN_SKIN = 0.5
OWN_HAIR_CLOSE = 15.0  # RGB distance
OWN_HAIR_SHARE = 0.85
BYSTANDER_SIDE = 320  # px: the output is looked at this small (a bystander's face is a fifth of it or more)

TRY_AGAIN = "Use a photo in which you are alone, upright, fully visible and clearly lit, and try again."


def person_on_grey(ctx):
    alpha = ctx.canvas_alpha[..., None]
    return np.clip(ctx.canvas.astype(np.float32) * alpha + GREY * (1.0 - alpha), 0, 255).astype(np.uint8)


def verify(ctx):
    """The checks of the finished photo, in a stable order (all of them hard)."""
    if ctx.canvas is None or ctx.canvas_alpha is None or ctx.canvas_landmarks is None:
        return []
    person = person_on_grey(ctx)
    image, offset = detect.padded(person)
    checks = _face_checks(ctx.canvas_landmarks + offset, image)
    left = other_faces_left(ctx) or len(bystander_faces(ctx, person)) or hidden_faces_left(ctx)
    if left and checks and checks[0].id == "final_one_face" and checks[0].status == "pass":
        checks[0] = Check(
            "final_one_face",
            "Only your face in the finished photo",
            "fail",
            1 + left,
            1,
            "faces",
            f"Another person's face is still in the photo. {TRY_AGAIN}",
        )
    return [
        *checks,
        _face_opaque(ctx),
        _one_piece(ctx),
        _no_hands(ctx, person),
    ]


def _no_hands(ctx, person):
    found = source_covering(ctx)
    seen_before = [ctx.transform.points(hand) for hand in found.hands] if ctx.transform and found else []
    hands = hands_in_photo(person, ctx.canvas_alpha, ctx.canvas_landmarks, seen_before)
    return Check(
        "no_hands",
        "No hands in the photo",
        "fail" if hands else "pass",
        len(hands),
        0,
        "hands",
        HANDS_FIX,
    )


def _face_checks(planned, image):
    """Detection on the padded person; `planned` is the plan's mesh in the same (padded) pixels."""
    boxes = detect.face_boxes(image) or detect.face_boxes(image, detect.RETRY_SCORE)
    found = _found_face(image, boxes, planned)
    if found is None:
        return [
            Check(
                "final_face",
                "The face is in the finished photo",
                "fail",
                "no face found",
                "one face",
                "",
                f"The finished photo does not show your face clearly. {TRY_AGAIN}",
            )
        ]
    box, points = found
    width = box[2] - box[0]
    others = sum(1 for b in boxes if b is not box and (b[2] - b[0]) >= OTHER_FACE_SHARE * width)
    eyes = (points[detect.IRIS_A] + points[detect.IRIS_B]) / 2
    planned_eyes = (planned[detect.IRIS_A] + planned[detect.IRIS_B]) / 2
    eye_distance = float(np.linalg.norm(planned[detect.IRIS_A] - planned[detect.IRIS_B]))
    off = float(np.linalg.norm(eyes - planned_eyes))
    tolerance = max(POSITION_PX, POSITION_SHARE * eye_distance)
    roll = abs(detect.face_from_points(points, box).roll_deg)
    roll_limit = LIMITS["roll"][1]
    return [
        Check(
            "final_one_face",
            "Only your face in the finished photo",
            "pass" if others == 0 else "fail",
            1 + others,
            1,
            "faces",
            f"Another person's face is still in the photo. {TRY_AGAIN}",
        ),
        Check(
            "final_upright",
            "The finished photo is upright",
            "pass" if roll <= roll_limit else "fail",
            round(roll, 1),
            roll_limit,
            "degrees",
            f"The face in the finished photo is tilted or upside down. {TRY_AGAIN}",
        ),
        Check(
            "final_position",
            "The face is where it was planned",
            "pass" if off <= tolerance else "fail",
            round(off, 1),
            round(tolerance, 1),
            "px",
            f"The face could not be placed reliably. {TRY_AGAIN}",
        ),
    ]


def _found_face(image, boxes, planned):
    """(box, mesh points) of the detected face nearest the planned one, or None."""
    if not boxes:
        return None
    centre = planned.mean(axis=0)

    def distance(b):
        return np.hypot((b[0] + b[2]) / 2 - centre[0], (b[1] + b[3]) / 2 - centre[1])

    box = min(boxes, key=distance)
    points = detect.mesh_points(image, box)
    return None if points is None else (box, points)


def _face_opaque(ctx):
    mask = face_mask(ctx.canvas_landmarks, ctx.canvas_alpha.shape)
    opacity = float(ctx.canvas_alpha[mask].mean()) if mask.any() else 0.0
    return Check(
        "face_opaque",
        "The whole face is kept (not see-through)",
        "pass" if opacity >= FACE_OPAQUE else "fail",
        round(opacity, 3),
        FACE_OPAQUE,
        "mean alpha",
        "Part of the face could not be told apart from the background or from something in front of it: "
        "use a photo with nothing in front of the face (hands, a microphone) and a background that differs "
        "from your skin and hair.",
    )


def _one_piece(ctx):
    """The person is one connected piece: another piece of that size is someone else (a shoulder, a hand).
    Nor does anything of the person reach the output's top edge above the crown: that is someone else joined
    to the customer by the matte (a bystander's chin or hair behind the head)."""
    person = (ctx.canvas_alpha > 0.5).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(person, connectivity=8)
    eyes = ctx.canvas_landmarks[[detect.IRIS_A, detect.IRIS_B]].mean(axis=0)
    h, w = person.shape
    x, y = int(np.clip(round(eyes[0]), 0, w - 1)), int(np.clip(round(eyes[1]), 0, h - 1))
    own = labels[y, x]
    limit = OTHER_PIECE_SHARE * h * w
    others = [i for i in range(1, count) if i != own and stats[i, cv2.CC_STAT_AREA] >= limit]
    largest = max((int(stats[i, cv2.CC_STAT_AREA]) for i in others), default=0)
    above = _above_head(ctx, person)
    reached = _sides_reached(ctx)
    faces_beside = _faces_beside(ctx, reached)
    skin, in_their_face = _skin_not_ours(ctx, faces_beside)  # square face widths
    beside = _beside_bystander(ctx, faces_beside, reached)  # face widths
    not_their_body = foreign_beside(ctx, reached)  # square face widths
    width = face_width(ctx.canvas_landmarks)
    side_piece = beside * BESIDE_BAND * width**2  # px: the rows reached times the band's width
    share = max(largest, above, max(skin, in_their_face, not_their_body) * width**2, side_piece) / (h * w)
    left_beside = (
        others
        or above >= ABOVE_HEAD_PX
        or skin >= OTHER_SKIN
        or in_their_face >= SKIN_IN_THEIR_FACE
        or beside >= BESIDE_ROWS
        or not_their_body >= FOREIGN_AREA
    )
    pressed = ctx.cut_at_ears >= CUT_AT_EARS
    return Check(
        "one_person",
        "Nobody else in the photo",
        "fail" if left_beside or pressed else "pass",
        round(share, 3),
        OTHER_PIECE_SHARE,
        "share of the photo",
        f"Part of another person is left beside you. {TRY_AGAIN}" if left_beside or not pressed else PRESSED_FIX,
    )


def _above_head(ctx, person):
    """Pixels of `person` (output, 0/1) above the crown, less ABOVE_HEAD_GAP face widths, in pieces that reach
    the output's top edge (0 when the crown is cut or not above the output)."""
    if ctx.crown_y is None or ctx.crown_cut or ctx.transform is None:
        return 0
    crown = ctx.transform.point(0.0, ctx.crown_y)[1] - ABOVE_HEAD_GAP * face_width(ctx.canvas_landmarks)
    rows = int(np.clip(np.floor(crown), 0, person.shape[0]))
    if rows < 1:
        return 0
    count, labels = cv2.connectedComponents(person[:rows], connectivity=8)
    at_top = np.unique(labels[0])
    return int(np.isin(labels, at_top[at_top > 0]).sum()) if count > 1 else 0


def _skin_not_ours(ctx, faces_beside):
    """Square face widths of skin that is not ours above the chin: (reaching the output's top or side edge,
    see OTHER_SKIN; inside the boxes `faces_beside` (output px) of other faces, see SKIN_IN_THEIR_FACE).
    Looked for on a copy whose face is SKIN_FACE_PX wide (the colour match is per pixel)."""
    points = ctx.canvas_landmarks
    scale = min(1.0, SKIN_FACE_PX / face_width(points))
    alpha, colours = ctx.canvas_alpha, ctx.canvas[..., :3]
    if scale < 1.0:
        alpha = cv2.resize(alpha, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        colours = cv2.resize(colours, (alpha.shape[1], alpha.shape[0]), interpolation=cv2.INTER_AREA)
        points = points * scale
    chin = int(np.clip(points[detect.CHIN][1], 0, alpha.shape[0]))
    if chin < 1:
        return 0.0, 0.0
    width = face_width(points)
    skin = matte.skin_like(colours[:chin], matte.face_skin(colours, alpha, points)) & (alpha[:chin] > 0.5)
    palette = matte.hair_palette(alpha, colours, points, width)
    if palette is not None and skin.any():
        skin &= ~matte.palette_matches(colours[:chin], skin, palette, OWN_HAIR_CLOSE)
    skin = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    own_face, ears = _own_face(points, alpha.shape)[:chin], matte.ear_zones(points, skin.shape, width)
    in_their_face = 0.0
    for box in faces_beside:
        theirs = matte.rect_mask(skin.shape, np.asarray(box) * scale) & (skin > 0) & ~own_face & ~ears
        in_their_face = max(in_their_face, float(theirs.sum()) / width**2)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(skin, connectivity=8)
    if count < 2:
        return 0.0, in_their_face
    touching_face = np.unique(labels[own_face])
    on_ears = np.bincount(labels[ears], minlength=count)
    x, y, w = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_WIDTH]
    at_edge = (x < EDGE_PX) | (y < EDGE_PX) | (x + w > alpha.shape[1] - EDGE_PX)
    ours = np.isin(np.arange(count), touching_face) | (on_ears > stats[:, cv2.CC_STAT_AREA] / 2)
    theirs = [i for i in range(1, count) if at_edge[i] and not ours[i]]
    return float(stats[theirs, cv2.CC_STAT_AREA].sum()) / width**2, in_their_face


def _faces_beside(ctx, reached):
    """Boxes (output px) of the faces found in the source beside ours: those that lost to ours, and, when
    the person reaches a side of the output above the chin (`reached`, see _sides_reached: where a bystander
    joins us), those the search beside our head finds."""
    if ctx.transform is None or ctx.image is None or ctx.face is None:
        return []
    boxes = list(getattr(ctx, "other_faces", []))
    if any(side.any() for side in reached.values()):
        boxes += _hidden_in_source(ctx)
    return [(*ctx.transform.point(b[0], b[1]), *ctx.transform.point(b[2], b[3])) for b in boxes]


def _sides_reached(ctx):
    """Per side of the output, which rows above the chin the person reaches (a band BESIDE_BAND face widths
    wide: the matte fades over the last few px where the source photo ends)."""
    alpha, points = ctx.canvas_alpha, ctx.canvas_landmarks
    chin = int(np.clip(points[detect.CHIN][1], 0, alpha.shape[0]))
    band = max(1, round(BESIDE_BAND * face_width(points)))
    return {"left": (alpha[:chin, :band] > 0.5).any(axis=1), "right": (alpha[:chin, -band:] > 0.5).any(axis=1)}


def _beside_bystander(ctx, faces_beside, reached):
    """Face widths of rows above our chin in which the person reaches (`reached`) the side of the output where
    another face was found in the source (`faces_beside`, output px; see BESIDE_ROWS)."""
    middle = ctx.canvas_landmarks[list(FACE_OVAL)].mean(axis=0)[0]
    rows = 0
    for x0, _y0, x1, _y1 in faces_beside:
        rows = max(rows, int(reached["left" if (x0 + x1) / 2 < middle else "right"].sum()))
    return rows / face_width(ctx.canvas_landmarks)


def other_faces_left(ctx):
    """How many of the source's other faces the output still shows (kept by the matte, joined to us).

    A box that lost to ours often reaches over our cheek (a bystander half hidden behind the customer):
    the alpha is averaged outside our face oval (widened by OWN_FACE_MARGIN), where only they can be.
    """
    if ctx.transform is None:
        return 0
    h, w = ctx.canvas_alpha.shape
    others = ~_own_face(ctx.canvas_landmarks, (h, w)) if ctx.canvas_landmarks is not None else None
    left = 0
    for box in getattr(ctx, "other_faces", []):
        (x0, y0), (x1, y1) = ctx.transform.point(box[0], box[1]), ctx.transform.point(box[2], box[3])
        area = max(1.0, (x1 - x0) * (y1 - y0))
        cx0, cy0, cx1, cy1 = max(0, round(x0)), max(0, round(y0)), min(w, round(x1)), min(h, round(y1))
        if cx1 <= cx0 or cy1 <= cy0 or (cx1 - cx0) * (cy1 - cy0) < OTHER_FACE_SHOWN * area:
            continue
        alpha = ctx.canvas_alpha[cy0:cy1, cx0:cx1]
        if others is not None:
            alpha = alpha[others[cy0:cy1, cx0:cx1]]
        if alpha.size and float(alpha.mean()) >= OTHER_FACE_ALPHA:
            left += 1
    return left


def hidden_faces_left(ctx):
    """How many faces beside ours that the source detection missed the output still shows: the middle of
    such a face (half its box, outside our widened face oval) inside the output and held by the person's
    alpha, and not our own hair (blond hair has the chroma of skin)."""
    if ctx.transform is None or ctx.image is None or ctx.face is None or ctx.canvas_landmarks is None:
        return 0
    if not _person_at_edges(ctx.canvas_alpha, ctx.canvas_landmarks):
        return 0
    shape, points = ctx.canvas_alpha.shape, ctx.canvas_landmarks
    outside = ~_own_face(points, shape)
    palette = matte.hair_palette(ctx.canvas_alpha, ctx.canvas, points, face_width(points))
    left = 0
    for box in _hidden_in_source(ctx):
        corners = (*ctx.transform.point(box[0], box[1]), *ctx.transform.point(box[2], box[3]))
        middle = _middle(corners, shape) & outside
        if not middle.any() or float(ctx.canvas_alpha[middle].mean()) < OTHER_FACE_ALPHA:
            continue
        solid = middle & (ctx.canvas_alpha > 0.5)
        if palette is None or not _mostly_our_hair(ctx.canvas, solid, palette):
            left += 1
    return left


def _hidden_in_source(ctx):
    """hidden_faces of the source, looked for once (two finished-photo checks use them)."""
    if ctx.hidden_faces is None:
        ctx.hidden_faces = hidden_faces(ctx.image, ctx.face)
    return ctx.hidden_faces


def _mostly_our_hair(colours, mask, palette):
    near = matte.palette_matches(colours, mask, palette, OWN_HAIR_CLOSE)
    return near.sum() > OWN_HAIR_SHARE * mask.sum()


def hidden_faces(image, face):
    """Boxes (x0, y0, x1, y1 in `image` px) of other people's faces beside `face` that the detection of the
    whole photo missed: our face painted grey, both detectors on a square crop beside each side of our head,
    mirrored at the photo's edges."""
    points = face.landmarks
    width = face_width(points)
    side = max(8, round(HIDDEN_CROP * width))
    greyed = image.copy()
    greyed[_own_face(points, image.shape[:2])] = round(GREY)
    greyed = cv2.copyMakeBorder(greyed, side, side, side, side, cv2.BORDER_REFLECT)
    centre = points[list(FACE_OVAL)].mean(axis=0)
    found = []
    for shift in (-HIDDEN_SHIFT, HIDDEN_SHIFT):
        x0 = round(centre[0] + shift * width - side / 2)
        y0 = round(centre[1] - side / 2)
        crop = greyed[y0 + side : y0 + 2 * side, x0 + side : x0 + 2 * side]
        for near in (False, True):
            for box in detect.face_boxes(crop, detect.RETRY_SCORE, near=near):
                box = np.array(box[:4]) + [x0, y0, x0, y0]
                if _hidden_face(box, image, points, width) and not _same_box(box, found):
                    found.append(box)
    return found


def _hidden_face(box, image, points, width):
    """Whether a find beside our face is another face: wide enough, centred inside the photo (not a mirrored
    copy), off our ears, neck and face, its middle mostly skin."""
    x0, y0, x1, y1 = box
    mid = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    slack = HIDDEN_EDGE_SLACK * (x1 - x0)
    if x1 - x0 < HIDDEN_WIDE * width or not -slack <= mid[0] <= image.shape[1] + slack:
        return False
    cheeks = sorted(float(points[i][0]) for i in (detect.CHEEK_A, detect.CHEEK_B))
    if mid[1] > points[detect.CHIN][1] and cheeks[0] < mid[0] < cheeks[1]:
        return False  # our neck or chest
    for index in (detect.CHEEK_A, detect.CHEEK_B):
        if float((((mid - points[index]) / (np.array(HIDDEN_EAR) * width)) ** 2).sum()) <= 1.0:
            return False  # our ear
    if np.linalg.norm(mid - points[list(FACE_OVAL)].mean(axis=0)) < BYSTANDER_APART * width:
        return False
    middle = _middle(box, image.shape[:2])
    return bool(middle.any()) and float(matte.skin_chroma(image[middle][None]).mean()) >= HIDDEN_SKIN


def _middle(box, shape):
    """Boolean map of the middle of `box` (half its width and height), clipped to `shape`."""
    x0, y0, x1, y1 = box
    qx, qy = (x1 - x0) / 4, (y1 - y0) / 4
    rows = slice(max(0, round(y0 + qy)), max(0, round(y1 - qy)))
    mask = np.zeros(shape, dtype=bool)
    mask[rows, max(0, round(x0 + qx)) : max(0, round(x1 - qx))] = True
    return mask


def _own_face(points, shape):
    """Boolean map of the customer's face oval widened by OWN_FACE_MARGIN face widths."""
    own = np.zeros(shape, dtype=np.uint8)
    cv2.fillPoly(own, [np.round(points[list(FACE_OVAL)]).astype(np.int32)], 1)
    size = int(OWN_FACE_MARGIN * face_width(points)) | 1
    return cv2.dilate(own, np.ones((size, size), np.uint8)) > 0


def bystander_faces(ctx, person=None):
    """Boxes (output px) of other people's faces the output still shows beside the customer's (`person`: the
    person over grey when already made)."""
    alpha, points = ctx.canvas_alpha, ctx.canvas_landmarks
    h, w = alpha.shape
    width = face_width(points)
    own = np.zeros((h, w), dtype=np.uint8)
    cv2.fillPoly(own, [np.round(points[list(FACE_OVAL)]).astype(np.int32)], 1)
    if not _person_at_edges(alpha, points):
        return []
    image = person_on_grey(ctx) if person is None else person.copy()
    image[_own_face(points, (h, w))] = round(GREY)
    # The detector works at 192x192 inside: a larger copy only costs conversion time.
    factor = min(1.0, BYSTANDER_SIDE / max(h, w))
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else image
    sh, sw = small.shape[:2]
    found = []
    padded = cv2.copyMakeBorder(small, sh // 2, sh // 2, sw // 2, sw // 2, cv2.BORDER_REFLECT)
    for near in (False, True):
        for box in detect.face_boxes(padded, detect.RETRY_SCORE, near=near):
            box = (np.array(box[:4]) - [sw // 2, sh // 2, sw // 2, sh // 2]) / factor
            if _is_bystander(box, alpha, own, points, width) and not _same_box(box, found):
                found.append(box)
    return found


def _person_at_edges(alpha, points):
    """Whether the person reaches the output's top edge, or a side edge above the chin."""
    chin = int(np.clip(points[detect.CHIN][1], 0, alpha.shape[0]))
    edges = (alpha[:EDGE_PX], alpha[:chin, :EDGE_PX], alpha[:chin, -EDGE_PX:])
    return any(bool((edge > 0.5).any()) for edge in edges)


def _is_bystander(box, alpha, own, points, width):
    h, w = alpha.shape
    x0, y0, x1, y1 = box
    area = max(1.0, (x1 - x0) * (y1 - y0))
    cx0, cy0, cx1, cy1 = max(0, round(x0)), max(0, round(y0)), min(w, round(x1)), min(h, round(y1))
    if cx1 <= cx0 or cy1 <= cy0 or (cx1 - cx0) * (cy1 - cy0) < BYSTANDER_SHOWN * area:
        return False
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    cheeks = sorted(float(points[i][0]) for i in (detect.CHEEK_A, detect.CHEEK_B))
    if mid_y > points[detect.CHIN][1] and cheeks[0] < mid_x < cheeks[1]:
        return False  # the customer's own neck or chest
    centre = points[list(FACE_OVAL)].mean(axis=0)
    apart = np.hypot(mid_x - centre[0], mid_y - centre[1]) / width
    on_own = float(own[cy0:cy1, cx0:cx1].sum()) / area
    kept = float(alpha[cy0:cy1, cx0:cx1].mean())
    return apart >= BYSTANDER_APART and on_own <= BYSTANDER_ON_OWN and kept >= OTHER_FACE_ALPHA


def _same_box(box, boxes):
    """Whether `box` is a find already listed (both paddings often find the same face)."""
    return any(np.hypot(*((box[:2] + box[2:]) / 2 - (b[:2] + b[2:]) / 2)) < 0.5 * (box[2] - box[0]) for b in boxes)

