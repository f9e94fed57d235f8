"""Long hair that falls over the shoulders: which pixels below the collar line stay in front of the outfit.

The evidence comes from the photo itself. Hair that hangs beside the cheeks (person pixels outside the face
oval, between the eyes and the chin, that are not skin) teaches what this person's hair looks like: a few
colours plus how much fine texture it has (strands and their sheen). The person's own clothes on the chest,
in the column under the chin where hair rarely falls, teach what the clothes look like. Below the chin each
person pixel beside the neck goes to the nearer of the two models; black hair on a black blazer still
differs there (the hair is a little lighter and warmer, and strands are textured where cloth is smooth).

What counts as hair must also hang from the hair above: it is connected to the hair beside the cheeks, it
stays outside the neck column (the outfit's collar and tie stay visible), and it does not reach further in
than the hair's inner edge at the chin; only its strands, followed from there, slant in over the garment (not
its middle). The mask is worked out with the face about WORK_FACE px wide (so the
texture measure means the same at any output size), cleaned, and feathered.
"""

from typing import NamedTuple

import cv2
import numpy as np

from .. import mesh
from ..beauty import regions

WORK_FACE = 150.0  # face width (px) at which hair is told from clothes
LIGHTNESS_WEIGHT = 0.6  # Lab lightness counts less than hue: hair in shadow and in highlight is still hair
TEXTURE_WEIGHT = 0.3  # gradient energy (lightness units per px, blurred) next to the colour
FRAMES_FACE = 0.35  # of the strips beside the cheeks: hair must fill this much to be long hair
NECK_CLEAR = 1.15  # neck half-widths around the centre line where no lock of hair starts
OVER_CHEST = 0.7  # neck half-widths: strands that slant inward over the garment go no further in than this
EDGE = 0.06  # face widths: the locks' outline is re-drawn by the strands' own colour within this of it
REACH = 0.35  # face widths a lock's strands may be followed beyond its filled outline
INNER_SLACK = 0.06  # face widths hair may drift inward of its inner edge at the chin
MARGIN = 0.9  # a pixel is hair when its distance to the hair model is below MARGIN x the clothes'
BALD = 8.0  # feature distance under which the top of the head counts as skin
SKIN_CORE = 0.9  # share of the face-skin samples (nearest their median) that model the skin
SMOOTH_CLOTH = 0.27  # of the hair's typical texture: smoother than this is cloth
STRAND = 0.12  # face widths: narrower dark bands below the chin are not locks of hair
STRAP = 0.2  # face widths: a narrower band that runs on unchanged to the photo's edge is a strap, not hair
TIP = 0.04  # face widths over which a lock fades out at its lower end
# Face widths up from a lock's lower end within which what is smoother than TIP_SMOOTH of the hair's typical
# texture is cloth (the hair's edge against it blurs the cloth's texture up: the lenient SMOOTH_CLOTH misses it).
UNDER_TIPS, TIP_SMOOTH = 0.12, 0.5
FEATHER = 1.0  # px (working scale) of the mask's soft edge
STRANDS = 0.6  # median coherence of the detail beside the cheeks above which it hangs in strands (hair)


def _working_copy(canvas, alpha, points):
    """The canvas and matte shrunk so the face is at most WORK_FACE px wide: (canvas, alpha, scale, (sx, sy))
    with sx, sy the exact factors per axis (sizes are rounded)."""
    h, w = alpha.shape
    scale = min(1.0, WORK_FACE / max(regions.face_width(points), 1.0))
    if scale >= 1:
        return canvas, alpha, 1.0, (1.0, 1.0)
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    small = cv2.resize(canvas, size, interpolation=cv2.INTER_AREA)
    small_alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    return small, small_alpha, scale, (size[0] / w, size[1] / h)


def _face_and_skin(canvas, points, fw):
    """(face, features, skin distance): the face oval widened by 0.03 face widths (bool), each pixel's colour
    features and its distance to the face skin's typical colours; None when too little skin shows."""
    shape = canvas.shape[:2]
    face = regions.polygon_mask(shape, points, regions.FACE_OVAL) > 0
    k = 2 * int(0.03 * fw) + 1
    face = cv2.dilate(face.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
    features = _features(canvas)
    face_skin = regions.skin_mask(shape, points) > 0.5
    if face_skin.sum() < 30:
        return None
    return face, features, _nearest(features, colour_centres(_typical(features[face_skin])))


def hair_in_front(canvas, alpha, points, cx, neck, collar_y):
    """HxW float32 in [0, 1]: the person's pixels kept in front of the outfit (0 where there is no long hair).

    `cx`/`neck` are the neck's centre and half-width, `collar_y` the collar line, all in canvas pixels.
    """
    h, w = alpha.shape
    small, small_alpha, scale, (sx, sy) = _working_copy(canvas, alpha, points)
    mask = _hair_mask(
        small,
        small_alpha,
        points * np.array([sx, sy], np.float32),
        cx * sx,
        neck * sx,
        collar_y * sy,
    )
    if mask is None:
        return np.zeros((h, w), np.float32)
    if scale < 1:
        mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(mask, 0, 1) * np.clip(alpha, 0, 1)


class Framing(NamedTuple):
    """What frames the face beside the cheeks (full-size masks)."""

    hangs: bool  # it hangs in strands: long hair; else it is their clothes (a fur collar, a hood)
    beside: np.ndarray  # bool HxW: it, beside the cheeks from the eyes to the chin
    like: np.ndarray  # bool HxW: (when it does not hang) every person pixel outside the face that looks like
    # it more than like the face's skin


def framing(canvas, alpha, points):
    """A Framing of the face, or None when nothing frames it (short hair, a bald head)."""
    h, w = alpha.shape
    fw = regions.face_width(points)
    small, small_alpha, scale, factors = _working_copy(canvas, alpha, points)
    pts = points * np.array(factors, np.float32)
    sh, sw = small_alpha.shape
    looked = _face_and_skin(small, pts, fw * scale)
    if looked is None:
        return None
    face, features, skin_dist = looked
    rows = np.arange(sh)[:, None]
    dx = np.abs(np.arange(sw) - float(pts[mesh.CHIN][0]))[None, :]
    eyes_y = float((pts[mesh.IRIS_A][1] + pts[mesh.IRIS_B][1]) / 2)
    outside = (small_alpha > 0.5) & ~face
    chin_y = float(pts[mesh.CHIN][1])
    beside = _hair_beside_cheeks(features, skin_dist, outside, rows, dx, eyes_y, chin_y, fw * scale)
    if beside is None or beside.sum() < 30 or not _frames_face(beside, pts, fw * scale):
        return None
    below_nose = beside & (rows > pts[1][1])

    def full(mask):
        return cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0

    if _hangs(small, below_nose, fw * scale):
        return Framing(True, full(beside), np.zeros((h, w), bool))
    like = outside & (
        _nearest(features, colour_centres(features[below_nose if below_nose.sum() >= 30 else beside]))
        < skin_dist
    )
    return Framing(False, full(beside), full(like))


def _hangs(canvas, region, fw):
    """Whether what lies in `region` (beside the cheeks, below the nose) hangs in strands: its fine detail
    runs mostly one way (hair falls in lines, median coherence of the structure tensor 0.86-0.91 on the long
    hair of p15 and p16), where a fur collar's tufts point every way (0.43 on p08, whose coat's fur framed
    his face and was kept in front of the outfit as hair)."""
    if region.sum() < 30:
        return False
    lightness = cv2.cvtColor(canvas, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    smooth = cv2.GaussianBlur(lightness, (0, 0), 1.0)
    gx, gy = cv2.Sobel(smooth, cv2.CV_32F, 1, 0), cv2.Sobel(smooth, cv2.CV_32F, 0, 1)
    spread = max(2.0, 0.04 * fw)
    jxx, jyy, jxy = (cv2.GaussianBlur(a, (0, 0), spread) for a in (gx * gx, gy * gy, gx * gy))
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / (jxx + jyy + 1e-3)
    return bool(np.median(coherence[region]) > STRANDS)


def _features(canvas):
    lab = cv2.cvtColor(canvas, cv2.COLOR_RGB2LAB).astype(np.float32)
    lightness = lab[..., 0] * (100.0 / 255.0)
    gx = cv2.Sobel(lightness, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(lightness, cv2.CV_32F, 0, 1)
    texture = cv2.blur(np.hypot(gx, gy), (7, 7))
    return np.dstack(
        [LIGHTNESS_WEIGHT * lightness, lab[..., 1] - 128, lab[..., 2] - 128, TEXTURE_WEIGHT * texture]
    ).astype(np.float32)


def _textured(features, hair, fw):
    """Where the photo has at least a fair share of the texture of the hair beside the cheeks: strands and
    their sheen, where cloth of the same dark colour is smooth (all True when the hair itself is flat)."""
    texture = features[..., 3] / TEXTURE_WEIGHT
    typical = float(np.median(texture[hair]))
    if typical < 1.0:
        return np.ones(texture.shape, bool)
    k = max(3, int(0.05 * fw) | 1)
    return cv2.blur(texture, (k, k)) > SMOOTH_CLOTH * typical


def colour_centres(samples, count=4):
    """A few k-means centres of (at most ~3000 of) the samples; seeded, so a photo always fits the same way."""
    samples = samples[:: max(1, len(samples) // 3000)].astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(11)
    _, _, centres = cv2.kmeans(samples, min(count, len(samples)), None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    return centres


def _typical(samples, keep=SKIN_CORE):
    """The `keep` share of `samples` nearest their median: the face's skin without the brows, lashes and
    nostrils the skin mask also holds (a k-means centre on those made dark hair look like skin, so a tiny
    change of framing could turn a child's long hair into a bald head)."""
    distance = np.linalg.norm(samples - np.median(samples, axis=0), axis=1)
    return samples[distance <= np.quantile(distance, keep)]


def _nearest(features, centres):
    """Distance from each pixel's features to the nearest of `centres`."""
    best = None
    for centre in np.asarray(centres, np.float32):
        d = features - centre
        d = np.einsum("...k,...k->...", d, d)
        best = d if best is None else np.minimum(best, d)
    return np.sqrt(best)


def _hair_mask(canvas, alpha, points, cx, neck, collar_y):
    h, w = alpha.shape
    fw = regions.face_width(points)
    person = alpha > 0.5
    chin_y = float(points[mesh.CHIN][1])
    eyes_y = float((points[mesh.IRIS_A][1] + points[mesh.IRIS_B][1]) / 2)
    rows = np.arange(h)[:, None]
    dx = np.abs(np.arange(w) - cx)[None, :]
    looked = _face_and_skin(canvas, points, fw)
    if looked is None:
        return None
    face, features, skin_dist = looked
    beside = _hair_beside_cheeks(features, skin_dist, person & ~face, rows, dx, eyes_y, chin_y, fw)
    if beside is None or beside.sum() < 30 or not _frames_face(beside, points, fw):
        return None
    if not _hangs(canvas, beside & (rows > points[mesh.NOSE_TIP][1]), fw):
        return None  # a fur collar or a hood beside the face, not hair
    # Not hair: whatever the chest column under the collar shows (their clothes, an open neckline's skin),
    # and the face's skin (light hair and a cream blouse can both be near skin in colour).
    chest = person & (rows > collar_y + 0.1 * fw) & (dx < NECK_CLEAR * neck)
    hair_dist = _nearest(features, colour_centres(features[beside]))
    other = [features[chest]] if chest.sum() >= 30 else []
    other_dist = _nearest(features, colour_centres(np.concatenate(other), 6)) if other else skin_dist
    hairy = hair_dist < MARGIN * other_dist
    hairy &= person & ~face & _textured(features, beside, fw)
    hairy = cv2.medianBlur(hairy.astype(np.uint8), 5) > 0
    strands = hairy.copy()  # (before the locks' bounds: what the outline is re-drawn by)
    # Hanging from the hair above, beside the neck and not further in than the hair's inner edge.
    start = int(np.clip(chin_y - 0.25 * fw, 0, h))
    allowed = (dx > NECK_CLEAR * neck) & (rows >= start)
    allowed &= _within_inner_edge(beside | hairy, cx, neck, start, int(np.clip(collar_y, 0, h)), fw)
    hairy &= allowed
    # Hair hangs in locks; a thin dark band (a strap, a lapel's edge) is not hair even where it touches it.
    # Strands come with thin gaps (cloth, or highlights near the clothes' colour) between them: closed across
    # first, within the allowed region.
    gap = max(3, int(0.05 * fw) | 1)
    hairy = (
        cv2.morphologyEx(hairy.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, gap), np.uint8)) > 0
    ) & allowed
    k = max(3, int(STRAND * fw) | 1)
    locks = cv2.morphologyEx(hairy.astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, k), np.uint8))
    _count, labels = cv2.connectedComponents(locks, connectivity=8)
    seed_rows = slice(start, int(np.clip(chin_y, 0, h)))
    seeds = np.unique(labels[seed_rows][(locks > 0)[seed_rows] & beside[seed_rows]])
    keep = np.isin(labels, seeds[seeds > 0])
    keep = (cv2.dilate(keep.astype(np.uint8), np.ones((3, k), np.uint8)) > 0) & hairy  # the locks' edges
    keep &= _within_outer_edge(beside, cx, start, int(np.clip(chin_y, 0, h)), fw)
    if not keep.any():
        return None
    close = 2 * int(0.025 * fw) + 1  # gaps between strands where the cloth showed through
    keep = cv2.morphologyEx(
        keep.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close))
    )
    drop = max(3, int(0.3 * fw) | 1)  # and along: locks hang down, so a short break in one is closed
    keep = cv2.morphologyEx(keep, cv2.MORPH_CLOSE, np.ones((drop, 1), np.uint8)) & allowed
    keep = _fill_across(keep > 0, cx)
    keep = _cut_below_tips(keep, cx, int(np.clip(chin_y, 0, h)), STRAND * fw, STRAP * fw)
    over_chest = (rows > collar_y) & (dx > OVER_CHEST * neck) & _within_outer_edge(beside, cx, start, h, fw)
    keep = _along_strands(keep > 0, strands & (allowed | over_chest), cx, fw)
    keep = cv2.medianBlur(keep, 5)
    keep = _without_cloth_under_tips(keep, features[..., 3] / TEXTURE_WEIGHT, beside, UNDER_TIPS * fw)
    # A smooth outline (the classification's staircase blurred away), then a soft edge.
    smooth = cv2.GaussianBlur(keep.astype(np.float32), (0, 0), 2 * FEATHER) > 0.5
    soft = cv2.GaussianBlur(smooth.astype(np.float32) * _tips(smooth, TIP * fw), (0, 0), FEATHER)
    # Faded in toward the neck and the garment's middle, so its collar and tie never meet a hard line of hair:
    # strands sooner than the cloth between them, so the fade follows them and draws no straight line either.
    bound = np.where(rows > collar_y, OVER_CHEST, NECK_CLEAR) * neck
    ramp = np.clip((dx - bound) / max(1.0, 0.08 * fw), 0, 1)
    ramp **= 2 - 1.5 * cv2.GaussianBlur(strands.astype(np.float32), (0, 0), FEATHER)
    return (soft * ramp).astype(np.float32)


def _along_strands(locks, strands, cx, fw):
    """The locks' outline re-drawn by the strands (uint8): their core (EDGE face widths in from the filled
    outline) grown back pixel by pixel through what has the hair's colour and texture, up to REACH face widths,
    and on each side no lower than that side's lock reaches (below its tips a strap is clothing). So a lock
    ends where its hair ends: not at the straight column bound of where locks may start (p16's hair that
    slants inward over her chest was cut by a vertical line), and with less of the dark cloth under its tip
    filled in with it (a smudge below the tip on her other shoulder)."""
    core = _core(locks, cx, max(2, int(EDGE * fw)))
    close = 2 * int(0.025 * fw) + 1  # gaps between strands where the cloth showed through
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close))
    way = cv2.morphologyEx(strands.astype(np.uint8), cv2.MORPH_CLOSE, disc) & _above_tips(locks, cx) | core
    grown = core
    for _ in range(max(1, int(REACH * fw))):
        more = cv2.dilate(grown, np.ones((3, 3), np.uint8)) & way
        if np.array_equal(more, grown):
            break
        grown = more
    return _fill_across(grown > 0, cx)  # (a hole between strand groups is cloth showing through: hair there)


def _without_cloth_under_tips(locks, texture, hair, reach):
    """uint8: `locks` less, in each column, the smooth run at their lower end (up to `reach` px): cloth as dark
    as the hair under its tips, taken in with them by the closings and the strands' colour (p16's black
    jacket under her hair tip was kept in front of the garment as a dark smudge; strands are textured, the
    cloth is not: smoother than TIP_SMOOTH of the texture of the hair beside the cheeks). A lock that runs
    off the photo's bottom edge has no tip there."""
    typical = float(np.median(texture[hair]))
    if typical < 1.0:  # (the hair itself is flat: nothing tells the two apart)
        return locks
    smooth = texture < TIP_SMOOTH * typical
    h = locks.shape[0]
    out = locks.copy()
    for x in np.flatnonzero(locks.any(axis=0)):
        y = int(np.flatnonzero(locks[:, x])[-1])
        if y >= h - 2:
            continue
        top = max(0, y - int(reach))
        while y >= top and locks[y, x] and smooth[y, x]:
            out[y, x] = 0
            y -= 1
    return out


def _core(locks, cx, k):
    """uint8: the locks less `k` px of their inner side (toward the centre line) and of their lower end: the
    edges the column bound and the closing drew; their outer edge beside the background is the matte's."""
    h, w = locks.shape
    mask = locks.astype(np.uint8)
    # (each kernel anchored at its first cell: it spans the k rows from here down, or k columns to one side)
    down = cv2.erode(mask, np.ones((k, 1), np.uint8), anchor=(0, 0))
    centre = int(np.clip(round(cx), 0, w))
    inward = np.zeros((h, w), np.uint8)
    left = cv2.erode(mask, np.ones((1, k), np.uint8), anchor=(0, 0))  # (the lock's inner side is its right)
    right = cv2.erode(mask, np.ones((1, k), np.uint8), anchor=(k - 1, 0))
    inward[:, :centre], inward[:, centre:] = left[:, :centre], right[:, centre:]
    return down & inward


def _above_tips(locks, cx):
    """uint8 HxW: 1 on each side of the centre line from the top down to that side's lowest lock pixel."""
    h, w = locks.shape
    out = np.zeros((h, w), np.uint8)
    centre = int(np.clip(round(cx), 0, w))
    for cols in (slice(0, centre), slice(centre, w)):
        rows = np.flatnonzero(locks[:, cols].any(axis=1))
        if rows.size:
            out[: rows[-1] + 1, cols] = 1
    return out


def _tips(mask, length):
    """Per pixel, 1 inside a lock fading to 0 over its last `length` px toward its lower end (hair tapers
    into its tips; a lock that runs off the bottom edge does not end there)."""
    h, w = mask.shape
    below = np.zeros((h, w), np.float32)
    run = np.full(w, length, np.float32)
    for y in range(h - 1, -1, -1):
        run = np.where(mask[y], run + 1, 0)
        below[y] = run
    return np.clip(below / max(1.0, length), 0, 1)


def _fill_across(mask, cx):
    """Each row's hair filled between its innermost and outermost pixel on each side of the centre line: a
    lock is solid across, and a hole in it is only where its colour came close to the clothes' (uint8)."""
    out = np.zeros(mask.shape, np.uint8)
    centre = int(np.clip(round(cx), 0, mask.shape[1]))
    for y in np.flatnonzero(mask.any(axis=1)):
        for lo, hi in ((0, centre), (centre, mask.shape[1])):
            cols = np.flatnonzero(mask[y, lo:hi])
            if cols.size:
                out[y, lo + cols[0] : lo + cols[-1] + 1] = 1
    return out


def _hair_beside_cheeks(features, skin_dist, outside_face, rows, dx, eyes_y, chin_y, fw):
    """The hair hanging beside the cheeks, from the eyes to the chin: pixels that look like the hair on the
    head (above the eyes, outside the face) more than like the face's skin, and are connected to it. A collar
    or a neighbour's shoulder that rises beside the face is neither (None when the head shows no hair)."""
    crown = outside_face & (rows < eyes_y)
    if crown.sum() < 30:
        return None
    crown_dist = _nearest(features, colour_centres(features[crown]))
    if np.median(skin_dist[crown]) < BALD:  # what is above the eyes looks like the face's skin
        return None
    like = outside_face & (crown_dist <= np.percentile(crown_dist[crown], 97)) & (crown_dist < skin_dist)
    like &= rows < chin_y
    _count, labels = cv2.connectedComponents(like.astype(np.uint8), connectivity=8)
    head = np.unique(labels[crown & like])
    attached = np.isin(labels, head[head > 0])
    return attached & (rows >= eyes_y) & (dx < 1.0 * fw)


def _cut_below_tips(mask, cx, y0, min_width, strap_width):
    """Below row y0, each side ends where its lock narrows to less than `min_width` for a few rows: the hair's
    tips; a strap or a seam that carries on below them in the same column is clothing (uint8). So is a band
    narrower than `strap_width` that runs on, never widening, to the photo's bottom edge: hair tapers to its
    tips, a strap (dark like the hair, with the shadowed cloth beside it) keeps its width."""
    out = mask.copy()
    centre = int(np.clip(round(cx), 0, mask.shape[1]))
    for cols in (slice(0, centre), slice(centre, mask.shape[1])):
        widths = mask[y0:, cols].sum(axis=1)
        run = np.convolve((widths < min_width).astype(np.int32), np.ones(3, np.int32), mode="valid")
        ends = np.flatnonzero(run == 3)
        end = ends[0] if ends.size else widths.size
        wide = np.flatnonzero(widths[:end] >= strap_width)
        band = widths[wide[-1] + 1 if wide.size else 0 :]
        if end == widths.size and band.size and band.min() > 0:
            end = widths.size - band.size
        out[y0 + end :, cols] = 0
    return out


def _frames_face(beside, points, fw):
    """Whether hair fills the strips just outside the cheeks, from the nose to the chin, on either side."""
    h, w = beside.shape
    top, bottom = int(np.clip(points[mesh.NOSE_TIP][1], 0, h)), int(np.clip(points[mesh.CHIN][1], 0, h))
    xl, xr = float(points[mesh.CHEEK_A][0]), float(points[mesh.CHEEK_B][0])
    if xl > xr:
        xl, xr = xr, xl
    strips = [
        beside[top:bottom, int(np.clip(xl - 0.25 * fw, 0, w)) : int(np.clip(xl, 0, w))],
        beside[top:bottom, int(np.clip(xr, 0, w)) : int(np.clip(xr + 0.25 * fw, 0, w))],
    ]
    return any(strip.size and strip.mean() > FRAMES_FACE for strip in strips)


def _within_outer_edge(beside, cx, y0, y1, fw):
    """Columns (1xW) no further out than the hair beside the cheeks reaches between rows y0 and y1: the hair's
    outline continues straight down, and a shoulder that sticks out beyond it is clothing."""
    xs = np.arange(beside.shape[1])
    cols = np.flatnonzero(beside[y0 : max(y0 + 1, y1)].any(axis=0))
    if cols.size == 0:
        return np.zeros((1, xs.size), bool)
    slack = INNER_SLACK * fw
    return ((xs >= cols.min() - slack) & (xs <= cols.max() + slack))[None, :]


def _within_inner_edge(hairish, cx, neck, y0, y1, fw):
    """Columns (as a 1xW mask) no further in than the hair's inner edge on each side between rows y0 and y1
    (hair hangs straight down; what lies between the hair and the neck below the collar is clothing)."""
    w = hairish.shape[1]
    xs = np.arange(w)
    out = np.zeros(w, bool)
    band = hairish[y0 : max(y0 + 1, y1)]
    for side in (-1, 1):
        outside = side * (xs - cx) > NECK_CLEAR * neck
        cols = np.flatnonzero(band.any(axis=0) & outside)
        if cols.size == 0:
            continue
        inner = cols.max() if side < 0 else cols.min()
        limit = inner + side * -INNER_SLACK * fw
        out |= (xs <= limit) if side < 0 else (xs >= limit)
    return out[None, :]
