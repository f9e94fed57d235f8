"""Stage: matte. Person alpha with Robust Video Matting (RVM, mobilenetv3, onnxruntime).

RVM runs on a copy at most MATTE_MAX_SIDE px on its long side, and the matte stays at that resolution
(`ctx.matte_scale` matte px per source px): the geometry stage resamples it straight into the output,
which is as sharp as upsampling it to the source first and much cheaper for large photos. The matte holds
every person in the frame: only the region connected to the chosen face is kept, then five clean-ups run
(another person's head joined by a thin bridge, a bystander merged with ours, the heads of the other faces
the detector found, half-transparent ears, faint blobs beside the head; see their comments). The canvas colours come from the estimate of
engine/foreground.py, which removes more of the old background from hair edges than RVM's own foreground
colours.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from .. import foreground, models
from ..mesh import CHEEK_A, CHEEK_B, CHIN, FACE_OVAL

MATTE_MAX_SIDE = 1024
# The side RVM's encoder works at (downsample_ratio = this / input long side). 448 scores a little better on
# the reference set but leaves blobs of window light beside the ears in p09; 480 and 512 do not.
RVM_INTERNAL_SIDE = 480
RVM_PASSES = 1  # feeding the recurrent state back on the same frame refines the matte a little per pass
KEEP_THRESHOLD = 0.08  # alpha above this counts as "person" when finding the face's connected region
KEEP_GROW = 0.012  # keep faint pixels this close (fraction of the long side) to the face's region
# RVM leaves faint smears (a few % alpha) over busy backgrounds and stops just short of 1 inside the person:
# stretching [TAIL_LOW, TAIL_HIGH] to [0, 1] removes both (SAD on the reference set: median 12.4 -> 11.6,
# mean 26.6 -> 26.1). Symmetric about 0.5, so the alpha = 0.5 outline (crown, clothes) does not move.
TAIL_LOW, TAIL_HIGH = 0.05, 0.95


@dataclass
class Matte:
    """A matte at its own resolution: matte px u = scale * source px x + offset (pixel-centre convention)."""

    alpha: np.ndarray  # float32 hxw in [0, 1]
    foreground: np.ndarray  # uint8 hxwx3, RVM's decontaminated colours
    valid: np.ndarray | None  # uint8 hxw, 255 where the (levelled) photo has pixels; None: everywhere
    scale: float
    cut_at_ears: float = 0.0  # square face widths of solid matte the removals of other people took by our ears

    @property
    def offset(self):
        return 0.5 * self.scale - 0.5

    def to_matte(self, value):
        return value * self.scale + self.offset


def run(ctx):
    # With levelling, matte the photo as taken (RVM would otherwise see the corners the rotation brought in)
    # and rotate the small matte.
    source = ctx.image if ctx.level_matrix is None else ctx.unlevelled
    result = small_matte(source, ctx.face, ctx.level_matrix, ctx.other_faces)
    ctx.alpha, ctx.valid, ctx.matte_scale = result.alpha, result.valid, result.scale
    ctx.cut_at_ears = result.cut_at_ears


def small_matte(image, face=None, rotation=None, others=()):
    """The person's Matte for `image` at matte resolution, restricted to `face`'s connected region.

    With `rotation` (2x3, image px -> levelled px) the matte is in levelled coordinates; `face` always is,
    and so are `others`, the boxes of the faces that lost to `face` (their heads are cut away).
    """
    h, w = image.shape[:2]
    factor = min(1.0, MATTE_MAX_SIDE / max(h, w))
    if factor < 1.0:
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        factor = size[0] / w
    pha, fgr = run_rvm(image)
    result = Matte(alpha=pha, foreground=fgr, valid=None, scale=factor)
    result.alpha = refine_by_colour(pha, image, _refined_rows(face, result))
    if rotation is not None:
        _rotate(result, rotation)
    if face is None:
        result.alpha = keep_largest_region(result.alpha)
    else:
        result.alpha = keep_face_region(result.alpha, face, result)
        whole = result.alpha
        result.alpha = drop_neighbours(result.alpha, *face_in_matte(face, result), valid=result.valid)
        result.alpha = drop_bystanders(result.alpha, result.foreground, face, result, result.valid)
        result.alpha = drop_other_faces(result.alpha, result.foreground, face, others, result)
        result.alpha = drop_remnants(whole, result.alpha, result.foreground, face, result, result.valid)
        result.cut_at_ears = cut_at_ears(whole, result.alpha, face, result)
        result.alpha = fill_ears(result.alpha, result.foreground, face, result)
        result.alpha = drop_faint_blobs(result.alpha, *face_in_matte(face, result))
    return result


def full_alpha(image, face=None):
    """The person's alpha (float32 HxW) at the size of `image` (for measuring matting quality)."""
    result = small_matte(image, face)
    h, w = image.shape[:2]
    if result.scale == 1.0:
        return result.alpha
    return np.clip(cv2.resize(result.alpha, (w, h), interpolation=cv2.INTER_LINEAR), 0.0, 1.0)


def _rotate(result, rotation):
    """Rotate a matte made on the unlevelled photo into levelled coordinates (and note where the photo is)."""
    matrix = np.array(rotation, dtype=np.float64).copy()
    c = result.offset
    matrix[:, 2] = matrix[:, 2] * result.scale + c - matrix[:, :2] @ np.array([c, c])
    size = (result.alpha.shape[1], result.alpha.shape[0])
    result.alpha = cv2.warpAffine(result.alpha, matrix, size, flags=cv2.INTER_LINEAR, borderValue=0)
    result.foreground = cv2.warpAffine(
        result.foreground, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    ones = np.full(result.alpha.shape, 255, dtype=np.uint8)
    result.valid = cv2.warpAffine(ones, matrix, size, flags=cv2.INTER_LINEAR, borderValue=0)


def run_rvm(rgb):
    """RVM on one RGB uint8 image: (alpha float32 HxW, foreground uint8 HxWx3) at the same size."""
    session = models.rvm_session()
    h, w = rgb.shape[:2]
    src = (rgb.astype(np.float32) * (1.0 / 255.0)).transpose(2, 0, 1)[None]
    ratio = np.array([min(1.0, RVM_INTERNAL_SIDE / max(h, w))], dtype=np.float32)
    state = [np.zeros((1, 1, 1, 1), dtype=np.float32)] * 4
    for _ in range(RVM_PASSES):
        fgr, pha, *state = session.run(
            None,
            {
                "src": src,
                "r1i": state[0],
                "r2i": state[1],
                "r3i": state[2],
                "r4i": state[3],
                "downsample_ratio": ratio,
            },
        )
    alpha = np.clip((pha[0, 0] - TAIL_LOW) * (1.0 / (TAIL_HIGH - TAIL_LOW)), 0.0, 1.0)
    foreground = np.clip(fgr[0].transpose(1, 2, 0) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return alpha, foreground


# RVM's alpha runs too high where hair thins out against the background (strands and the gaps between them
# come out as one half-opaque veil, which shows the old wall on a new colour) and sometimes a few pixels past
# the person's outline. Along the edge each pixel is also explained by colour: with the nearest solid person
# colour F and the nearest clear background colour B, the pixel's colour I = a*F + (1 - a)*B gives a by
# projection. Where F and B differ (COLOUR_SPREAD) and the pixel lies on the line between them
# (COLOUR_FIT), that estimate lowers the alpha; it never raises it, so a colour that happens to match the
# background inside the person (a white collar on a white wall) does not punch a hole either way.
# Only partial pixels are looked at: including a pixel or two of the solid side as well eats into hard edges
# (a shaded jacket against a bright sky reads as "partly sky").
# It runs over the head only, down to a tenth of a face width above the chin: below, outfits paint over the
# neck and clothes and measure their outline (refined there, p16's long hair over a black blazer came out
# more ragged than the outfit test allows). Reference set: SAD median 11.6 -> 9.2 (curly and long hair
# gain the most).
EDGE_SOLID, EDGE_EMPTY = 0.98, 0.02
COLOUR_SPREAD = 0.15  # |F - B| (RGB in 0..1) at which the colour estimate gets half the say
COLOUR_FIT = 0.08  # distance from the F-B line at which the colour estimate loses most of its say
COLOUR_SIDE = 256  # F and B maps are smooth: worked out at most this many px on the long side
COLOUR_SMOOTH = 1.0  # px (sigma) over which the cut is smoothed
HEAD_MARGIN = -0.1  # face widths below the chin (negative: above it) down to which the refinement runs
COLOUR_CORE = 1  # px: F and B are taken this far in from the partial band (its outer pixels are mixed too)


def _refined_rows(face, matte):
    """Rows (matte px) down to which the colour refinement runs: the head, where the old background shows on
    the new one; below it the neck and clothes are left as RVM drew them. All rows without a face."""
    if face is None:
        return None
    return int(matte.to_matte(face.chin[1]) + HEAD_MARGIN * face.width * matte.scale)


def refine_by_colour(alpha, image, rows=None):
    """Lower `alpha` along the person's edge where the colours say the pixel is (partly) background
    (only in the first `rows` rows when given)."""
    solid, empty = alpha >= EDGE_SOLID, alpha <= EDGE_EMPTY
    partial = ~solid & ~empty
    if rows is not None:
        partial[max(0, rows) :] = False
    ys, xs = np.nonzero(partial)
    if ys.size == 0:
        return alpha
    h, w = alpha.shape
    factor = min(1.0, COLOUR_SIDE / max(h, w))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    core = np.ones((2 * COLOUR_CORE + 1,) * 2, np.uint8)
    person = foreground.spread(image, cv2.erode(solid.view(np.uint8), core).view(bool), size)
    wall = foreground.spread(image, cv2.erode(empty.view(np.uint8), core).view(bool), size)
    f = foreground.sample(person, xs, ys, factor)
    b = foreground.sample(wall, xs, ys, factor)
    seen = image[ys, xs].astype(np.float32) * (1.0 / 255.0)
    span = f - b
    length2 = (span * span).sum(axis=1)
    estimate = np.clip(((seen - b) * span).sum(axis=1) / np.maximum(length2, 1e-6), 0.0, 1.0)
    miss = seen - (b + estimate[:, None] * span)
    say = length2 / (length2 + COLOUR_SPREAD**2) * np.exp(-(miss * miss).sum(axis=1) / COLOUR_FIT**2)
    current = alpha[ys, xs]
    # The per-pixel estimate is noisy (grain, JPEG blocks, strand texture): the cut is smoothed a little so
    # the new outline is not ragged, and only ever lowers the alpha.
    cut = np.zeros_like(alpha)
    cut[ys, xs] = np.maximum(0.0, say * (current - estimate))
    cut = cv2.GaussianBlur(cut, (0, 0), COLOUR_SMOOTH)
    return np.clip(alpha - cut, 0.0, alpha)


def keep_largest_region(alpha):
    """Without a face (measuring tools only: the engine refuses such photos), the largest region is the
    person; statues and other people apart from it are dropped."""
    mask = (alpha > KEEP_THRESHOLD).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 2:
        return alpha
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return _keep_label(alpha, labels == largest)


def keep_face_region(alpha, face, matte):
    """Zero every part of the matte not connected to the face (other people, held objects far away).

    Faint pixels near the kept region (loose hair) stay, with their soft values untouched.
    """
    mask = (alpha > KEEP_THRESHOLD).astype(np.uint8)
    count, labels = cv2.connectedComponents(mask, connectivity=8)
    if count <= 2:
        return alpha
    h, w = alpha.shape
    x0, y0, x1, y1 = (matte.to_matte(v) for v in face.box)
    region = labels[int(max(0, y0)) : int(min(h, y1)) + 1, int(max(0, x0)) : int(min(w, x1)) + 1]
    found = np.bincount(region.ravel(), minlength=count)
    found[0] = 0
    if found.max() == 0:
        return alpha
    return _keep_label(alpha, labels == int(found.argmax()))


def _keep_label(alpha, region):
    """`alpha` inside `region`, and faint pixels near it faded by distance (loose hair)."""
    h, w = alpha.shape
    keep = region.astype(np.uint8)
    grow = max(3, int(KEEP_GROW * max(h, w)) | 1)
    zone = cv2.dilate(keep, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
    near = cv2.blur(zone.astype(np.float32), (grow, grow))  # soft border: no hard step where the zone ends
    return alpha * np.maximum(near, keep)


# Another person beside ours, whose face was not found (cut by the frame), can touch our person's hair:
# the connected region then holds their head too. Above our chin their region reaches the photo's side and
# joins ours only through a bridge much thinner than a face (a few touching hairs); opening the matte with
# a disc NECK_FRACTION face widths across breaks such bridges but not our own hair, which joins the head
# along its whole width.
BRIDGE_ALPHA = 0.5  # matte above this counts when looking for the bridge
NECK_FRACTION = 0.2  # diameter of the opening disc, in face widths
TAPER = 0.25  # face widths below the chin over which the removal fades out
WORK_DISC = 9  # px across the opening disc on the working copy
BORDER_PX = 2  # a region this close to the photo's left or right edge "comes from outside the frame"


def face_in_matte(face, matte):
    """(box, chin_y, face width) of `face` in matte px."""
    box = tuple(matte.to_matte(v) for v in face.box)
    return box, matte.to_matte(face.chin[1]), face.width * matte.scale


def drop_neighbours(alpha, box, chin_y, face_width, valid=None):
    """Remove from `alpha` (matte px) the heads of other people joined to ours only by a thin bridge.

    Only the rows above the chin are searched: below it bodies standing side by side merge and no bridge
    tells them apart. The cut runs midway between the two heads, with a soft edge (the bridge's own
    alpha is low there, so the result fades the way a hair edge does). The search runs on a copy small
    enough that the opening disc is WORK_DISC px across (the removal map is smooth, so it scales up well).
    """
    h, w = alpha.shape
    factor = min(1.0, WORK_DISC / max(1.0, NECK_FRACTION * face_width))
    small_alpha, small_valid = alpha, valid
    if factor < 1.0:
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        small_alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
        if valid is not None:
            small_valid = cv2.resize(valid, size, interpolation=cv2.INTER_AREA)
        factor = size[0] / w
    box = tuple(v * factor for v in box)
    removal = neighbour_removal(small_alpha, box, chin_y * factor, face_width * factor, small_valid)
    if removal is None:
        return alpha
    if removal.shape != alpha.shape:
        removal = cv2.resize(removal, (w, h), interpolation=cv2.INTER_LINEAR)
        removal[int(np.ceil(chin_y + TAPER * face_width)) + 1 :] = 0.0  # no bleed from scaling up
    return alpha * (1.0 - removal)


def neighbour_removal(alpha, box, chin_y, face_width, valid=None):
    """0..1 map of how much of `alpha` belongs to other people's heads, or None when there are none."""
    h, w = alpha.shape
    rows = int(np.clip(round(chin_y), 0, h))
    disc = max(3, int(NECK_FRACTION * face_width) | 1)
    if rows < disc:
        return None
    # Empty rows below the band: the bodies joined just under it must not count as joined inside it.
    upper = np.zeros((rows + disc, w), dtype=np.uint8)
    upper[:rows] = alpha[:rows] > BRIDGE_ALPHA
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (disc, disc))
    opened = cv2.morphologyEx(upper, cv2.MORPH_OPEN, kernel)[:rows]
    count, labels = cv2.connectedComponents(opened, connectivity=8)
    if count <= 2:
        return None
    x0, y0, x1, y1 = (round(float(v)) for v in box)
    region = labels[max(0, y0) : max(0, min(rows, y1)), max(0, x0) : max(0, min(w, x1))]
    found = np.bincount(region.ravel(), minlength=count)
    found[0] = 0
    if found.max() == 0:
        return None
    ours = int(found.argmax())
    others = [k for k in _labels_at_sides(labels, valid, rows) if k not in (0, ours)]
    if not others:
        return None
    # Below the chin the removal fades out over TAPER face widths: the other person's shoulder, merged
    # with ours there, ends in a soft fade rather than a straight cut.
    end = int(min(h, rows + round(TAPER * face_width)))
    seeds = np.zeros((h, w), dtype=labels.dtype)
    seeds[:rows] = labels
    removal = _territory(seeds, ours, others, disc)
    removal[rows:end] *= np.linspace(1.0, 0.0, end - rows + 2, dtype=np.float32)[1:-1, None]
    removal[end:] = 0.0
    return removal


def _labels_at_sides(labels, valid, rows):
    """Labels of the regions that touch the photo's left or right edge."""
    if valid is None:
        side = np.zeros(labels.shape, dtype=bool)
        side[:, :BORDER_PX] = side[:, -BORDER_PX:] = True
    else:
        outside = (valid[:rows] < 128).astype(np.uint8)
        side = cv2.dilate(outside, np.ones((3, 2 * BORDER_PX + 1), np.uint8)).astype(bool)
        side[:, :BORDER_PX] = side[:, -BORDER_PX:] = True
    return set(np.unique(labels[side]).tolist())


def _territory(labels, ours, others, disc):
    """Soft 0..1 map of the pixels nearer to the other heads than to ours."""
    not_ours = (labels != ours).astype(np.uint8)
    not_theirs = (~np.isin(labels, others)).astype(np.uint8)
    to_ours = cv2.distanceTransform(not_ours, cv2.DIST_L2, 3)
    to_theirs = cv2.distanceTransform(not_theirs, cv2.DIST_L2, 3)
    theirs = (to_theirs < to_ours).astype(np.float32)
    return cv2.GaussianBlur(theirs, (0, 0), max(1.0, disc / 4))


# RVM sometimes leaves an ear half transparent in front of a busy background (p09: 0.5-0.8 over flags),
# so the new background shows through it. An ear sits beside the cheek between the eyes and the bottom of
# the nose and has the face's skin colour: there, skin-coloured pixels the matte holds at more than EAR_ALPHA
# are made solid. The colour test keeps curls and the gaps between them (p03) as soft as they were.
EAR_ALPHA = 0.3
EAR_HALF_WIDTH = 0.25  # of the ellipse searched around each cheek point, in face widths
EAR_HALF_HEIGHT = 0.8  # in eye-to-nose heights, about the middle between eye and nose-bottom height
EAR_CLOSE = 0.05  # gaps inside the ear's outline up to this (face widths) are filled
EAR_SKIN = 16.0  # largest distance (YCrCb chroma, 0..255 units) from the face's median skin colour
CHEEKS = (CHEEK_A, CHEEK_B)
NOSE_BOTTOM = 2


def cut_at_ears(before, after, face, matte):
    """Square face widths of solid matte (`before` > 0.5) that the removals of other people took away in our
    ear zones (see CUT_AT_EARS in engine/compliance/finished.py: someone pressed against our head is not cut
    away cleanly)."""
    points = face.landmarks * matte.scale + matte.offset
    width = face.width * matte.scale
    taken = np.clip(before - after, 0.0, 1.0)[ear_zones(points, before.shape, width) & (before > 0.5)]
    return float(taken.sum()) / max(1.0, width) ** 2


def ear_zones(points, shape, face_width):
    """Boolean map of ellipses of SEED_EAR_HALF face widths about our cheek points (mesh `points` in the
    map's px): where our ears are."""
    ears = np.zeros(shape, dtype=np.uint8)
    axes = (int(SEED_EAR_HALF[0] * face_width), int(SEED_EAR_HALF[1] * face_width))
    for index in CHEEKS:
        cv2.ellipse(ears, (int(points[index][0]), int(points[index][1])), axes, 0, 0, 360, 1, -1)
    return ears > 0


def fill_ears(alpha, colours, face, matte):
    """Make the ears solid where the matte outlines them (skin-coloured, in ellipses beside the cheeks)."""
    points = face.landmarks * matte.scale + matte.offset
    face_width = face.width * matte.scale
    eye_y = matte.to_matte(face.eyes_mid[1])
    nose_y = points[NOSE_BOTTOM][1]
    if nose_y <= eye_y:
        return alpha
    reference = face_skin(colours, alpha, points)
    if reference is None:
        return alpha
    out = alpha.copy()
    half_w = max(1, round(EAR_HALF_WIDTH * face_width))
    half_h = max(1, round(EAR_HALF_HEIGHT * (nose_y - eye_y)))
    size = max(3, int(EAR_CLOSE * face_width) | 1)
    margin = size  # room for the closing and the blurs at the crop's edge
    h, w = alpha.shape
    for index in CHEEKS:
        cx, cy = int(np.rint(points[index][0])), int(np.rint((eye_y + nose_y) / 2))
        x0, x1 = max(0, cx - half_w - margin), min(w, cx + half_w + margin + 1)
        y0, y1 = max(0, cy - half_h - margin), min(h, cy + half_h + margin + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        zone = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        cv2.ellipse(zone, (cx - x0, cy - y0), (half_w, half_h), 0, 0, 360, 1, thickness=-1)
        crop = out[y0:y1, x0:x1]
        ear = ((crop > EAR_ALPHA) & skin_like(colours[y0:y1, x0:x1], reference)).astype(np.uint8)
        ear = cv2.morphologyEx(
            ear, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        )
        solid = cv2.GaussianBlur(ear.astype(np.float32), (0, 0), 1.0)
        weight = cv2.GaussianBlur(zone.astype(np.float32), (0, 0), max(1.0, size / 2))
        out[y0:y1, x0:x1] = np.maximum(crop, solid * weight)
    return out


def face_skin(colours, alpha, points, step=3):
    """Median YCrCb chroma of the solid pixels inside the face outline (every `step`-th row and column)."""
    outline = np.round(points[list(FACE_OVAL)]).astype(np.int32)
    x, y, width, height = cv2.boundingRect(outline)
    h, w = alpha.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + width), min(h, y + height)
    if x1 <= x0 or y1 <= y0:
        return None
    inside = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    cv2.fillPoly(inside, [outline - np.array([x0, y0], dtype=np.int32)], 1)
    chosen = ((inside > 0) & (alpha[y0:y1, x0:x1] > 0.9))[::step, ::step]
    if not chosen.any():
        return None
    sample = np.ascontiguousarray(colours[y0:y1:step, x0:x1:step])
    chroma = cv2.cvtColor(sample, cv2.COLOR_RGB2YCrCb)[..., 1:]
    return np.median(chroma[chosen].astype(np.float32), axis=0)


def skin_like(colours, reference):
    """Boolean map of the pixels of `colours` whose chroma is within EAR_SKIN of `reference`."""
    if reference is None:
        return np.zeros(colours.shape[:2], dtype=bool)
    chroma = cv2.cvtColor(np.ascontiguousarray(colours), cv2.COLOR_RGB2YCrCb)[..., 1:].astype(np.float32)
    distance = np.hypot(chroma[..., 0] - reference[0], chroma[..., 1] - reference[1])
    return distance < EAR_SKIN


# Over a bright busy background RVM can leave broad faint blobs (alpha 0.1-0.4) beside the hair (p09: window
# light above the ear): on a new colour they show as whitish smudges. Faint pixels more than BLOB_GAP face
# widths outside the solid outline that form a patch at least BLOB_SIZE face widths across are dropped;
# single loose hairs are thinner than that and stay.
BLOB_ALPHA = 0.5  # the solid outline, and the most a blob may hold
BLOB_GAP = 0.03
BLOB_SIZE = 0.05
BLOB_REACH = 1.0  # face widths around the face box searched for blobs


def drop_faint_blobs(alpha, box, chin_y, face_width):
    """Remove broad faint patches standing apart from the person's outline around the head (above the chin,
    within BLOB_REACH face widths of the face box)."""
    h, w = alpha.shape
    reach = BLOB_REACH * face_width
    x0, x1 = int(max(0, box[0] - reach)), int(min(w, box[2] + reach + 1))
    y0, y1 = int(max(0, box[1] - reach)), int(np.clip(round(chin_y), 0, h))
    if x1 <= x0 or y1 <= y0:
        return alpha
    around = alpha[y0:y1, x0:x1]
    outside = (around <= BLOB_ALPHA).astype(np.uint8)
    gap = cv2.distanceTransform(outside, cv2.DIST_L2, 3)
    faint = ((around > 0.02) & (gap > BLOB_GAP * face_width)).astype(np.uint8)
    size = max(3, int(BLOB_SIZE * face_width) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    blobs = cv2.morphologyEx(faint, cv2.MORPH_OPEN, kernel)
    if not blobs.any():
        return alpha
    out = alpha.copy()
    out[y0:y1, x0:x1] *= 1.0 - cv2.GaussianBlur(blobs.astype(np.float32), (0, 0), 1.0)
    return out


# Another person standing behind or beside ours (a press photo's bystander) merges with ours in RVM's matte:
# their face or ear touches our hair or shoulder, so no thin bridge separates them. What tells them apart is
# where they are and what they are: around our head (outside our face, ears and neck, above the chin, where
# only our hair can be) a patch of skin is somebody else's, unless it joins our face's skin or has one of our
# hair's colours (blond hair reads as skin), and only when that part of the matte reaches the photo's side
# (they come in from outside the frame). Those patches seed "theirs", our face, the head above it and our
# neck seed "ours", the clear background a third region, and a watershed on the photo's colours grows the
# three until they meet: the other person is cut along the strongest colour edge between them and us.
# Below the chin bodies merge and no edge says whose shoulder is whose, so the cut fades out there.
# On the 300 photos of ../shared/lfw_dev it changes 25 mattes (bystanders' heads gone, a raised arm or a
# pointing hand of the customer's own cut too); no neck, shoulder or hair of a customer was cut.
SEED_FACE_MARGIN = 0.12  # face widths around our face outline where no seed is taken
SEED_EAR_HALF = (0.3, 0.45)  # half axes (face widths) of the ellipse about each cheek point kept for the ear
JOIN_REACH = 0.3  # face widths around our face in which skin joined to our face's is ours
SEED_MIN = 0.12  # face widths across: smaller skin patches are noise (a reflection, a bit of background)
SKIN_CR, SKIN_CB = (135, 180), (80, 130)  # YCrCb chroma of skin of any tone (0..255 units)
GREY_SKIN = 60.0  # in a grey photo (no chroma), RGB distance from our face's colour that counts as skin
HAIR_CLOSE = 30.0  # RGB distance (0..255) under which a pixel matches one of our hair's colours
HAIR_DEPTH = 0.2  # face widths below the top of the matte from which our hair's colours are taken
NECK_HALF = 0.4  # half width (face widths) of the column below the chin where no seed of theirs is taken
NECK_SEED_HALF = 0.2  # half width of the column below the chin that seeds "ours"
SKIN_BELOW = 0.5  # face widths below the chin where their skin means their face goes on below ours...
SKIN_BELOW_AREA = 0.2  # ...when it covers this many square face widths (lfw_dev: 0.02-0.05 for a neck or a
# hand, 0.3-0.7 for the lower half of a face or a bare chest)
MIN_COVERAGE = 0.8  # share of the pieces beside our head holding their skin that must go to them
WATERSHED_SIDE = 384  # px on the long side of the working copy
LOOSE_GAP = 0.05  # face widths from our solid matte beyond which pieces near a removed bystander are theirs
LOOSE_REACH = 0.3  # face widths around the removed region searched for such pieces


def drop_bystanders(alpha, colours, face, matte, valid=None):
    """Remove other people merged with ours in `alpha` (matte px), found by their skin around our head."""
    work = _working_copy(alpha, colours, face, matte, valid)
    theirs = their_region(work.alpha, work.colours, work.points, work.face_width, work.valid)
    return alpha if theirs is None else _remove(alpha, theirs, work)


@dataclass
class _Work:
    """A matte, its colours and our face's mesh points at most WATERSHED_SIDE px on the long side."""

    alpha: np.ndarray
    colours: np.ndarray
    valid: np.ndarray | None
    points: np.ndarray
    face_width: float


def _working_copy(alpha, colours, face, matte, valid=None):
    h, w = alpha.shape
    factor = min(1.0, WATERSHED_SIDE / max(h, w))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    if factor < 1:
        alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
        colours = cv2.resize(colours, size, interpolation=cv2.INTER_AREA)
        valid = None if valid is None else cv2.resize(valid, size, interpolation=cv2.INTER_AREA)
    scale = matte.scale * (size[0] / w)
    points = face.landmarks * scale + (0.5 * scale - 0.5)
    return _Work(alpha, colours, valid, points, face.width * scale)


def _remove(alpha, theirs, work, keep=None):
    """`alpha` with the `theirs` map (at the working size) taken out, softened by a pixel; nothing where
    `keep` is set."""
    removal = cv2.GaussianBlur(theirs.astype(np.float32), (0, 0), 1.0)
    if keep is not None:
        removal[keep] = 0.0
    removal = np.maximum(removal, _cut_loose(work.alpha * (1.0 - removal), removal, work))
    # Below the chin bodies merge and colour edges no longer tell whose shoulder is whose: the removal fades
    # out over TAPER face widths there, so our own shoulder is never cut (their clothes may stay there).
    _fade_below_chin(removal, work.points[CHIN][1], work.face_width)
    if removal.shape != alpha.shape:
        removal = cv2.resize(removal, (alpha.shape[1], alpha.shape[0]), interpolation=cv2.INTER_LINEAR)
    return alpha * (1.0 - np.clip(removal, 0.0, 1.0))


def _cut_loose(left, removal, work):
    """0/1 map of what a removal (`removal`, at the working size) left of the other person apart from us.

    The soft cut leaves specks and faint strands of their hair or clothes beside our head (Gavyn_Arthur of
    ../shared/lfw_dev: flecks of a uniform beside the ear). Near the removed region, whatever of `left` (the
    matte after the removal) lies more than LOOSE_GAP face widths from our solid person goes as well; our
    own hair's fringe is closer, and the columns between our cheeks (loose hair on top) are left alone.
    Below the chin this fades out with the rest of the removal.
    """
    solid = (left > BRIDGE_ALPHA).astype(np.uint8)
    count, labels = cv2.connectedComponents(solid, connectivity=8)
    inside = labels[_face_oval(left.shape, work.points) & (solid > 0)]
    if count <= 1 or inside.size == 0:
        return np.zeros(left.shape, dtype=np.float32)
    ours = (labels == np.bincount(inside).argmax()).astype(np.uint8)
    near_ours = cv2.dilate(ours, _disc(LOOSE_GAP * work.face_width)) > 0
    around = cv2.dilate((removal > 0.05).astype(np.uint8), _disc(LOOSE_REACH * work.face_width)) > 0
    left_cheek, right_cheek = sorted(float(work.points[i][0]) for i in CHEEKS)
    around[:, int(left_cheek) : int(np.ceil(right_cheek)) + 1] = False  # our face, the hair on top, our neck
    return (around & ~near_ours & (left > 0.0)).astype(np.float32)


def _disc(diameter):
    """An elliptic structuring element about `diameter` px across (odd, at least 3)."""
    size = 2 * max(1, round(diameter / 2)) + 1
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def _fade_below_chin(removal, chin_y, face_width):
    """Fade `removal` out (in place) over TAPER face widths below the chin at `chin_y`; nothing below."""
    end = int(np.clip(round(chin_y + TAPER * face_width), 0, removal.shape[0]))
    start = int(np.clip(round(chin_y), 0, end))
    removal[start:end] *= np.linspace(1.0, 0.0, end - start + 2, dtype=np.float32)[1:-1, None]
    removal[end:] = 0.0


# The removals above fade out below the chin, which leaves the rest of the other person with a straight edge
# there (lfw_dev: a neighbour's shawl below Leticia_Dolera's chin, the suit of the man beside Billy_Crystal).
# Where they can still be told from us, that rest goes too (`drop_remnants`, after the removals). The removed
# part just above the chin seeds "theirs", our face and a column REMNANT_BODY face widths either side of our
# chin "ours" (nothing in that column is ever removed), the clear background a third region, and a watershed
# on the photo's colours grows them. A piece "theirs" wins below the chin, joined to the removed part, goes
# whole when it meets "ours" only along a strong colour edge and is not dressed like us (mostly outside the
# colours of our neck and clothes under the chin: two dark suits, or our own white collar, look alike).
# Otherwise what is joined to the removed part going down, with background between it and us, goes as far
# as it stays apart (at least REMNANT_APART face widths), and fades out over TAPER face widths below.
REMNANT_BODY = 0.4  # face widths either side of our chin: our neck and chest, never removed
REMNANT_EDGE = 8.0  # median colour gradient (RGB units per px) along which "theirs" still meets "ours"
REMNANT_DEPTH = 0.5  # face widths below the chin from which our clothes' colours are taken
REMNANT_LIKE = 0.5  # most share of the piece within HAIR_CLOSE of our clothes' colours
REMNANT_APART = 0.1  # face widths below the chin a piece must stay apart from us to count as theirs
REMNANT_WEAK = 0.25  # most share of that border along which the edge is less than half as strong
SEAM_ROWS = 3  # rows above the chin (working size) over which the removals' fades may begin


def drop_remnants(whole, alpha, colours, face, matte, valid=None):
    """`alpha` without what the removals of other people left of them below our chin apart from us (`whole`
    is the matte before those removals)."""
    chin = int(np.clip(round(matte.to_matte(face.chin[1])), 1, alpha.shape[0]))
    near = slice(max(0, chin - 2 * SEAM_ROWS), chin)
    if not (alpha[near] < 0.5 * whole[near]).any():
        return alpha  # nothing was removed at the chin (the common case: nobody else)
    work = _working_copy(whole, colours, face, matte, valid)
    after = _working_copy(alpha, colours, face, matte, valid).alpha
    rest = remnant(work.alpha, after, work.colours, work.points, work.face_width)
    if rest is None:
        return alpha
    if rest.shape != alpha.shape:
        rest = cv2.resize(rest, (alpha.shape[1], alpha.shape[0]), interpolation=cv2.INTER_LINEAR)
    return alpha * (1.0 - np.clip(rest, 0.0, 1.0))


def remnant(whole, after, colours, points, face_width):
    """0..1 map (at the working size) of what the removals left of other people below our chin that can be
    told from us (`whole`: the matte before the removals, `after`: after them), or None."""
    h, w = whole.shape
    chin = points[CHIN]
    start = int(np.clip(round(chin[1]), 1, h))
    removed = (whole > BRIDGE_ALPHA) & (after < 0.5 * whole)
    removed[start:] = False
    if start >= h or not removed[start - 1].any():
        return None  # nothing was removed at the chin: nothing fades out below it
    below = np.maximum(np.arange(h, dtype=np.float32)[:, None] - chin[1], 0.0)
    across = np.abs(np.arange(w, dtype=np.float32)[None, :] - chin[0])
    column = (across <= REMNANT_BODY * face_width) & (below > 0)
    palette = _body_palette(whole, colours, column, start, face_width)
    if palette is None:
        return None
    markers = np.where(whole < EDGE_EMPTY, 3, 0).astype(np.int32)
    markers[removed] = 2
    markers[(_face_oval((h, w), points) | column) & (whole > BRIDGE_ALPHA)] = 1
    labels = cv2.watershed(np.ascontiguousarray(colours[..., ::-1]), markers)
    theirs = (labels == 2) & (whole > BRIDGE_ALPHA) & ~column
    theirs[: start - 1] = False
    _, pieces = cv2.connectedComponents(theirs.astype(np.uint8), connectivity=8)
    joined = np.unique(pieces[start - 1][removed[start - 1]])
    strength = _edge_strength(colours)
    ours = cv2.dilate((labels == 1).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    whole_pieces = np.zeros((h, w), dtype=bool)
    for label in joined[joined > 0]:
        piece = pieces == label
        piece[:start] = False
        if not piece.any():
            continue
        border = ours & (cv2.dilate(piece.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~piece
        border[:start] = False
        seen = strength[border]
        if seen.size and (np.median(seen) < REMNANT_EDGE or (seen < REMNANT_EDGE / 2).mean() > REMNANT_WEAK):
            continue  # somewhere it meets us along a weak edge: whose is whose is not clear
        if palette_matches(colours, piece, palette, HAIR_CLOSE)[piece].mean() > REMNANT_LIKE:
            continue  # dressed like us (two dark suits, a white collar beside ours): it may be our own
        whole_pieces |= piece
    free = (labels != 1) & (whole > BRIDGE_ALPHA) & ~column
    rest = np.maximum(whole_pieces.astype(np.float32), _apart_below(removed[start - 1], free, ours, start, face_width))
    if rest.max() < 0.5:
        return None
    # Their soft edge (alpha below BRIDGE_ALPHA) goes with them. Just above the chin, where the removal's own
    # fade may begin a row or two early, the rest goes on up over what was removed already: no faint seam.
    rest = np.maximum(rest, cv2.dilate(rest, np.ones((3, 3), np.uint8)) * (labels != 1))
    above = slice(max(0, start - SEAM_ROWS), start)
    rest[above] = rest[start] * removed[above]
    rest = cv2.GaussianBlur(rest, (0, 0), 1.0)
    rest[: above.start] = 0.0
    rest[above] *= removed[above]
    rest[column] = 0.0
    return rest


def _apart_below(seed, free, ours, start, face_width):
    """0..1 map of what of `free` is joined to `seed` (the row above `start`) going down without touching
    `ours`, and below the first row where it does, fading out over TAPER face widths in the columns it
    held there."""
    h, w = free.shape
    out = np.zeros((h, w), dtype=np.float32)
    previous = seed
    y = start
    while y < h:
        row = _runs_touching(free[y], cv2.dilate(previous.astype(np.uint8)[None, :], np.ones((1, 3), np.uint8))[0] > 0)
        if not row.any():
            return out
        if (row & ours[y]).any():
            break
        out[y] = row
        previous = row
        y += 1
    if y - start < REMNANT_APART * face_width:
        return np.zeros((h, w), dtype=np.float32)  # it meets us right under the chin: nothing to tell
    end = min(h, y + round(TAPER * face_width))
    weights = np.linspace(1.0, 0.0, end - y + 2, dtype=np.float32)[1:-1]
    for k, row in enumerate(range(y, end)):
        out[row] = (previous & free[row] & ~ours[row]) * weights[k]
    return out


def _runs_touching(row, touched):
    """The runs of True in the boolean `row` that hold a True of `touched`."""
    starts = np.diff(np.concatenate(([0], row.astype(np.int8)))) == 1
    run = np.cumsum(starts) * row
    keep = np.unique(run[touched & row])
    return np.isin(run, keep[keep > 0])


def _body_palette(whole, colours, column, start, face_width, most=128):
    """Up to `most` colours of our neck and clothes (the column under our chin), or None."""
    rows = slice(start, start + max(2, round(REMNANT_DEPTH * face_width)))
    found = colours[rows][column[rows] & (whole[rows] > 0.9)].astype(np.float32)
    return found[:: max(1, len(found) // most)] if len(found) >= 4 else None


def _edge_strength(colours):
    """Colour gradient magnitude (RGB units per px) of `colours`, slightly smoothed."""
    smooth = cv2.GaussianBlur(colours.astype(np.float32), (0, 0), 1.0)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    return np.sqrt((gx * gx + gy * gy).sum(axis=2))


def their_region(alpha, colours, points, face_width, valid=None):
    """Boolean map of the other people's part of `alpha` (all at one working size), or None when there is
    none or it cannot be cut cleanly."""
    found = bystander_seeds(alpha, colours, points, face_width, valid)
    if found is None:
        return None
    seeds, around = found
    markers = np.where(alpha < EDGE_EMPTY, 3, 0).astype(np.int32)
    markers[seeds] = 2
    markers[_our_seeds(alpha, points, face_width)] = 1
    labels = cv2.watershed(np.ascontiguousarray(colours[..., ::-1]), markers)
    # The watershed's own boundary pixels (-1) between them and the background go with them, and so does
    # what the background won in the pieces their seeds lie in (their hair's soft edge).
    theirs = (labels == 2) | ((labels == 3) & around)
    theirs = (cv2.dilate(theirs.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & (labels != 1)
    # Where our side won much of the pieces beside our head, the cut ran through the other person; where
    # their region holds skin below our chin, their face goes on below ours, where the removal fades out.
    # Either way half a face would be left, which is worse than a whole one (the final check refuses that):
    # nothing is removed.
    if theirs[around].mean() < MIN_COVERAGE:
        return None
    start = int(np.clip(round(points[CHIN][1]), 0, alpha.shape[0]))
    below = slice(start, start + max(1, round(SKIN_BELOW * face_width)))
    skin_below = (labels[below] == 2) & _skin(colours[below], alpha[below], None)
    if skin_below.sum() > SKIN_BELOW_AREA * face_width**2:
        return None
    return theirs


def bystander_seeds(alpha, colours, points, face_width, valid=None):
    """(seeds, around): boolean maps of another person's skin (or hair unlike ours) around our head and of
    the pieces of matte beside our head they lie in; None when there is none."""
    zone = _seed_zone(alpha.shape, points, face_width)
    candidates = zone & (alpha > 0.6)
    if not candidates.any():
        return None
    palette = hair_palette(alpha, colours, points, face_width)
    if palette is None:
        return None
    all_skin = _skin(colours, alpha, points) & (alpha > 0.5)
    skin = candidates & all_skin & ~_joined_to_our_skin(all_skin, points, face_width)
    seeds = (skin & ~palette_matches(colours, skin, palette, HAIR_CLOSE)).astype(np.uint8)
    size = max(3, int(SEED_MIN * face_width) | 1)
    seeds = cv2.morphologyEx(
        seeds, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    )
    if not seeds.any():
        return None
    # Bystanders come in from the side: a patch counts only when the matte around our head it lies in reaches
    # the photo's left or right edge (our own hair, which might pass for skin, stays inside the frame beside
    # a usable head).
    _, labels = cv2.connectedComponents((zone & (alpha > 0.5)).astype(np.uint8), connectivity=8)
    at_sides = _labels_at_sides(labels, valid, alpha.shape[0]) - {0}
    seeds = seeds.astype(bool) & np.isin(labels, list(at_sides))
    if not seeds.any():
        return None
    return seeds, np.isin(labels, np.unique(labels[seeds]))


def _seed_zone(shape, points, face_width):
    """Where only our hair (or someone else) can be: above the chin's level, outside our face, ears and
    neck."""
    h, w = shape
    chin = points[CHIN]
    ours = np.zeros((h, w), dtype=np.uint8)
    oval = np.round(points[list(FACE_OVAL)]).astype(np.int32)
    cv2.fillPoly(ours, [oval], 1)
    margin = max(1, round(SEED_FACE_MARGIN * face_width))
    cv2.polylines(ours, [oval], True, 1, thickness=2 * margin + 1)
    axes = tuple(max(1, round(v * face_width)) for v in SEED_EAR_HALF)
    for index in CHEEKS:
        # The ear, and below it the neck of a head turned aside.
        centre = tuple(int(np.rint(v)) for v in points[index])
        cv2.ellipse(ours, centre, axes, 0, 0, 360, 1, thickness=-1)
        cv2.rectangle(ours, (centre[0] - axes[0], centre[1]), (centre[0] + axes[0], h - 1), 1, -1)
    half = NECK_HALF * face_width
    cv2.rectangle(ours, (int(chin[0] - half), int(chin[1] - half)), (int(chin[0] + half), h - 1), 1, -1)
    # Straight above the face only our forehead and hair can be.
    left, right = points[CHEEKS[0]][0], points[CHEEKS[1]][0]
    cv2.rectangle(ours, (int(left), 0), (int(np.ceil(right)), int(points[CHEEKS[0]][1])), 1, -1)
    zone = ours == 0
    zone[int(np.clip(round(chin[1]), 0, h)) :] = False
    return zone


def _joined_to_our_skin(skin, points, face_width):
    """The skin near our face joined to our face's without a break (our neck beside a turned jaw)."""
    face = np.zeros(skin.shape, dtype=np.uint8)
    oval = np.round(points[list(FACE_OVAL)]).astype(np.int32)
    cv2.fillPoly(face, [oval], 1)
    near = face.copy()
    cv2.polylines(near, [oval], True, 1, thickness=2 * max(1, round(JOIN_REACH * face_width)) + 1)
    _, labels = cv2.connectedComponents((skin & (near > 0)).astype(np.uint8), connectivity=4)
    ours = np.unique(labels[(face > 0) & skin])
    return np.isin(labels, ours[ours > 0])


def _skin(colours, alpha, points):
    """Boolean map of skin-coloured pixels (any tone; in a grey photo, the grey of our own face; without
    `points`, skin chroma only)."""
    skin = skin_chroma(colours)
    if points is None:
        return skin
    ours = face_skin(colours, alpha, points)
    if ours is not None and ours[0] < SKIN_CR[0]:  # our own face has no skin chroma: a grey photo
        mask = np.zeros(alpha.shape, dtype=np.uint8)
        cv2.fillPoly(mask, [np.round(points[list(FACE_OVAL)]).astype(np.int32)], 1)
        grey = np.median(colours[(mask > 0) & (alpha > 0.9)].astype(np.float32), axis=0)
        skin = np.linalg.norm(colours.astype(np.float32) - grey, axis=2) < GREY_SKIN
    return skin


def skin_chroma(colours):
    """Boolean map of the pixels of `colours` (RGB) with the chroma of skin of any tone."""
    chroma = cv2.cvtColor(np.ascontiguousarray(colours), cv2.COLOR_RGB2YCrCb)
    cr, cb = chroma[..., 1], chroma[..., 2]
    return (cr >= SKIN_CR[0]) & (cr <= SKIN_CR[1]) & (cb >= SKIN_CB[0]) & (cb <= SKIN_CB[1])


def hair_palette(alpha, colours, points, face_width, most=128):
    """Up to `most` colours (N x 3 float) of the top of our head, or None when nothing solid is there. They
    are taken from the matte's top down, as the forehead's mesh points lie below the hairline (a bald
    crown's skin or a hat count as "hair" too: their colours are ours)."""
    top = points[10]
    h, w = alpha.shape
    x0, x1 = int(max(0, top[0] - 0.3 * face_width)), int(min(w, top[0] + 0.3 * face_width + 1))
    bottom = int(np.clip(top[1] - 0.1 * face_width, 0, h))
    if x1 <= x0 or bottom <= 0:
        return None
    solid = alpha[:bottom, x0:x1] > 0.9
    rows = np.nonzero(solid.any(axis=1))[0]
    if rows.size == 0:
        return None
    y0 = int(rows[0])
    y1 = min(bottom, y0 + max(2, round(HAIR_DEPTH * face_width)))
    found = colours[y0:y1, x0:x1][solid[y0:y1]].astype(np.float32)
    return found[:: max(1, len(found) // most)] if len(found) >= 4 else None


def palette_matches(colours, mask, palette, distance):
    """Boolean map of the pixels in `mask` within `distance` (RGB) of any colour of `palette`."""
    ys, xs = np.nonzero(mask)
    values = colours[ys, xs].astype(np.float32)
    palette = np.asarray(palette, dtype=np.float32)
    # |v - p|^2 = |v|^2 - 2 v.p + |p|^2 for every pixel and palette colour at once (one matrix product)
    squared = (values * values).sum(axis=1)[:, None] - 2.0 * values @ palette.T + (palette * palette).sum(axis=1)
    found = (squared < distance * distance).any(axis=1) if len(palette) else np.zeros(len(values), dtype=bool)
    out = np.zeros(mask.shape, dtype=bool)
    out[ys[found], xs[found]] = True
    return out


def _our_seeds(alpha, points, face_width):
    """Our face oval, the head straight above it (hair, or a hand on it) and our neck, where the matte
    holds the person."""
    h, w = alpha.shape
    ours = np.zeros((h, w), dtype=np.uint8)
    cv2.fillPoly(ours, [np.round(points[list(FACE_OVAL)]).astype(np.int32)], 1)
    left, right = points[CHEEKS[0]][0], points[CHEEKS[1]][0]
    cv2.rectangle(ours, (int(np.ceil(left)), 0), (int(right), int(points[10][1])), 1, -1)
    chin = points[CHIN]
    half = NECK_SEED_HALF * face_width
    cv2.rectangle(ours, (int(chin[0] - half), int(chin[1])), (int(chin[0] + half), h - 1), 1, -1)
    return (ours > 0) & (alpha > 0.5)


# The detector also finds other people's faces (ctx.other_faces: all clearly smaller or less central than
# ours, or the photo was refused as several faces). A bystander behind the customer often shows no skin beside our head that
# reaches the photo's side (drop_bystanders) yet stays joined to us in the matte. Their head is where the
# detector saw it: the middle of their face box seeds "theirs", our face, the head above it and our neck
# seed "ours", the clear background a third region, and the watershed on the photo's colours cuts between
# them; inside their head (the box widened for their hair, OTHER_HEAD_WIDE boxes across and OTHER_HEAD_UP
# box heights higher) everything not ours goes, fading out below our chin as in drop_bystanders. Nothing
# of that face is removed when our side wins much of their face's middle (the other face is pressed against
# ours), or when their skin goes on below our chin (a cheek-to-cheek photo: the fade would leave their chin).
OTHER_HEAD_WIDE = 1.6
OTHER_HEAD_UP = 0.8
OTHER_HEAD_DOWN = 0.3  # box heights below their face box (the chin the detector's box leaves out)
OTHER_CORE = 0.5  # share of their face box (each way, about its middle) that seeds "theirs"
OTHER_KEEP = 0.6  # share of their face's middle (outside our face) that must go to them


def drop_other_faces(alpha, colours, face, others, matte):
    """Remove from `alpha` (matte px) the heads of the other faces the detector found (boxes in levelled
    image px), cut along the colour edge between them and us."""
    if not others:
        return alpha
    work = _working_copy(alpha, colours, face, matte)
    scale = work.alpha.shape[1] / alpha.shape[1] * matte.scale
    boxes = [np.array(b[:4], dtype=np.float64) * scale + (0.5 * scale - 0.5) for b in others]
    theirs = other_heads(work.alpha, work.colours, work.points, work.face_width, boxes)
    if theirs is None:
        return alpha
    # Our face stays whatever the watershed said. (Not our ears as well: a bystander's face half hidden
    # behind our head lies right beside them, and an ear-sized piece of it would be left.)
    return _remove(alpha, theirs, work, keep=_face_oval(work.alpha.shape, work.points))


def other_heads(alpha, colours, points, face_width, boxes):
    """Boolean map of the other faces' heads (`boxes` at the working size) that can be cut from ours, or None."""
    h, w = alpha.shape
    oval = _face_oval((h, w), points)
    markers = np.where(alpha < EDGE_EMPTY, 3, 0).astype(np.int32)
    cores = []
    for index, box in enumerate(boxes):
        core = rect_mask((h, w), _grown(box, OTHER_CORE, OTHER_CORE, 0.0)) & (alpha > 0.5) & ~oval
        markers[core] = 4 + index
        cores.append(core)
    ours = _our_seeds(alpha, points, face_width)
    markers[ours] = 1
    labels = cv2.watershed(np.ascontiguousarray(colours[..., ::-1]), markers)
    start = int(np.clip(round(points[CHIN][1]), 0, h))
    below = slice(start, start + max(1, round(SKIN_BELOW * face_width)))
    skin_below = _skin(colours[below], alpha[below], None) & (alpha[below] > 0.5)
    theirs = np.zeros((h, w), dtype=bool)
    for index, (box, core) in enumerate(zip(boxes, cores)):
        if core.sum() < 4 or (labels[core] == 4 + index).mean() < OTHER_KEEP:
            continue
        if (skin_below & (labels[below] == 4 + index)).sum() > SKIN_BELOW_AREA * face_width**2:
            continue  # their face or neck goes on below our chin, where the removal fades out
        head = rect_mask((h, w), _grown(box, OTHER_HEAD_WIDE, 1.0 + OTHER_HEAD_UP, OTHER_HEAD_DOWN))
        theirs |= head & (labels != 1) & ~ours
    return theirs if theirs.any() else None


def _grown(box, wide, up, down):
    """`box` (x0, y0, x1, y1) scaled about its centre to `wide` its width, its top moved up so it is `up`
    times as tall (about the centre when `down` is 0), its bottom moved `down` box heights lower."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if down == 0.0:
        return cx - wide * width / 2, cy - up * height / 2, cx + wide * width / 2, cy + up * height / 2
    return cx - wide * width / 2, y1 - up * height, cx + wide * width / 2, y1 + down * height


def rect_mask(shape, rect):
    """Boolean map of the (x0, y0, x1, y1) rectangle `rect`, clipped to `shape`."""
    h, w = shape
    x0, x1 = (int(np.clip(round(v), 0, w)) for v in rect[0::2])
    y0, y1 = (int(np.clip(round(v), 0, h)) for v in rect[1::2])
    mask = np.zeros((h, w), dtype=bool)
    mask[y0:y1, x0:x1] = True
    return mask


def _face_oval(shape, points):
    """Boolean map of our face oval."""
    mask = np.zeros(shape, dtype=np.uint8)
    cv2.fillPoly(mask, [np.round(points[list(FACE_OVAL)]).astype(np.int32)], 1)
    return mask > 0
