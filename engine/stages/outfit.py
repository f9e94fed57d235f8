"""Stage: outfit. Dress the person in the chosen outfit (params.clothes_id), in output pixels.

The garment is fitted from the face mesh and the matte (engine/outfits/fit.py), painted, and put over
`canvas` and `canvas_original`; its coverage joins `canvas_alpha` (it is part of the person). Below the
garment's top the person's own pixels are dropped from the matte, and so are their clothes that stand above it
(a high collar, a hood), so their clothes are gone on any background; long hair that falls over the
shoulders stays in front of the garment.
"""

from typing import NamedTuple

import cv2
import numpy as np

from .. import foreground
from ..beauty.filters import luma
from ..outfits import OUTFITS, measure, render
from ..outfits.finish import SKIN_DETAIL, skin_texture

# Beside long hair: background narrower than this (face widths) between the strands, the jaw and the garment
# is the hair behind, in the strands' shadow (painted this much darker than the nearest hair).
BACK_HAIR_GAP = 0.12
BACK_HAIR_SHADE = 0.8
# Out over the shoulders only holes at least SHUT_IN_MIN face widths across (squared) count: a smaller one is
# the hair's own see-through gap between strands, and painted, its rim made a dark patch over the soft outer
# strands (p15's right hair: a 7x4 px dash on white).
SHUT_IN_MIN = 0.04
# Where their coat framed the face and left the matte: background narrower than UNDER_JAW_GAP (face widths)
# between the head and the garment, from UNDER_JAW_RISE above the chin down, is the neck's side in the jaw's
# shadow (painted this much darker than the nearest of the head).
UNDER_JAW_GAP, UNDER_JAW_RISE, UNDER_JAW_SHADE = 0.5, 0.2, 0.9
# Its shadow: darker by up to UNDER_JAW_FALL at its outline (fading over UNDER_JAW_SPAN face widths inward),
# and by up to UNDER_JAW_DARKER next to the jaw (fading over UNDER_JAW_DEPTH face widths away from it).
UNDER_JAW_SPAN, UNDER_JAW_FALL = 0.06, 0.4
UNDER_JAW_DARKER, UNDER_JAW_DEPTH = 0.35, 0.05
UNDER_JAW_TONE = 0.15  # face widths: the head's colours it takes, blurred this much (one tone, shaded)
# The head's edge along it no lighter than the neck painted there, fading over UNDER_JAW_SEAM face widths
# into the head (a pixel SEAM_LEVELS grey levels lighter is pulled to it in full).
UNDER_JAW_SEAM, SEAM_LEVELS = 0.015, 6.0
# What is painted behind: its outline blurred this much (px) and thresholded over 1/OUTLINE_RAMP of a level
# (about 1.5 px of soft edge).
OUTLINE_SMOOTH, OUTLINE_RAMP = 2.5, 3.0
SLIVER = 0.02  # face widths: background narrower than this between the head and the garment is closed
SLIVER_TOUCH = 5  # px (a square's side): a sliver lies within this of the head
FILL_FROM = 15  # px around a sliver within which only the head fills it in (not the background, the garment)
# Beside a sliver, their clothes' pixels standing solid are filled in with it: not skin-coloured and under
# STRAY_DARK of the skin's luma or STRAY_LIGHT levels over it.
STRAY_DARK, STRAY_LIGHT = 0.25, 60.0


def run(ctx):
    outfit_id = ctx.params.clothes_id
    if not outfit_id or ctx.canvas is None or ctx.canvas_landmarks is None:
        return
    fit = measure(ctx.canvas, ctx.canvas_alpha, ctx.canvas_landmarks)
    dressed = dress(fit, outfit_id, ctx.canvas, ctx.canvas_original, ctx.canvas_alpha)
    ctx.canvas, ctx.canvas_original, ctx.canvas_alpha = dressed.canvas, dressed.original, dressed.alpha
    ctx.measurements["outfit"] = {
        "id": outfit_id,
        "collar_y": round(fit.collar_y, 1),
        "neck_px": round(2 * fit.neck, 1),
    }


class Dressed(NamedTuple):
    canvas: np.ndarray
    original: np.ndarray | None
    alpha: np.ndarray
    coverage: np.ndarray  # the outfit's own coverage
    hair: np.ndarray  # person pixels kept in front of it


def dress(fit, outfit_id, canvas, original, alpha):
    """The canvases and matte with the outfit put on the person measured by `fit`."""
    rgb, coverage = render(OUTFITS[outfit_id], fit)
    hair = fit.hair if fit.hair is not None else np.zeros_like(coverage)
    own = _own_alpha(alpha, hair, fit)
    alpha = np.clip(coverage + own * (1 - coverage), 0, 1).astype(np.float32)
    # (Not beside long hair kept in front: between it and the jaw, filled in from around, her collar's
    # place was a smudge of hair and skin colours, p15.)
    sliver = _slivers(alpha, fit, own > 0.5) if fit.hair is None else np.zeros(alpha.shape, bool)
    # with its soft rim (left half-transparent, it showed as an outline in the background's colour), but
    # not over hair kept in front, which keeps the photo's pixels
    ring = cv2.dilate(sliver.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    # (and their clothes' edge standing solid beside it: p11's black jacket edge was a ragged black line
    # between the jaw and the new collar)
    stray = _stray(canvas, coverage, fit) if sliver.any() else np.zeros(alpha.shape, bool)
    sliver = ring & ((alpha < 0.98) | stray)
    sliver &= hair < 0.99
    if sliver.any():
        # Filled in behind the garment, which lies over it with its soft edge (filled over it, the garment's
        # top edge there was a hard pixel staircase: p04's and p12's jaw corners), and with a smooth outline
        # toward the background (solid to its edge, the closing's corners stood out as a ledge).
        # (With their coat gone, _under_jaw paints the neck's side around it with a smooth outline of its own.)
        smooth = _smooth_outline(sliver, alpha) * (alpha < 0.98) if not fit.coat_removed else 0.0
        behind = np.maximum(sliver, smooth)
        fill = behind > 0
        # (from the head and the neck's skin drawn beside it, not from the garment's cloth, nor its soft
        # edge over what left the matte: taken up, it stood as a dark speck above its top, p12)
        source = ((own * (1 - coverage) >= 0.5) & ~stray) | (_skin_drawn(fit) & (coverage > 0.5))
        first = _over(rgb, coverage, canvas, hair, own)
        canvas = np.where(fill[..., None], _filled(first, fill, alpha, source), canvas)
        if original is not None:
            first = _over(rgb, coverage, original, hair, np.ones_like(own))
            original = np.where(fill[..., None], _filled(first, fill, alpha, source), original)
        own = np.maximum(own, behind)
    canvas = _over(rgb, coverage, canvas, hair, own)
    if original is not None:
        # (the photo as it is, with no new background: all of it stays behind the garment's soft edge)
        original = _over(rgb, coverage, original, hair, np.ones_like(own))
    alpha = np.clip(coverage + own * (1 - coverage), 0, 1).astype(np.float32)
    if fit.hair is not None:
        canvas, original, alpha = _back_hair(canvas, original, alpha, fit)
    elif fit.coat_removed:
        canvas, original, alpha = _under_jaw(canvas, original, alpha, coverage, fit)
    return Dressed(canvas, original, alpha, coverage, hair)


def _back_hair(canvas, original, alpha, fit):
    """Long hair hanging in front: the background left between it, the jaw or neck and the garment (where their
    collar was, p15) is where a real photo shows the hair behind, in the shadow of the strands. It is painted
    in the colours of the nearest hair, a shade darker, and made solid."""
    hair = fit.hair > 0.5
    # Around the neck, and out over the shoulders between the strands and the garment's top line (where her
    # collar was at p15's left shoulder); not out along the hair's outline higher up (closed over, its
    # wisps became dark lumps).
    gap = BACK_HAIR_GAP * fit.face_width
    reach = 2 * max(1, round(gap / 2)) + 1
    near_hair = cv2.dilate(hair.astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    rows = np.arange(alpha.shape[0])[:, None]
    on_shoulder = near_hair & (rows > fit.garment_top[None, :] - gap) & _around_neck(alpha.shape, fit, wide=True)
    # (out there only what is shut in between them: what a disc would close also bit into the hair's wisps)
    shut_in = _at_least(_holes((alpha > 0.5).astype(np.uint8)) & on_shoulder, (SHUT_IN_MIN * fit.face_width) ** 2)
    gaps = _enclosed(alpha, BACK_HAIR_GAP * fit.face_width) & _around_neck(alpha.shape, fit) | shut_in
    gaps = _with_rim(gaps, alpha) & (_around_neck(alpha.shape, fit) | on_shoulder)
    return _painted_behind(canvas, original, alpha, gaps, hair, BACK_HAIR_SHADE)


def _under_jaw(canvas, original, alpha, coverage, fit):
    """Their coat framed the face (p08's fur collar) and left the matte beside the neck, so the neck's sides
    end where it was cut away: under the jaw, between it and the garment, the background showed (the head
    looked pasted on). On a photo the neck's side is there, in the jaw's shadow: background that a disc
    UNDER_JAW_GAP face widths across cannot leave without crossing the person, from the jaw's height down,
    is painted in the colours of the nearest of the person above the garment (the jaw, the beard), shaded
    as a shadow (_jaw_shadow) and with the grain of what is above (_under_jaw_grain), and made solid."""
    h, w = alpha.shape
    rows = np.arange(h)[:, None]
    below_jaw = rows >= fit.chin_y - UNDER_JAW_RISE * fit.face_width
    gaps = _with_rim(_enclosed(alpha, UNDER_JAW_GAP * fit.face_width), alpha) & _around_neck((h, w), fit)
    gaps &= below_jaw
    head = (alpha > 0.5) & (coverage < 0.5) & (rows < fit.garment_top[None, :])
    if not gaps.any():
        return canvas, original, alpha
    grain = _under_jaw_grain(canvas, head, fit)
    shadow = _jaw_shadow(gaps, alpha, head, fit)
    tone, seam = UNDER_JAW_TONE * fit.face_width, UNDER_JAW_SEAM * fit.face_width
    return _painted_behind(canvas, original, alpha, gaps, head, shadow, grain, tone, seam)


def _jaw_shadow(gaps, alpha, head, fit):
    """How dark the neck's side under the jaw is (HxW, of the nearest head's colours): lightest inside,
    darker out towards its outline against the background (the neck turning away from the light) and
    next to the jaw (`head`), which shades it; smooth, as a shadow is. (By distance from the jaw, not
    by rows under its lowest point: where the jaw's outline runs down beside the neck, the neck next to
    it was left lit, a light line along the beard, p08.)"""
    background = (~gaps & (alpha <= 0.5)).astype(np.uint8)
    inward = cv2.distanceTransform(1 - background, cv2.DIST_L2, 5)
    out = np.exp(-inward / (UNDER_JAW_SPAN * fit.face_width))
    from_jaw = cv2.distanceTransform((~head).astype(np.uint8), cv2.DIST_L2, 5)
    under = np.exp(-from_jaw / (UNDER_JAW_DEPTH * fit.face_width))
    shade = (UNDER_JAW_SHADE - UNDER_JAW_FALL * out) * (1 - UNDER_JAW_DARKER * under)
    return cv2.GaussianBlur(shade.astype(np.float32), (0, 0), 0.02 * fit.face_width)


def _under_jaw_grain(canvas, head, fit):
    """Luma grain (HxW, levels) with the spectrum and strength of the jaw or beard just above the chin's
    middle (the neck column above the garment where it shows), so the neck's side is not a flat fill
    beside the photo's own grain; None where too little of the head is there to learn from."""
    h, w = head.shape
    y0, y1 = int(np.clip(fit.chin_y - 0.15 * fit.face_width, 0, h)), int(np.clip(fit.chin_y, 0, h))
    x0, x1 = int(np.clip(fit.cx - 0.5 * fit.neck, 0, w)), int(np.clip(fit.cx + 0.5 * fit.neck, 0, w))
    if y1 - y0 < 6 or x1 - x0 < 6 or head[y0:y1, x0:x1].mean() < 0.9:
        return None
    lum = luma(canvas[y0:y1, x0:x1])
    detail = lum - cv2.GaussianBlur(lum, (0, 0), SKIN_DETAIL)
    return skin_texture(detail, (h, w), seed=0x7A3)


def _painted_behind(canvas, original, alpha, gaps, source, shade, grain=None, tone_blur=1.5, seam=0.0):
    """The background in `gaps` painted in the colours of the nearest `source` pixels times `shade` (a
    number or HxW; the colours blurred by `tone_blur` px), plus `grain` (HxW luma levels, scaled by the shade,
    or None), laid behind what is there
    (soft edges along it keep their own colour over it), and made solid. Its outer outline is smooth and
    anti-aliased (_smooth_outline), not the pixel staircase of the gaps. With `seam` (px), the person's
    pixels along the gaps lighter than what is painted there take its colour, fading over that distance
    (_no_light_rim)."""
    if not gaps.any() or source.sum() < 30:
        return canvas, original, alpha
    h, w = alpha.shape
    shade = np.broadcast_to(np.asarray(shade, np.float32), (h, w))
    colours = foreground.spread(canvas, source, (w, h)) * 255.0
    # (a tone, not the blotches of the rim it comes from: the shade and grain model it)
    colours = cv2.GaussianBlur(colours, (0, 0), tone_blur) * shade[..., None]
    if grain is not None:
        colours = colours + (grain * shade)[..., None]
    # (in full over the gaps and the person's half-transparent rim in them, which let the new background
    # through as specks; soft only outward)
    behind = _smooth_outline(gaps, alpha) * (alpha < 0.98)
    cover = behind * (1.0 - alpha)
    weight = cover[..., None]

    def painted(image):
        out = image.astype(np.float32) * (1 - weight) + colours * weight
        if seam:
            out = _no_light_rim(out, colours, gaps, alpha, seam)
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)

    original = painted(original) if original is not None else None
    return painted(canvas), original, np.clip(alpha + cover, 0, 1).astype(np.float32)


def _no_light_rim(image, colours, gaps, alpha, seam):
    """`image` (float32) with the person's pixels along `gaps` that are lighter than the `colours` painted
    there pulled to them, fully at the gaps and fading over `seam` px into the person: the head's edge,
    mixed in the photo with what stood beside it (p08's beard with his light fur collar), ran as a thin
    light line between the jaw and the neck painted under it. Darker pixels (a beard's strands) keep
    theirs, so the jaw's own shadow runs on into the painted neck."""
    away = cv2.distanceTransform((~gaps).astype(np.uint8), cv2.DIST_L2, 5)
    near = np.exp(-away / seam) * (alpha > 0.02)  # (and the rim inside them: painted only behind it)
    lighter = np.clip((luma(image) - luma(colours)) / SEAM_LEVELS, 0, 1)
    pull = (near * lighter)[..., None]
    return image * (1 - pull) + colours * pull


def _smooth_outline(gaps, alpha):
    """`gaps` (bool) as a coverage (float32 0..1) whose outline towards the background is a smooth curve
    with a sub-pixel soft edge: the gaps and the person together are blurred and thresholded with a short
    ramp, so the closing's pixel staircase is gone, and the gaps stay whole where they meet the person."""
    solid = (gaps | (alpha > 0.5)).astype(np.float32)
    blurred = cv2.GaussianBlur(solid, (0, 0), OUTLINE_SMOOTH)
    smooth = np.clip(0.5 + (blurred - 0.5) * OUTLINE_RAMP, 0, 1)
    near = cv2.dilate(gaps.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return np.where(near, smooth, 0).astype(np.float32)


def _enclosed(alpha, across, levels=(0.5,)):
    """Background that a disc `across` px wide cannot leave without crossing the person, or that the outside
    cannot reach at all, with the matte taken as solid above each of `levels` (HxW bool)."""
    k = 2 * max(1, round(across / 2)) + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    inside = np.zeros(alpha.shape, bool)
    for level in levels:
        solid = (alpha > level).astype(np.uint8)
        inside |= (cv2.morphologyEx(solid, cv2.MORPH_CLOSE, disc) > 0) & (solid == 0) | _holes(solid)
    return inside


def _with_rim(gaps, alpha):
    """`gaps` with the person's half-transparent rim around them."""
    rim = cv2.dilate(gaps.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool) & (alpha < 0.98)
    return gaps | rim


def _around_neck(shape, fit, wide=False):
    """From a little above the chin down to a neck half-width below the collar line, within 2.2 neck
    half-widths of the neck's centre (`wide`: across the whole canvas)."""
    h, w = shape
    rows = np.arange(h)[:, None]
    dx = np.abs(np.arange(w) - fit.cx)[None, :]
    band = (rows > fit.chin_y - 0.3 * fit.face_width) & (rows < fit.collar_y + fit.neck)
    return band if wide else band & (dx < 2.2 * fit.neck)


def _slivers(alpha, fit, head=None):
    """Thin slivers of background enclosed between the head and the garment around the neck, and holes
    (HxW bool): where their collar or fur left the matte next to a beard's or a jaw's edge, a line of
    background a few pixels wide stood between it and the new collar (on red, a red line); a piece of
    their collar inside the jaw's outline left a hole with its rim (p04). (At matte 0.95 too: a
    half-transparent line lets the background through as well.) With `head` (HxW bool, what stays of the
    person above the garment), only pieces that touch it: a dent in the garment's own soft outline out
    at the shoulder, filled in, took their jacket's colour left in the canvas there (a dark speck on p12's
    shoulder under woman_5)."""
    sliver = _enclosed(alpha, 2 * SLIVER * fit.face_width, (0.5, 0.95)) & _around_neck(alpha.shape, fit)
    if head is None or not sliver.any():
        return sliver
    near_head = cv2.dilate(head.astype(np.uint8), np.ones((SLIVER_TOUCH, SLIVER_TOUCH), np.uint8)) > 0
    count, labels = cv2.connectedComponents(sliver.astype(np.uint8), connectivity=8)
    touching = np.zeros(count, bool)
    touching[np.unique(labels[sliver & near_head])] = True
    touching[0] = False
    return touching[labels]


def _at_least(mask, area):
    """The connected pieces of `mask` (bool) of at least `area` px."""
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = np.nonzero(stats[:, cv2.CC_STAT_AREA] >= area)[0]
    return np.isin(labels, keep[keep > 0])


def _holes(solid):
    """What a uint8 mask encloses (bool): background the outside cannot reach."""
    h, w = solid.shape
    outside = np.pad(solid, 1).copy()
    flood = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(outside, flood, (0, 0), 1)
    return outside[1:-1, 1:-1] == 0


def _filled(image, sliver, alpha, source):
    """`image` with the pixels of `sliver` filled in from the `source` pixels around them that stay in the
    matte (the head, and the neck's skin drawn beside it): outside the matte the canvas still holds what
    left it (taken in, p09's white collar stood as specks at his jaw's corners, p12's light-blue one as a
    speck by the neck drawn under his jaw), and the garment's colour taken up stood as a dark notch above
    its top."""
    mask = cv2.dilate(sliver.astype(np.uint8), np.ones((3, 3), np.uint8))  # (not from its soft rim)
    near = cv2.dilate(mask, np.ones((FILL_FROM, FILL_FROM), np.uint8)).astype(bool)
    mask[near & ((alpha < 0.5) | ~source)] = 1
    return np.where(sliver[..., None], cv2.inpaint(image, mask, 3, cv2.INPAINT_TELEA), image)


def _stray(canvas, coverage, fit):
    """Their clothes' pixels that cannot be the head's (HxW bool): not skin-coloured and far darker than
    the skin (under STRAY_DARK of its luma: black cloth, not a beard) or far lighter (STRAY_LIGHT levels: a
    white collar), where the garment does not cover."""
    if fit.skin_like is None:
        return np.zeros(coverage.shape, bool)
    lum, skin = luma(canvas), float(luma(np.asarray(fit.skin, np.float32)[None, None])[0, 0])
    odd = (lum < STRAY_DARK * skin) | (lum > skin + STRAY_LIGHT)
    return odd & (fit.skin_like < 0.5) & (coverage < 0.5)


def _skin_drawn(fit):
    """Where the outfit draws the neck's side under the jaw (HxW bool; fit.neck_side, with the rest of
    fit.neck_behind): beside it a sliver between the jaw and the garment takes its colours (p12: from the
    head and what was left of his collar, it stood as a dark wedge where the neck meets the garment). Not
    elsewhere: their collar painted over in lit skin, taken into a sliver beside a beard's shadow, stood as
    a light line along p08's jaw."""
    if fit.neck_side is None or fit.neck_behind is None:
        return np.zeros((fit.height, fit.width), bool)
    return fit.neck_behind > 0.5


def _over(rgb, coverage, image, hair, own):
    """The garment over `image` where it stays in the matte (`own`, _own_alpha): under the garment's soft
    edge, what left the matte is not mixed in (p15's cream collar showed as a faint line along its top)."""
    cov = coverage[..., None]
    behind = own[..., None] * (1 - cov)
    total = cov + behind
    out = np.where(total > 1e-3, (rgb * cov + image * behind) / np.maximum(total, 1e-3), image)
    front = hair[..., None]
    out = image.astype(np.float32) * front + out * (1 - front)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _own_alpha(alpha, hair, fit):
    """The person's own matte that stays: above the garment's top line (head, neck, hair) and for hair in
    front."""
    rows = np.arange(alpha.shape[0], dtype=np.float32)[:, None]
    above = np.clip((fit.garment_top[None, :] + 0.5 * fit.neck - rows) / 2.0, 0, 1)
    if fit.clothes_above is not None:
        above = above * (1 - fit.clothes_above)
    return alpha * np.maximum(above, np.clip(hair / np.maximum(alpha, 1e-3), 0, 1))
