"""Where an outfit goes on a person: neck, collar line, body outline, skin colour, hair in front.

All figures are in output pixels, measured from the face mesh (chin, face width) and the person matte
(neck width a little below the chin, the body's outline below the neck, which gives the shoulders' width
and tilt).
"""

from dataclasses import dataclass

import cv2
import numpy as np

from .. import mesh
from ..beauty import regions
from .finish import Look, measure_look, neck_texture
from .hair import colour_centres, framing, hair_in_front

PERSON = 0.5  # matte value that counts as person
NECK_PROBE = 0.12  # the neck is measured this many face widths below the chin
NECK_RANGE = (0.36, 0.72)  # plausible neck widths, in face widths
NECK_DEFAULT = 0.55
SHOULDER_START = 1.8  # the shoulders begin where the body is this many neck widths wide
COLLAR_DROP = (0.08, 0.40)  # chin-to-collar distance, in face widths (the neck must stay visible)
MIN_SHOULDER_HALF = 1.35  # the outfit is at least this wide (half, in face widths) at the shoulders
SHOULDER_ROUND = 1.5  # shape of the shoulder line: higher keeps it flatter near the neck, rounder at the end
ARM_FLARE = 0.08  # below the shoulder points the arms widen the silhouette this much per pixel down
SHOULDER_DROP = 0.42  # from the collar to the shoulder point, in face widths
OUTLINE_PAD = 1.5  # px the outfit reaches past the matte outline, so no original clothing shows at its edge
SKIN_DISTANCE = (
    24.0  # Lab distance (chroma weighted 1.6, lightness 0.35) under which a pixel is skin-coloured
)
HAIR_DISTANCE = 22.0
MAX_RAISE = 0.15  # face widths the garment's top may rise above a typical shoulder line to cover clothes
SHOULDER_RAISE = 0.45  # the same out at the shoulders, where what rises is their shoulder, not a collar
DROP_BAND = 0.3  # face widths above the garment's top where the person's own clothes are dropped
# Their collar at the jaw's corner: pieces neither skin nor hair beside the neck (over a neck half-width
# out), off the face's outline by JAW_COLLAR_OFF face widths, touching the garment's top and at least
# JAW_COLLAR_AREA and at most JAW_COLLAR_MAX face widths across (squared), with at most JAW_COLLAR_HAIR of
# them hair-coloured.
JAW_COLLAR_OFF, JAW_COLLAR_AREA, JAW_COLLAR_MAX, JAW_COLLAR_HAIR = 0.02, 0.04, 0.1, 0.5
HAIR_SPAN = 0.8  # face widths from the centre line within which hair hangs beside the face
CLOTHES_DISTANCE = 18.0  # Lab distance to one of the clothes' colours
CLOTHES_FRACTION = 0.2  # of the neck's width: the person's own collar starts here
COLLAR_REACH = 2.0  # neck half-widths from the centre: their collar lies within this
MAX_SKIN_SLOPE = 0.6  # grey levels per px: the neck's colour change carried into a neckline
NECK_TONE = 0.8  # of SKIN_DISTANCE: this close to the neck's own colour, skin below it is theirs
REAL_BLEND = 0.25  # neck half-widths over which the photo's own skin fades into drawn skin
JAW_RISE = 0.2  # face widths above the chin where their collar may stand beside the jaw
JAW_CLEAR = 1.15  # neck half-widths: beside the jaw further out than this there is no skin (but hair)
LIGHT_GAP = 20.0  # Lab lightness by which hair must be darker than the face to tell a cream collar from it
BEARD_DROP = 0.15  # face widths below the chin a beard may reach
# Of the chin below the lower lip, the share in the hair's colour (not the skin's) when there is a beard
# (p03 0.12, p10 0.31; the others 0-0.07).
BEARD_SHARE = 0.1
FILL_REACH = 0.5  # neck half-widths into their collar over which the neck filled in from the skin counts
FUR_CLEAR = 0.05  # face widths around the face that a fur collar leaving the matte keeps clear of (a beard)
FUR_FADE = 0.15  # face widths above the nose over which a fur collar leaving the matte gives way
COLLAR_GAP = 0.1  # face widths: a collar beside the jaw stands at most this far from the jaw or the neck
LIGHTER = 0.3  # of the way from the hair's lightness to the face's: a collar in shadow is still this light
REAL_SKIN = 0.6  # of SKIN_DISTANCE: closer than this to the face's skin, the photo's own skin may show
# Degrees off the lower face's hue: drawn skin keeps its own hue up to the first, takes the face's from the
# second (a coloured shirt casts its colour on the neck above it, not on the face).
CAST_HUE = (6.0, 16.0)
# The jaw's shadow keeps the skin's hue within this many degrees, with at least this chroma (Lab).
SHADOW_HUE, SHADOW_CHROMA = 35.0, 5.0
NECK_AMBIENT = 0.6  # of the lit front: how dark a drawn neck's side turned from the light is (unmeasured)
NECK_SIDE = 0.5  # neck half-widths beyond its sides over which that shading fades out
# ...on the chest; above the collar line (the neck's side under the jaw) flat to this share only
NECK_SIDE_KEEP = 0.75
JAW_SHADE = 0.1  # drawn neck skin is darker by up to this just under the jaw
# The neck's side drawn under the jaw lies in the jaw's shadow: darker by up to SIDE_JAW_DARK right under the
# jaw line (fading over SIDE_JAW_DEPTH neck half-widths down), and by up to SIDE_EDGE_DARK along its outline
# against the background (fading over SIDE_EDGE_SPAN inward: the neck turning away). Evenly lit, p12's read as
# a flat wedge of paint.
SIDE_LIGHT = 0.95  # of the lit front: the neck's side drawn under the jaw (fit.neck_side), out of the shadows
SIDE_JAW_DARK, SIDE_JAW_DEPTH = 0.35, 0.4
SIDE_EDGE_DARK, SIDE_EDGE_SPAN = 0.15, 0.25
STAND_REACH = (1.45, 2.2)  # neck half-widths: the garment rises to their collar fully within the first
LIGHT_COLLAR = 10.0  # Lab lightness by which a collar beside the neck is lighter than the skin
TURNED_UP = 1.15  # neck half-widths above the collar line beside the neck: higher reads as turned up...
TURNED_REACH = (1.3, 1.9)  # ...and then it rises to their collar only this close to the neck (see STAND_REACH)
STAND_CAP = 0.5  # neck half-widths above the collar line: the garment stands no higher beside the neck
NECK_HALF = 0.31  # face widths: a neck drawn under the jaw is this wide each side of its centre
LIGHT_REACH = 0.3  # neck half-widths above the garment's top within which light cloth under hair lies
STAND_SNAP = 0.06  # face widths: a collar that stood this close under the jaw reached it
# Where the neck's side is drawn under the jaw, skin drawn next to the jaw's shadow that stays (darker than
# PENUMBRA_DARK of the skin's luma) takes it on: at most PENUMBRA_DEPTH darker, fading over PENUMBRA_SPAN
# neck half-widths; under the jaw's corners only, from PENUMBRA_FROM neck half-widths out from the neck's
# centre to its side.
PENUMBRA_DARK, PENUMBRA_DEPTH, PENUMBRA_SPAN = 0.7, 0.3, 0.15
PENUMBRA_FROM = 0.45
SPIKE = 0.05  # face widths: where the garment rose to their collar over fewer columns, it stays down...
# ...when what it leaves is background this narrow (face widths) between the head and the garment, which the
# outfit stage closes and fills from the head (2 x its SLIVER)
SLIVER_ACROSS = 0.04


@dataclass
class Fit:
    height: int
    width: int
    cx: float  # neck centre
    neck: float  # neck half-width
    collar_y: float  # where the neck meets the garment, at the neck's sides
    chin_y: float
    face_width: float
    left: np.ndarray  # per row: left x of the body outline (valid from collar_y down)
    right: np.ndarray
    skin: tuple  # RGB of the neck's skin
    garment_top: np.ndarray | None = None  # per column: the row where the garment begins
    hair: np.ndarray | None = None  # HxW float32: person pixels (hair) that stay in front of the outfit
    skin_like: np.ndarray | None = None  # HxW float32: the person's skin-coloured pixels (softened)
    clothes_above: np.ndarray | None = None  # HxW float32: their own clothes above the garment's top: dropped
    skin_row: np.ndarray | None = None  # Wx3: the neck's colours across, just above the collar line
    look: Look | None = None  # the photo's light, sharpness and grain (finish.py); None: a typical photo
    occluder: np.ndarray | None = (
        None  # HxW float32: the person above the garment (chin, neck), which shades it
    )
    neck_detail: np.ndarray | None = None  # the neck's fine texture, which skin drawn in a neckline takes on
    photo: np.ndarray | None = None  # HxWx3: the photo itself (its real skin shows in a neckline)
    real_skin: np.ndarray | None = None  # HxW float32: where the photo's skin may show in a neckline
    collar_cover: np.ndarray | None = (
        None  # HxW float32: their own collar on the neck, painted over with skin
    )
    neck_like: np.ndarray | None = None  # HxW bool: pixels with the colour of this neck's skin
    skin_slope: np.ndarray | None = None  # RGB change per px down the neck (carried on, fading, below it)
    skin_depth: float = 0.0  # px the person's own skin runs down the chest's centre below the collar line
    shade_skin: bool = True  # drawn neck skin shaded as a real neck is (off: flat, for measuring it)
    neck_shade: np.ndarray | None = None  # HxW float32: factor shading drawn neck skin as a real neck is
    # HxWx3 float32: the photo with what is not skin on and around the neck (their collar) filled in from the
    # skin around it (its shading: the jaw's shadow, the neck's lit side), or None
    neck_fill: np.ndarray | None = None
    beard: np.ndarray | None = None  # HxW float32: a beard below the chin (never painted over with skin)
    neck_filled: np.ndarray | None = None  # HxW float32: where neck_fill is not the photo (soft edged)
    neck_fill_near: np.ndarray | None = None  # HxW float32: how much drawn neck skin takes neck_fill's colour
    neck_behind: np.ndarray | None = None  # HxW float32: neck painted in behind their collar's rim
    coat_removed: bool = False  # a fur collar or hood framing the face left the matte (p08)
    neck_side: np.ndarray | None = None  # HxW bool: beside the neck under the jaw, where their collar stood


def _lab(rgb):
    lab = cv2.cvtColor(np.clip(rgb, 0, 255).astype(np.uint8).reshape(-1, 1, 3), cv2.COLOR_RGB2LAB)
    lab = lab.reshape(rgb.shape).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    return lab


def _distance(lab, ref, lightness_weight=0.35, chroma_weight=1.6):
    """Colour distance that forgives shading (lightness) more than a change of hue."""
    d = lab - ref
    return np.sqrt(
        (d[..., 0] * lightness_weight) ** 2
        + (chroma_weight * d[..., 1]) ** 2
        + (chroma_weight * d[..., 2]) ** 2
    )


def measure(canvas, alpha, points):
    """A Fit for a person on `canvas` (HxWx3 uint8) with matte `alpha` and face-mesh `points` (output px)."""
    h, w = alpha.shape
    fw = regions.face_width(points)
    chin_x, chin_y = (float(v) for v in points[mesh.CHIN])
    lab = _lab(canvas.astype(np.float32))
    person = alpha > PERSON
    face_skin = regions.skin_mask((h, w), points) > 0.5
    skin_ref = (
        np.median(lab[face_skin], axis=0) if face_skin.sum() > 20 else np.array([60, 15, 15], np.float32)
    )
    skin_like = (_distance(lab, skin_ref) < SKIN_DISTANCE) & person
    cx, neck = _neck(person, skin_like, chin_x, chin_y, fw)
    hair_colour, hair_attached, hair_ref = _hair_like(lab, person, points, skin_ref)
    distinct = hair_colour is not None and _hair_stands_out(
        hair_colour, skin_like, person, cx, neck, chin_y, fw
    )
    long_hair = (
        hair_ref is not None
        and _long_hair(lab, person, hair_ref, points, chin_y, cx, neck)
        and _hair_frames_face(hair_attached, points)
    )
    if hair_colour is None:
        hair = np.zeros_like(person)
    elif not long_hair:
        hair = hair_colour & (np.arange(h)[:, None] < chin_y)  # short hair: below the chin it is clothing
    elif distinct:
        hair = hair_colour  # clothes look different: every hair-coloured pixel is hair
    else:
        hair = hair_attached & (
            np.arange(h)[:, None] < chin_y
        )  # below the chin it cannot be told from clothes
    body = person & ~hair
    collar_y = _collar_line(body, skin_like, cx, neck, chin_y, fw)
    # Every person pixel below the collar line is covered (hair too: what hangs in front is put back).
    left, right = _outline(person, cx, neck, collar_y, fw)
    # Beside the neck, skin-coloured pixels are the neck's; further out they are clothing (a cream collar,
    # a beige jumper) as often as bare shoulders, and the garment covers them.
    beyond_neck = (np.abs(np.arange(w) - cx) > 1.3 * neck)[None, :]
    # Hair hangs beside the face; further out, below the chin, a dark mass is a shoulder even if it has the
    # hair's colour.
    shoulders = body | (person & (np.abs(np.arange(w) - cx) > HAIR_SPAN * fw)[None, :])
    # A fur collar framing the face is no shoulder: the garment keeps a natural shoulder line under it.
    framed_by = framing(canvas, alpha, points)
    no_mask = np.zeros((h, w), bool)
    fur = framed_by.like if framed_by is not None and not framed_by.hangs else no_mask
    garment_top, clothes_above = _garment_top(
        shoulders & (~skin_like | beyond_neck) & ~fur, points, cx, neck, collar_y, fw
    )
    skin = _skin_colour(canvas, skin_like, face_skin, cx, neck, chin_y, collar_y, fw)
    fit = Fit(h, w, cx, neck, collar_y, chin_y, fw, left, right, skin, garment_top)
    # Their own clothes standing above the garment's top (a high collar, a hood) leave the matte; only what
    # has the colours of the clothes below the collar and is not skin.
    palette = _clothes_palette(lab, body & ~skin_like, collar_y, fw)
    rows = np.arange(h)[:, None]
    near_top = (rows >= chin_y) & (rows >= garment_top[None, :] - DROP_BAND * fw)
    face = regions.polygon_mask((h, w), points, regions.FACE_OVAL) > 0
    # Skin-coloured cloth (a cream collar) out beside the neck counts as clothes unless it is clearly skin.
    clearly = skin_like & (_distance(lab, skin_ref) < REAL_SKIN * SKIN_DISTANCE)
    not_skin = np.where(beyond_neck, ~clearly, ~skin_like)
    drop = clothes_above & near_top & _clothes_coloured(lab, palette) & not_skin
    if hair_ref is not None:
        # Hair in shadow or in highlights strays far from its median colour: only what is clearly not
        # hair-coloured may go, and nothing at all beside long hair.
        drop &= _distance(lab, hair_ref, 0.7, 1.0) > 2 * HAIR_DISTANCE
        if long_hair:
            drop[:] = False
    count, labels, stats, _ = cv2.connectedComponentsWithStats(drop.astype(np.uint8), connectivity=8)
    big = stats[:, cv2.CC_STAT_AREA] >= (0.06 * fw) ** 2  # specks are shadows on the neck, not clothes
    near_neck = np.zeros(count, bool)  # a collar sits against the neck; what lies further out may be hair
    band = np.abs(np.arange(w) - cx) < 1.6 * neck
    near_neck[np.unique(labels[:, band])] = True
    keep = np.flatnonzero(big & near_neck)
    drop = np.isin(labels, keep[keep > 0])
    drop = (
        cv2.dilate(drop.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        & (alpha > 0.02)
        & ~skin_like
    )
    if not long_hair:  # (smaller than a collar's piece below the chin: only a corner of it shows there)
        drop |= _collar_at_jaw(lab, person & ~skin_like, hair_ref, palette, face, cx, neck, chin_y, garment_top, fw)
    cloth_like = ~skin_like | (~clearly & (rows > chin_y))  # below the chin a cream collar is cloth
    k = 2 * max(1, int(0.03 * fw)) + 1
    near_face = cv2.dilate(face.astype(np.uint8), np.ones((k, k), np.uint8)).astype(bool)
    # Short hair hangs nowhere beside the neck: only a beard, next to the face, is hair there.
    hair_here = None if hair_colour is None else (hair_colour if long_hair else hair_colour & near_face)
    # Beside the jaw a collar has their clothes' colour, the jaw's shadow not (when too little of their
    # clothes shows to tell, whatever is not skin).
    near_jaw = cloth_like & (_clothes_coloured(lab, palette) if palette is not None else True)
    long_hair_beside = framed_by.beside if framed_by is not None and framed_by.hangs else no_mask
    outer_jaw = _light_cloth_beside_jaw(
        lab, long_hair_beside, face_skin, person, near_face, cx, neck, chin_y, garment_top, fw
    )
    drop |= outer_jaw  # (whole: lying between the hair and the face, it is no helmet's ring reaching out)
    drop |= _collar_beside_neck(
        person,
        cloth_like | outer_jaw,
        near_jaw | outer_jaw,
        hair_here,
        face,
        (cx, chin_x),
        neck,
        chin_y,
        fw,
        garment_top,
    )
    fur_drop = _fur_beside_face(fur, lab, points, alpha, face, cx, neck, garment_top, fw)
    drop |= fur_drop
    drop |= _islands(person, drop, garment_top, face, neck)
    # Where their collar stood up around the neck, the garment's collar stands as high (no background
    # under the jaw); the top line is the fit's from here on.
    # (their collar there: what leaves the matte, and cloth clearly lighter than the skin, a white collar
    # whose colour their clothes below did not show)
    not_hair = ~hair_here if hair_here is not None else ~no_mask
    light_collar = person & cloth_like & not_hair & (lab[..., 0] > skin_ref[0] + LIGHT_COLLAR) & ~face
    # Not where long hair hangs beside the jaw: a collar between it and the jaw lies under the hair, and a
    # garment standing up there cut across the hair (p15).
    # Nor to a fur collar: it framed the face, it did not stand around the neck, and a garment rising to it
    # stood up to the jaw on the side the head is turned to only (p08's coat was lopsided).
    stood = no_mask if long_hair_beside.any() else (drop & ~fur_drop) | light_collar
    natural_top = garment_top
    whole_side = None  # (where the garment stood higher than a collar, before it is kept to a neck's width)
    garment_top, meets = _stand_to_collar(stood, alpha, face, cx, neck, chin_y, natural_top, fw)
    if _turned_up(garment_top, cx, neck, collar_y):
        # (raised closer to the neck only: the neck's side drawn out to STAND_REACH's wider fade flared
        # into the shoulders)
        garment_top, meets = _stand_to_collar(stood, alpha, face, cx, neck, chin_y, natural_top, fw, TURNED_REACH)
        garment_top, meets, fit.neck_side = _collar_height(
            garment_top, natural_top, meets, face, cx, neck, collar_y, fw
        )
        if fit.neck_side is not None:
            # No wider than a neck, its sides straight down under the jaw (drawn out to where their collar
            # stood, p12's read as two wedges running out under the jaw); beyond, their collar leaves the
            # matte (its rim stayed as grey-blue lines by p12's jaw).
            column = (np.abs(np.arange(w) - cx) < NECK_HALF * fw)[None, :]
            beyond = fit.neck_side & ~column
            # (from a pixel inside: the neck's edge stands on the background, not on their collar's rim)
            drop |= cv2.dilate(beyond.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~face
            whole_side, fit.neck_side = fit.neck_side, fit.neck_side & column
    garment_top, meets = _without_spikes(garment_top, natural_top, meets, person & ~drop, fw)
    fit.garment_top = garment_top
    fit.coat_removed = bool(fur_drop.any())
    fit.clothes_above = cv2.GaussianBlur(drop.astype(np.float32), (0, 0), 0.8)
    fit.skin_like = cv2.GaussianBlur(skin_like.astype(np.float32), (0, 0), 1.0)
    # (the jaw's own shadow is no collar: painted over, what was left of it stood as a dark spot, p12)
    their_cloth = (near_jaw & not_hair & ~_skin_in_shadow(lab, skin_ref)) | light_collar
    fit.neck_behind = _neck_behind(
        alpha, fit.clothes_above, their_cloth, face, cx, neck, chin_y, garment_top, meets, fw
    )
    if fit.neck_side is not None:  # (drawn as the neck's skin, shaded as its side turned from the light)
        # (soft against the jaw; solid out to its sides, whose collar beyond left the matte)
        side = cv2.GaussianBlur(whole_side.astype(np.float32), (0, 0), 0.7) * fit.neck_side
        fit.neck_behind = side if fit.neck_behind is None else np.maximum(fit.neck_behind, side)
    fit.neck_like = _like_the_neck(lab, skin_like, cx, neck, chin_y, collar_y)
    fit.skin_depth = _skin_depth(fit.neck_like, cx, neck, collar_y)
    fit.skin_row = _skin_row(canvas, clearly, cx, neck, collar_y + fit.skin_depth, skin)
    fit.skin_slope = _skin_slope(canvas, fit.neck_like, cx, neck, chin_y, collar_y + fit.skin_depth)
    hair = hair_in_front(canvas, alpha, points, cx, neck, collar_y)
    hair *= 1 - fit.clothes_above  # their collar that leaves the matte is not kept in front as hair either
    if hair.max() > 0.5:
        # (nor light cloth taken in with the strands' lower ends at the garment's top: p15's cream collar
        # stood between them and the garment as a light patch with their collar's rim)
        hair *= 1 - _light_under_hair(lab, hair, cx, neck, chin_y - JAW_RISE * fw, garment_top)
    fit.hair = hair if hair.max() > 0.5 else None
    clothes = body & ~skin_like & (rows > collar_y + 0.1 * fw)
    if fit.hair is not None:
        clothes &= fit.hair < 0.1
    fit.look = measure_look(canvas, points, clothes, face_skin)
    fit.occluder = (person & (rows < garment_top[None, :])).astype(np.float32)
    fit.photo = canvas
    fit.beard = _beard(
        lab, face, skin_like, hair_ref, skin_ref[0], cx, neck, chin_y, float(points[17][1]), fw
    )
    # (the chin's skin where their collar hides the neck, unless a beard or stubble grows there: its grain
    # laid over drawn skin read as cracked skin, p03)
    fit.neck_detail = neck_texture(canvas, skin_like, cx, neck, collar_y, chin_y if fit.beard is None else None)
    fit.collar_cover = _collar_on_neck(
        lab, person, skin_like, cloth_like, face, hair_ref, skin_ref[0], cx, neck, chin_y, garment_top, fw
    )
    fit.neck_fill, fit.neck_filled, fit.neck_fill_near = _neck_filled(
        canvas, fit.neck_like, skin_like, face, cx, neck, chin_y, collar_y, fw
    )
    # Well inside the skin only: at its rim the photo shows the edge of their own clothes.
    k = 2 * max(1, round(0.12 * neck)) + 1
    # and only of the neck's own colour (a cream collar passes for skin-like, not for this neck's skin).
    solid = cv2.erode(fit.neck_like.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    solid = _connected_to(solid, cx, collar_y - 0.3 * neck)  # the neck's own skin, not a hand before it
    solid = _holes_filled(
        solid
    )  # a highlight or a mole inside it is theirs too (drawn skin there is a blotch)
    # Blended in over a good part of a neck's width: drawn and real skin differ a little in tone, and a soft
    # change reads as the chest's own shading where a sharp one would be a seam.
    fit.real_skin = cv2.GaussianBlur(solid.astype(np.float32), (0, 0), max(1.0, REAL_BLEND * neck)) * solid
    real_end = collar_y + _skin_depth(solid > 0, cx, neck, collar_y)
    if real_end > collar_y + 0.3 * neck:
        # Drawn skin goes on from where the photo's own stops: its colours are taken there, from the skin
        # that shows (so the two meet without a step in tone).
        fit.skin_row = _skin_row(canvas, solid > 0, cx, neck, real_end, skin)
    lower_face = face_skin & (rows > points[mesh.NOSE_TIP][1])  # the cheeks and chin below the nose
    if lower_face.sum() > 20:
        face_ab = np.median(lab[lower_face][:, 1:], axis=0)
        fit.skin = tuple(float(v) for v in _face_hue(np.asarray(skin, np.float32)[None], face_ab)[0])
        if fit.skin_row is not None:
            fit.skin_row = _face_hue(fit.skin_row, face_ab)
    own_neck = (fit.neck_like & (rows > chin_y)).astype(np.float32)
    fit.neck_shade = _neck_shade((h, w), cx, neck, chin_y, collar_y, fit.look.light, own_neck)
    if fit.neck_side is not None:
        # Beside the neck under the jaw (where it is drawn: their collar stood there) the neck's side, as light
        # as real necks' sides measure (p09: 0.77-0.79 of their middle), in the jaw's shadow; the model's
        # turned side (NECK_AMBIENT) made all of that skin read as a shadow, a flat lift of it as paint.
        kept = (alpha > PERSON) & (fit.clothes_above < 0.5) & (rows < garment_top[None, :]) & ~fit.neck_side
        if fit.collar_cover is not None:  # (the head kept above the garment, not their collar painted over)
            kept &= fit.collar_cover < 0.5
        background = (alpha <= PERSON) | (fit.clothes_above >= 0.5)
        background &= (rows < garment_top[None, :]) & ~fit.neck_side
        weight, shade = _side_in_shadow(kept, background, cx, neck, chin_y, collar_y, fw)
        fit.neck_shade += weight * (shade - fit.neck_shade)
        # The jaw's shadow that stays runs on into the skin drawn next to it, fading (its edge against the
        # drawn skin was their collar's edge: a short dark stroke across p12's neck under his jaw).
        if fit.beard is not None:
            kept &= fit.beard < 0.5
        shadow = kept & _skin_in_shadow(lab, skin_ref)
        fit.neck_shade *= _penumbra(canvas, shadow, fit.skin, cx, neck, chin_y, fw)
    return fit


def _penumbra(canvas, shadow, skin, cx, neck, chin_y, fw):
    """Factor (HxW) darkening skin drawn next to the jaw's shadow that stays (`shadow`: the photo's warm
    shade under the jaw, HxW bool), as that shadow falls on a neck: as dark as its median next to it
    (at most PENUMBRA_DEPTH darker than the skin), fading over PENUMBRA_SPAN neck half-widths. Only under
    the jaw's corners, on the neck's front out from PENUMBRA_FROM neck half-widths (beside it,
    fit._side_in_shadow shades the neck's side; in its middle the drawn neck continues the photo's own: a
    crease under p09's chin darkened it around as a blotch)."""
    h, w = shadow.shape
    rows = np.arange(h)[:, None]
    dx = np.abs(np.arange(w) - cx)[None, :]
    lum = canvas.astype(np.float32) @ np.float32([0.299, 0.587, 0.114])
    skin_lum = float(np.dot(np.asarray(skin, np.float32), [0.299, 0.587, 0.114]))
    shadow = shadow & (lum < PENUMBRA_DARK * skin_lum) & (dx < NECK_HALF * fw) & (rows > chin_y - JAW_RISE * fw)
    if shadow.sum() < 4:
        return np.ones((h, w), np.float32)
    depth = float(np.clip(1 - np.median(lum[shadow]) / max(skin_lum, 1.0), 0, PENUMBRA_DEPTH))
    away = cv2.distanceTransform((~shadow).astype(np.uint8), cv2.DIST_L2, 5)
    corners = np.clip((dx / neck - PENUMBRA_FROM) / 0.15, 0, 1) * np.clip((1 - dx / neck) / 0.15, 0, 1)
    return (1 - depth * np.exp(-away / (PENUMBRA_SPAN * neck)) * corners).astype(np.float32)


def _side_in_shadow(kept, background, cx, neck, chin_y, collar_y, fw):
    """How skin drawn beside the neck under the jaw is shaded: (weight, factor), HxW each. The factor is the
    neck's side (SIDE_LIGHT of the lit front) in the jaw's shadow, darkest next to the jaw (the head kept
    above the garment, `kept`) and fading away from it, and darker along its outline against the
    `background` (what shows it after dressing: the neck turning away). The weight fades in across from the
    neck's front (whose shade under the chin is the cylinder's and JAW_SHADE's) and out below the collar
    line (the chest); both smooth."""
    h, w = kept.shape
    rows = np.arange(h, dtype=np.float32)[:, None]
    dx = np.abs(np.arange(w) - cx)[None, :]
    # (how far from the head: the jaw's outline runs down and out beside the neck, so by distance, not rows)
    below = cv2.distanceTransform((~kept).astype(np.uint8), cv2.DIST_L2, 5)
    inward = cv2.distanceTransform((~background).astype(np.uint8), cv2.DIST_L2, 5)
    jaw = 1 - SIDE_JAW_DARK * np.exp(-below / (SIDE_JAW_DEPTH * neck))
    edge = 1 - SIDE_EDGE_DARK * np.exp(-inward / (SIDE_EDGE_SPAN * neck))
    soft = max(1.0, 0.15 * neck)
    across = np.clip((dx - 0.95 * neck) / (0.3 * neck), 0, 1) * (dx < TURNED_REACH[1] * neck)
    down = np.clip((collar_y + 0.5 * neck - rows) / (0.5 * neck), 0, 1) * (rows >= chin_y - JAW_RISE * fw)
    weight = cv2.GaussianBlur((across * down * ~kept).astype(np.float32), (0, 0), soft)
    # (the side as light on average as SIDE_LIGHT: the shadow shades it, it does not darken the neck)
    zone = (weight > 0.5) & ~background & (rows < collar_y)
    mean = float((jaw * edge)[zone].mean()) if zone.any() else 1.0
    shade = np.minimum(SIDE_LIGHT * jaw * edge / mean, 1.0)  # (never lighter than the lit front)
    shade = cv2.GaussianBlur(shade.astype(np.float32), (0, 0), soft)
    return weight, shade


def _fur_beside_face(fur, lab, points, alpha, face, cx, neck, garment_top, fw):
    """A fur collar or a hood framing the face (HxW bool): when what frames it beside the cheeks does not
    hang in strands (hair.py), it is their coat, and nothing of the person beside the face from the nose
    down to the garment, out beyond the neck and clear of the face (a beard), is hair or skin (p08's fur
    collar stood beside his face above any outfit). Above the nose it gives way over FUR_FADE face widths
    tuft by tuft, the lighter ones first (dark hair stays longest): a row cut straight across the fur
    showed as a horizontal line on the background. The matte's soft fringe around what goes goes too (it
    stood as ghostly outlines of tufts on the background)."""
    h, w = alpha.shape
    if not fur.any():
        return fur
    rows = np.arange(h)[:, None]
    k = 2 * max(1, round(FUR_CLEAR * fw)) + 1
    near_face = cv2.dilate(face.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    nose_y = float(points[mesh.NOSE_TIP][1])
    band_top = nose_y - FUR_FADE * fw
    zone = (rows > band_top) & (rows < garment_top[None, :] + 2) & (near_face == 0)
    zone &= (np.abs(np.arange(w) - cx) > JAW_CLEAR * neck)[None, :]
    fringe = zone & (alpha > 0.02) & (alpha <= PERSON)
    zone &= alpha > PERSON
    if not zone.any():
        return zone
    lightness = cv2.GaussianBlur(lab[..., 0], (0, 0), 1.0)
    dark, light = np.percentile(lightness[zone], (2, 98))
    # In the band a pixel goes when it is lighter than a threshold falling from the lightest to the darkest
    # down the band; below the nose everything goes.
    t = np.clip((rows - band_top) / max(1.0, nose_y - band_top), 0, 1)
    goes = lightness > light - (light - dark + 1) * t
    drop = zone & goes
    # A kept speck among dropped fur would float: kept only in pieces of some size.
    kept = (zone & ~drop).astype(np.uint8)
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(kept, connectivity=8)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < (0.03 * fw) ** 2)
    drop |= np.isin(labels, small[small > 0]) & (kept > 0)
    near = cv2.dilate(drop.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    return drop | (fringe & (near | (t >= 1)))


def _beard(lab, face, skin_like, hair_ref, skin_l, cx, neck, chin_y, lip_y, fw):
    """A beard below the chin (HxW float32, softened; None without one): hair-coloured, darker than the skin,
    on the neck's column and hanging together with the face. Skin drawn in a neckline never covers it."""
    if hair_ref is None:
        return None
    h, w = face.shape
    rows, dx = np.arange(h)[:, None], np.abs(np.arange(w) - cx)[None, :]
    dark_hair = (_distance(lab, hair_ref, 0.7, 1.0) < 1.5 * HAIR_DISTANCE) & (lab[..., 0] < skin_l)
    chin = face & (rows > lip_y) & (rows < chin_y)
    # A beard covers the chin itself, in the hair's colour and not the skin's.
    bearded = (_distance(lab, hair_ref, 0.7, 1.0) < HAIR_DISTANCE) & ~skin_like
    if chin.sum() < 20 or bearded[chin].mean() < BEARD_SHARE:
        return None
    below = dark_hair & (rows > chin_y - 0.1 * fw) & (rows < chin_y + BEARD_DROP * fw) & (dx < 1.25 * neck)
    attached = _connected_to((below | face).astype(np.uint8), cx, chin_y - 0.05 * fw) & below
    if attached.sum() < (0.03 * fw) ** 2:
        return None
    return cv2.GaussianBlur(attached.astype(np.float32), (0, 0), 0.8)


def _light_cloth_beside_jaw(lab, hair, face_skin, person, near_face, cx, neck, chin_y, garment_top, fw):
    """Skin-coloured cloth standing beside the jaw (HxW bool): out there, beyond the neck, the person shows
    only hair or clothes, so where the long hair hanging beside the cheeks is clearly darker than the face,
    what is well lighter than that hair there is a collar (p15's cream collar wings between her hair and her
    jaw). Nothing when the hair is about as light as the skin (fair hair cannot be told from a cream collar)."""
    h, w = person.shape
    if hair.sum() < 30:
        return np.zeros((h, w), bool)
    skin_l = np.median(lab[face_skin][:, 0]) if face_skin.any() else 0.0
    hair_l = np.median(lab[hair][:, 0])
    if skin_l - hair_l < LIGHT_GAP:
        return np.zeros((h, w), bool)
    rows = np.arange(h)[:, None]
    # (from beside the jaw down to the garment: below the chin the collar lies on the shoulders)
    zone = (rows < garment_top[None, :] + 1) & (rows >= chin_y - JAW_RISE * fw) & ~near_face
    zone &= (np.abs(np.arange(w) - cx) > JAW_CLEAR * neck)[None, :]
    # and only between the hair and the face: on a side where hair hangs beside the jaw, no further out
    # than its outer edge there (where none hangs, a light piece there may be the neck's side).
    xs = np.arange(w)
    beside_jaw = hair[int(np.clip(chin_y - JAW_RISE * fw, 0, h)) : int(np.clip(chin_y, 0, h))].any(axis=0)
    hair_out = np.zeros(w, bool)
    left, right = np.flatnonzero(beside_jaw & (xs < cx)), np.flatnonzero(beside_jaw & (xs > cx))
    if left.size:
        hair_out |= (xs > left.min()) & (xs < cx)
    if right.size:
        hair_out |= (xs < right.max()) & (xs > cx)
    hair_out = hair_out[None, :]
    light = person & zone & hair_out & (lab[..., 0] > hair_l + LIGHTER * (skin_l - hair_l))
    # Not single light pixels, and only pieces that stand against the jaw or the neck, as a collar does (a
    # highlight out in the hair does not).
    reach = 2 * max(1, round(COLLAR_GAP * fw)) + 1
    against = cv2.dilate(near_face.astype(np.uint8), np.ones((reach, reach), np.uint8)).astype(bool)
    against |= (np.abs(np.arange(w) - cx) < (JAW_CLEAR * neck + COLLAR_GAP * fw))[None, :]
    light = cv2.morphologyEx(light.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    _count, labels = cv2.connectedComponents(light, connectivity=8)
    touching = np.unique(labels[against & (light > 0)])
    return np.isin(labels, touching[touching > 0])


def _neck_filled(canvas, neck_like, skin_like, face, cx, neck, chin_y, collar_y, fw):
    """The photo (HxWx3 float32) with what is neither the neck's skin nor the face on and around the neck (their collar,
    its edge and the shadow it casts) filled in from the skin around it, so skin drawn over their collar
    carries the neck's own light and shade down from the jaw instead of one flat colour (which left their
    collar's edges as faint lines where the drawn and the real neck met), and where it was filled in (HxW
    float32, soft edged) and how near the real skin each pixel is (1 at it, 0 from FILL_REACH neck
    half-widths in); (None, None, None) when the neck shows no skin."""
    h, w = neck_like.shape
    y0, y1 = int(np.clip(chin_y - 0.05 * fw, 0, h)), int(np.clip(collar_y + 2.0 * neck, 0, h))
    x0, x1 = int(np.clip(cx - 1.8 * neck, 0, w)), int(np.clip(cx + 1.8 * neck + 1, 0, w))
    if y1 - y0 < 4 or x1 - x0 < 4:
        return None, None, None
    # The face's skin (the jaw) counts, not its beard or the shadow under the chin, which filled in would
    # lay a grey band across the neck.
    known = (neck_like | (face & skin_like))[y0:y1, x0:x1]
    band = known[: max(1, int(collar_y - y0)), int(cx - x0 - 0.5 * neck) : int(cx - x0 + 0.5 * neck) + 1]
    if band.size == 0 or band.mean() < 0.3:
        return None, None, None
    # Their collar's anti-aliased rim goes too (it is neither skin nor cloth in colour).
    unknown = cv2.dilate((~known).astype(np.uint8), np.ones((3, 3), np.uint8))
    window = np.clip(canvas[y0:y1, x0:x1], 0, 255).astype(np.uint8)
    filled = cv2.inpaint(window, unknown, max(3.0, 0.1 * neck), cv2.INPAINT_TELEA)
    out = canvas.astype(np.float32).copy()
    out[y0:y1, x0:x1] = filled
    where = np.zeros((h, w), np.float32)
    where[y0:y1, x0:x1] = cv2.dilate(unknown, np.ones((3, 3), np.uint8)) * ~face[y0:y1, x0:x1]
    # Its colours count next to the real skin (so the two meet without a seam); further in, the drawn neck
    # takes the neck's colour across (a wide collar's fill carried the jaw's shadow far down).
    # (near the neck's own skin only: the jaw above is lit as a face is, the neck under it is in its shadow)
    inside = cv2.distanceTransform(unknown | face[y0:y1, x0:x1].astype(np.uint8), cv2.DIST_L2, 3)
    near = np.zeros((h, w), np.float32)
    near[y0:y1, x0:x1] = np.where(unknown > 0, np.clip(1 - inside / (FILL_REACH * neck), 0, 1), 1)
    return out, cv2.GaussianBlur(where, (0, 0), 0.7) * (where > 0), near


def _light_under_hair(lab, hair, cx, neck, top, garment_top):
    """Light cloth in the hair kept in front (`hair`) at the garment's top (HxW float32, soft): beside the
    neck (beyond a neck half-width), from `top` (a row) to half a neck half-width below the garment's top
    line, 1.5 LIGHT_GAP lighter than the hair's median, in pieces that begin no higher than LIGHT_REACH above
    the garment's top (a light strand reaching down from higher up is hair)."""
    h, w = hair.shape
    if not (hair > 0.8).any():
        return np.zeros((h, w), np.float32)
    rows, dx = np.arange(h)[:, None], np.abs(np.arange(w) - cx)[None, :]
    hair_l = float(np.median(lab[..., 0][hair > 0.8]))
    zone = (rows > top) & (rows < garment_top[None, :] + 0.5 * neck) & (dx > neck)
    light = zone & (hair > 0.3) & (lab[..., 0] > hair_l + 1.5 * LIGHT_GAP)
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(light.astype(np.uint8), connectivity=8)
    left, width = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_WIDTH]
    highest = np.array([garment_top[x : x + n].min() if n else h for x, n in zip(left, width)])
    keep = np.flatnonzero(stats[:, cv2.CC_STAT_TOP] >= highest - LIGHT_REACH * neck)
    light = np.isin(labels, keep[keep > 0])
    light = cv2.dilate(light.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & zone
    return cv2.GaussianBlur(light.astype(np.float32), (0, 0), 0.8)


def _skin_in_shadow(lab, skin_ref):
    """Pixels (HxW bool) darker than the skin with its hue: within SHADOW_HUE degrees of it and of some
    chroma (a navy or black collar has little, and a cool hue)."""
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    hue = np.degrees(np.arctan2(lab[..., 2], lab[..., 1]))
    off = np.abs((hue - np.degrees(np.arctan2(skin_ref[2], skin_ref[1])) + 180) % 360 - 180)
    return (lab[..., 0] < skin_ref[0]) & (off < SHADOW_HUE) & (chroma > SHADOW_CHROMA)


def _face_hue(colours, face_ab):
    """RGB colours (Nx3) whose hue strays from the face's (Lab a, b of the lower cheeks) turned toward it,
    lightness kept: the green a yellow shirt casts on the lower neck is the shirt's, gone with it."""
    lab = cv2.cvtColor(np.clip(colours, 0, 255).astype(np.float32)[None] / 255.0, cv2.COLOR_RGB2LAB)[0]
    hue = np.degrees(np.arctan2(lab[:, 2], lab[:, 1]))
    off = np.abs((hue - np.degrees(np.arctan2(face_ab[1], face_ab[0])) + 180) % 360 - 180)
    t = np.clip((off - CAST_HUE[0]) / (CAST_HUE[1] - CAST_HUE[0]), 0, 1)[:, None]
    lab[:, 1:] += t * (np.asarray(face_ab, np.float32) - lab[:, 1:])
    return (cv2.cvtColor(lab[None], cv2.COLOR_LAB2RGB)[0] * 255.0).astype(np.float32)


def _collar_on_neck(
    lab, person, skin_like, cloth_like, face, hair_ref, skin_l, cx, neck, chin_y, garment_top, fw
):
    """Their own collar where it closes over the neck (from the chin down to the garment's top; beside the
    jaw it leaves the matte instead, see _collar_beside_neck): neither skin, face nor hair-coloured (a beard under the chin stays). The outfit paints the neck over it."""
    h, w = person.shape
    rows = np.arange(h)[:, None]
    dx = np.abs(np.arange(w) - cx)[None, :]
    # At the neck's sides a cream collar counts as cloth; in its middle only what is not skin-coloured (the
    # neck's own shadows stay).
    cloth = np.where(dx < 0.9 * neck, ~skin_like, cloth_like)
    collar = person & cloth & ~face & (rows >= chin_y + 0.02 * fw) & (rows <= garment_top[None, :] + 1)
    collar &= dx < 1.25 * neck
    if hair_ref is not None:  # a beard: hair-coloured and darker than the skin (a white collar is neither)
        collar &= ~((_distance(lab, hair_ref, 0.7, 1.0) < 1.5 * HAIR_DISTANCE) & (lab[..., 0] < skin_l))
    if collar.sum() < (0.03 * fw) ** 2:
        return None
    grown = cv2.dilate(collar.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(np.float32)
    return cv2.GaussianBlur(grown, (0, 0), 0.8)


def _holes_filled(mask):
    """A uint8 mask with what it encloses added (what the outside cannot reach)."""
    h, w = mask.shape
    outside = np.pad(mask, 1).astype(np.uint8)
    flood = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(outside, flood, (0, 0), 1)
    return (mask | (outside[1:-1, 1:-1] == 0)).astype(np.uint8)


def _connected_to(mask, x, y):
    """The part of a uint8 mask connected to the pixel (x, y) (all zeros if that pixel is not in it)."""
    h, w = mask.shape
    _count, labels = cv2.connectedComponents(mask, connectivity=8)
    label = labels[int(np.clip(y, 0, h - 1)), int(np.clip(x, 0, w - 1))]
    return ((labels == label) & (label > 0)).astype(np.uint8)


def _like_the_neck(lab, skin_like, cx, neck, chin_y, collar_y):
    """Skin-coloured pixels that have the colour of this neck (a cream blouse is skin-coloured next to the
    face's colour, but not next to the neck's own)."""
    h, w = skin_like.shape
    rows = np.arange(h)[:, None]
    dx = np.abs(np.arange(w) - cx)[None, :]
    band = skin_like & (rows >= chin_y + 0.2 * neck) & (rows < collar_y) & (dx < 0.6 * neck)
    if band.sum() < 30:
        return skin_like
    return skin_like & (_distance(lab, np.median(lab[band], axis=0)) < NECK_TONE * SKIN_DISTANCE)


def _skin_depth(skin_like, cx, neck, collar_y):
    """How far (px) the person's own skin runs down the chest's centre column below the collar line: an
    open neckline of theirs shows real skin there."""
    h, w = skin_like.shape
    x0, x1 = int(np.clip(cx - 0.3 * neck, 0, w)), int(np.clip(cx + 0.3 * neck + 1, 0, w))
    y0 = int(np.clip(collar_y, 0, h))
    column = skin_like[y0:, x0:x1].mean(axis=1) > 0.7 if x1 > x0 else np.zeros(0, bool)
    ends = np.flatnonzero(~column)
    return float(ends[0] if ends.size else column.size)


def _collar_line(body, skin_like, cx, neck, chin_y, fw):
    """Where the garment meets the neck: where the person's own clothes begin on the neck (skin stops), but
    not lower than about halfway down to the shoulders, and never hiding the neck entirely."""
    h = body.shape[0]
    low, high = chin_y + COLLAR_DROP[0] * fw, chin_y + COLLAR_DROP[1] * fw
    shoulders_y = _shoulders_start(body, cx, neck, chin_y, fw)
    line = min(high, chin_y + 0.45 * (shoulders_y - chin_y))
    # The person's own clothes begin where, across the neck's width, non-skin person pixels take over; our
    # collar stands a little above its line at the neck's sides, so it hides their collar too.
    x0, x1 = int(max(0, cx - neck)), int(cx + neck) + 1
    clothes = (body & ~skin_like)[:, x0:x1].mean(axis=1) if x1 > x0 else np.zeros(h)
    for y in range(int(chin_y + 0.04 * fw), int(min(h - 3, line))):
        if clothes[y : y + 3].min() > CLOTHES_FRACTION:
            line = y + 0.3 * neck
            break
    return float(np.clip(line, low, high))


def _row_run(row_mask, x):
    """(start, end) of the run of True in a 1-D mask that contains x (or the nearest run), or None."""
    idx = np.flatnonzero(row_mask)
    if idx.size == 0:
        return None
    x = int(np.clip(round(x), 0, row_mask.size - 1))
    if not row_mask[x]:
        x = int(idx[np.argmin(np.abs(idx - x))])
    start = x
    while start > 0 and row_mask[start - 1]:
        start -= 1
    end = x
    while end < row_mask.size - 1 and row_mask[end + 1]:
        end += 1
    return start, end + 1


def _neck(person, skin_like, chin_x, chin_y, fw):
    """(centre x, half-width) of the neck below the chin: the median skin-coloured run over a few rows (the
    chin's shadow closed over), else the matte's run, else a typical neck."""
    h = person.shape[0]
    low, high = NECK_RANGE[0] * fw, NECK_RANGE[1] * fw
    k = 2 * int(0.03 * fw) + 1
    closed = (
        cv2.morphologyEx(
            skin_like.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        )
        > 0
    )
    for mask in (closed, person):
        runs = []
        for y in range(int(chin_y + 0.06 * fw), int(min(h, chin_y + NECK_PROBE * 2 * fw))):
            run = _row_run(mask[y], chin_x)
            if run and low <= run[1] - run[0] <= high and abs((run[0] + run[1]) / 2 - chin_x) < 0.2 * fw:
                runs.append(run)
        if len(runs) >= 3:
            runs = np.array(runs, np.float32)
            return float(np.median(runs.mean(axis=1))), float(np.median(runs[:, 1] - runs[:, 0])) / 2
    return chin_x, NECK_DEFAULT * fw / 2


def _shoulders_start(body, cx, neck, chin_y, fw):
    h = body.shape[0]
    start = int(np.clip(chin_y + NECK_PROBE * fw, 0, h - 1))
    for y in range(start, h):
        run = _row_run(body[y], cx)
        if run and run[1] - run[0] >= SHOULDER_START * 2 * neck:
            return float(y)
    return chin_y + 0.6 * fw  # shoulders below the canvas (or not in the matte): assume a typical neck


def _outline(body, cx, neck, collar_y, fw):
    """Left/right body edges per row from collar_y down: the matte's outline, made monotone (shoulders do
    not narrow downward), smoothed, padded, and never narrower than a typical shoulder line."""
    h, _w = body.shape
    ys = np.arange(h, dtype=np.float32)
    left = np.full(h, np.inf, np.float32)
    right = np.full(h, -np.inf, np.float32)
    start = int(np.clip(collar_y, 0, h - 1))
    for y in range(start, h):
        cols = np.flatnonzero(body[y])
        if cols.size:
            left[y], right[y] = cols[0], cols[-1] + 1
    left[start:] = np.minimum.accumulate(left[start:])
    right[start:] = np.maximum.accumulate(right[start:])
    default_half = typical_half_width(ys, neck, collar_y, fw)
    left = np.minimum(np.where(np.isfinite(left), left - OUTLINE_PAD, cx - neck), cx - default_half)
    right = np.maximum(np.where(np.isfinite(right), right + OUTLINE_PAD, cx + neck), cx + default_half)
    return _smooth(left, fw), _smooth(right, fw)


def _smooth(values, fw, size=0.06):
    k = max(3, int(size * fw) | 1)
    padded = np.pad(values, k // 2, mode="edge")
    return np.convolve(padded, np.ones(k, np.float32) / k, mode="valid").astype(np.float32)


def typical_half_width(ys, neck, collar_y, fw):
    """Half-width of a typical body per row: the neck, the shoulder line rounding over to the shoulder points,
    then the arms flaring out a little."""
    drop = SHOULDER_DROP * fw
    t = np.clip((ys - collar_y) / drop, 0, 1)
    shoulders = neck + (MIN_SHOULDER_HALF * fw - neck) * (1 - (1 - t) ** SHOULDER_ROUND)
    return shoulders + ARM_FLARE * np.clip(ys - collar_y - drop, 0, None)


def default_slope(width, cx, neck, collar_y, fw):
    """Per column, the height of a typical shoulder line: level with the collar line across the neck, then
    falling to the shoulder points (the inverse of the outline's default half-width)."""
    dx = np.abs(np.arange(width, dtype=np.float32) - cx)
    span = max(1.0, MIN_SHOULDER_HALF * fw - neck)
    u = np.clip((dx - neck) / span, 0, 1)
    t = 1 - (1 - u) ** (1 / SHOULDER_ROUND)
    return (collar_y + t * SHOULDER_DROP * fw).astype(np.float32)


def _garment_top(body, points, cx, neck, collar_y, fw):
    """Per column, where the garment begins: a typical shoulder line, raised to the top of the person's own
    clothes or shoulders where those rise higher (`body` holds no skin and no hair). A column is raised only
    where the body is solid from there down to the typical line, so ears and stray hair above a gap do not
    count."""
    h, w = body.shape
    slope = default_slope(w, cx, neck, collar_y, fw)
    top = np.minimum(slope, h + 2)
    y_end = int(np.clip(slope.max(), 0, h))
    y_start = int(np.clip(points[mesh.NOSE_TIP][1], 0, y_end))  # from the nose tip down
    if y_end - y_start < 2:
        return top, np.zeros_like(body)
    head = regions.polygon_mask((h, w), points, regions.FACE_OVAL)
    k = 2 * int(0.03 * fw) + 1
    head = cv2.dilate(head, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
    candidate = body & ~head
    candidate[:, np.abs(np.arange(w) - cx) <= 0.5 * neck] = False
    solid = np.ones(w, bool)
    found = top.copy()
    for y in range(y_end - 1, y_start - 1, -1):
        below_line = y >= slope
        solid &= candidate[y] | below_line
        raise_here = solid & ~below_line
        found[raise_here] = y
    found = cv2.medianBlur(found.reshape(1, -1), 5).ravel() if w >= 5 else found
    # Raised at most a little: taller things (a fur collar, a space suit's ring) are dropped from the matte
    # instead (see clothes_above), so the garment keeps a natural shoulder line.
    # Out at the shoulders (beyond the hair beside the face) the garment follows their real shoulders higher.
    dx = np.abs(np.arange(w, dtype=np.float32) - cx)
    cap = MAX_RAISE + (SHOULDER_RAISE - MAX_RAISE) * np.clip((dx - HAIR_SPAN * fw) / (0.4 * fw), 0, 1)
    found = np.maximum(_smooth(found, fw, 0.1), slope - cap * fw)
    # Smoothed again after the cap, so where the raise starts or is capped there is no step in the line.
    top = np.minimum(_smooth(np.minimum(found, top), fw, 0.2), top)
    rows = np.arange(h, dtype=np.float32)[:, None]
    above = (
        candidate & (rows < top[None, :] + 1) & (rows >= y_start)
    )  # solid or not: a photo may end below it
    return top, above


def _collar_at_jaw(lab, not_skin, hair_ref, palette, face, cx, neck, chin_y, garment_top, fw):
    """Their collar standing up to the jaw's corner beside the neck (HxW bool), above the chin's height too
    where the chin is low (p11's light-grey shirt collar was a wedge between the jaw and the new collar, with
    the dark lines of its folds): pieces of the person that are not skin, out beside the neck and off the
    face, within DROP_BAND above the garment's top and touching it, mostly not hair-coloured (a beard's
    edge or a sideburn stays)."""
    h, w = not_skin.shape
    rows = np.arange(h)[:, None]
    k = 2 * max(1, int(JAW_COLLAR_OFF * fw)) + 1
    off_face = cv2.dilate(face.astype(np.uint8), np.ones((k, k), np.uint8)) == 0
    dx = np.abs(np.arange(w) - cx)[None, :]
    top = garment_top[None, :]
    zone = (dx > neck) & (dx < COLLAR_REACH * neck) & (rows >= top - DROP_BAND * fw) & (rows < top)
    pieces = not_skin & off_face & zone
    hair_d = None if hair_ref is None else _distance(lab, hair_ref, 0.7, 1.0)
    if hair_d is not None and palette is not None:
        # (not their dark jacket out at the shoulder, which the garment covers: it joined the collar)
        pieces &= ~(_clothes_coloured(lab, palette) & (hair_d < 2 * HAIR_DISTANCE))
    count, labels, stats, centres = cv2.connectedComponentsWithStats(pieces.astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    keep[np.unique(labels[pieces & (rows >= top - 2)])] = True
    area = stats[:, cv2.CC_STAT_AREA]
    # (a corner of a collar, not their jacket beside the neck: taken, p12's at 413x531, the garment stood up
    # over the jaw's shadow beside his neck)
    keep &= (area >= (JAW_COLLAR_AREA * fw) ** 2) & (area <= (JAW_COLLAR_MAX * fw) ** 2)
    keep &= centres[:, 1] < chin_y  # (lying mostly above the chin's height, where nothing else drops them)
    keep[0] = False
    if hair_d is not None:
        hairy = np.bincount(labels.ravel(), (hair_d < HAIR_DISTANCE).ravel(), count)
        keep &= hairy <= JAW_COLLAR_HAIR * stats[:, cv2.CC_STAT_AREA]
    # (with its rim that is not skin-coloured: with the rest of their collar's mixed pixels, the garment
    # stood up to it and the neck's side was drawn as a flat wedge)
    rim = cv2.dilate(keep[labels].astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    return rim & not_skin


def _collar_beside_neck(person, cloth_like, near_jaw, hair, face, centres, neck, chin_y, fw, garment_top):
    """Their own collar (or jacket collar) standing beside the neck above the new garment, from the jaw
    down: cloth-coloured, neither hair (`hair`: the hair that may hang there) nor face, and a piece that lies
    close to the neck (a helmet's ring or a fur collar reaching far out is left whole: cutting it along a
    line would show). `centres`: the neck's and the chin's x; beside both (a hand can pull the neck's
    measure aside, and what lies under the chin is neck)."""
    h, w = person.shape
    rows = np.arange(h)[:, None]
    dx = np.min([np.abs(np.arange(w) - c) for c in centres], axis=0)[None, :]
    # Beside the jaw (above the chin) its corners stand close to the neck; painting skin there would widen
    # the neck into a block, so they go from nearer in, where they have their clothes' colour (`near_jaw`:
    # the shadow under the jaw is not cloth).
    beside_jaw = (rows < chin_y) & (dx <= 1.15 * neck)
    cloth = np.where(beside_jaw, near_jaw, cloth_like) & person & ~face
    if hair is not None:
        cloth &= ~cv2.dilate(hair.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    side = (rows < garment_top[None, :] + 1) & (dx > 0.9 * neck) & (beside_jaw | (dx > 1.15 * neck))
    collar = cloth & side & (rows >= chin_y - JAW_RISE * fw)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(collar.astype(np.uint8), connectivity=8)
    if count <= 1:
        return collar
    near = np.broadcast_to(dx < COLLAR_REACH * neck, labels.shape)
    total = stats[:, cv2.CC_STAT_AREA]
    inside = np.bincount(labels[near], minlength=count)
    # A thin strip along the shoulders (their jacket just above the new garment's line) goes whole too.
    thin = total < 0.35 * neck * stats[:, cv2.CC_STAT_WIDTH]
    keep = np.flatnonzero(((inside >= 0.75 * total) | thin) & (inside > 0))
    collar = np.isin(labels, keep[keep > 0])
    # So does a piece that reaches far out but ends a little higher up, below the jaw's middle: nothing is
    # cut along a line (p12's jacket collar beside his neck, where the photo ends just below his chin).
    top = int(np.ceil(chin_y - 2 * JAW_RISE * fw))
    higher = cloth & side & (rows >= top)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(higher.astype(np.uint8), connectivity=8)
    inside = np.bincount(labels[near], minlength=count)
    whole = np.flatnonzero((stats[:, cv2.CC_STAT_TOP] > top + 1) & (inside > 0))
    collar |= np.isin(labels, whole[whole > 0])
    grown = cv2.dilate(collar.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    # Its anti-aliased rim too, but never the neck's skin, nor under the chin where that is not the neck's
    # centre (the rim by the neck's side is their collar's edge; by the chin it is the neck).
    aside = np.abs(np.arange(w) - centres[0]) >= 1.15 * neck
    under_chin = (np.abs(np.arange(w) - centres[1]) < 1.15 * neck) & aside
    return grown & (cloth_like | collar) & ~under_chin[None, :]


def _stand_to_collar(collar, alpha, face, cx, neck, chin_y, garment_top, fw, reach=None):
    """The garment's top line (per column) raised beside the neck to where their own collar stood, up to just
    under the jaw: their collar leaves the matte, and with a garment starting lower the background showed
    between the jaw and the new collar beside a narrow neck (p09's head looked pasted onto the suit). Fully
    within STAND_REACH[0] neck half-widths of the neck's centre, fading out by STAND_REACH[1]. Also, per
    column, the row where it meets the jaw (-1: it does not). `reach` replaces STAND_REACH."""
    reach = STAND_REACH if reach is None else reach
    h, w = collar.shape
    dx = np.abs(np.arange(w) - cx)
    closed = cv2.morphologyEx(collar.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)) > 0
    rows = np.arange(h)[:, None]
    # What stays of the head above (the jaw's outline, wider than the face mesh's oval); where the garment
    # meets it, it starts under its solid part, so no pixel of its edge mixed with the background shows.
    head = ((alpha > PERSON) & ~collar & (rows < garment_top[None, :])) | face
    solid = ((alpha > 0.95) & ~collar) | face
    y_min = int(np.clip(chin_y - JAW_RISE * fw, 0, h - 1))
    snap = STAND_SNAP * fw
    raised = garment_top.astype(np.float32).copy()
    meets = np.full(w, -1.0, np.float32)  # per column: the row where the garment meets the jaw, or -1
    for x in np.flatnonzero((dx > 0.9 * neck) & (dx < reach[1] * neck)):
        y = int(np.clip(np.ceil(garment_top[x]), 0, h - 1))
        while y - 1 >= y_min and closed[y - 1, x] and not head[y - 1, x]:
            y -= 1
        if y >= garment_top[x] - 1:
            continue  # their collar did not stand above the garment here
        above = np.flatnonzero(solid[:y, x])
        if above.size and above[-1] + 1 >= y - snap:  # a few pixels short of the jaw: closed up to it,
            y = meets[x] = int(above[-1])  # over its last row (the jaw's edge mixed with their collar)
        raised[x] = y
    raised = np.minimum(cv2.medianBlur(raised.reshape(1, -1), 5).ravel(), garment_top)
    fade = np.clip((reach[1] * neck - dx) / ((reach[1] - reach[0]) * neck), 0, 1)
    top = np.minimum(_smooth(garment_top - fade * (garment_top - raised), fw, 0.04), garment_top)
    # Against the jaw it meets it exactly (smoothed, it rose into the jaw or left a line of background).
    against = (meets >= 0) & (fade >= 1)
    top = np.where(against, meets, np.maximum(top, meets))
    return top.astype(np.float32), np.where(against, meets, -1.0)


def _without_spikes(top, natural, meets, kept, fw):
    """The garment's top line (per column) without the narrow spikes where it rose to their collar over
    fewer than SPIKE face widths (a grey closing, no lower than its natural line), and the columns where it
    still meets the jaw (-1 elsewhere): where their collar stood up to the jaw over a few columns only, the
    garment rose there alone, a dark spike beside the neck (p04's jaw corner on the image left). Only where
    what it leaves is closed in between the head (`kept`: the person's pixels that stay) and the garment,
    so the outfit stage fills it from the head: at the head's outline a spike meets the jaw's side, and
    taken down it left a notch of background (p03)."""
    k = max(3, int(SPIKE * fw) | 1)
    padded = np.pad(top.astype(np.float32), k // 2, mode="edge")
    widest = np.lib.stride_tricks.sliding_window_view(padded, k).max(axis=1)
    closed = np.lib.stride_tricks.sliding_window_view(np.pad(widest, k // 2, mode="edge"), k).min(axis=1)
    lower = np.minimum(np.maximum(closed, top), np.maximum(natural, top))
    lowered = lower > top + 0.5
    if lowered.any():
        rows = np.arange(kept.shape[0])[:, None]
        matte = (kept & (rows < lower[None, :])) | (rows >= lower[None, :])
        size = 2 * max(1, round(SLIVER_ACROSS * fw / 2)) + 1
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        shut = cv2.morphologyEx(matte.astype(np.uint8), cv2.MORPH_CLOSE, disc) > 0
        shut |= _holes_filled(matte.astype(np.uint8)) > 0
        left = (rows >= top[None, :]) & (rows < lower[None, :]) & ~matte
        edges = np.flatnonzero(np.diff(np.concatenate([[0], lowered.astype(np.int8), [0]])))
        for start, stop in zip(edges[::2], edges[1::2]):
            gone = left[:, start:stop]
            if gone.any() and shut[:, start:stop][gone].mean() < 0.9:
                lower[start:stop] = top[start:stop]  # (it stays: background would show there)
        lowered = lower > top + 0.5
    return lower.astype(np.float32), np.where(lowered, -1.0, meets).astype(np.float32)


def _turned_up(top, cx, neck, collar_y):
    """Whether the garment's top line raised to their collar stands beside the neck (1-1.3 neck half-widths
    out) more than TURNED_UP neck half-widths above the collar line: it reads as a turned-up collar (p09,
    p12 1.22-1.24; p04 0.98, p10 0.81 read as a collar; at 295x413)."""
    dx = np.abs(np.arange(top.size) - cx)
    beside = (dx >= neck) & (dx <= 1.3 * neck)
    return bool(beside.any() and (collar_y - top[beside]).max() > TURNED_UP * neck)


def _collar_height(top, natural, meets, face, cx, neck, collar_y, fw):
    """The garment's top line raised to their collar (`top`) kept to a collar's height: no more than
    STAND_CAP neck half-widths above the collar line beside the neck (risen to the jaw it read as a
    turned-up collar, p12, p09; and a shirt's body stood above its own collar leaves). Never lower than its
    natural line. Also the rows per column where it no longer meets the jaw (-1 there), and where it stood
    above that height (HxW bool, not the face; None where nowhere): on a photo the neck's side is there, in
    the jaw's shadow."""
    h, w = face.shape
    dx = np.abs(np.arange(w) - cx)
    span = (TURNED_REACH[1] - 0.9) * neck
    cap = collar_y - STAND_CAP * neck * np.clip((TURNED_REACH[1] * neck - dx) / span, 0, 1)
    # (smoothed along: where the cap gives way to the raised or the natural line, no kink in the top line)
    capped = np.maximum(np.minimum(_smooth(np.minimum(np.maximum(top, cap), natural), fw, 0.06), natural), top)
    lowered = capped > top + 0.5
    if not lowered.any():
        return top, meets, None
    rows = np.arange(h)[:, None]
    side = (rows >= np.floor(top)[None, :]) & (rows < capped[None, :] + 1) & lowered[None, :] & ~face
    return capped.astype(np.float32), np.where(lowered, -1.0, meets).astype(np.float32), side


def _neck_behind(alpha, dropped, cloth, face, cx, neck, chin_y, garment_top, meets, fw):
    """Where the neck is painted in behind their collar's rim (HxW float32): within the neck's width, from the
    jaw down to the garment, next to their collar leaving the matte, what that left part-transparent (a
    sliver of background showed between the jaw, the neck and the new collar) and what is still their
    collar's cloth (`cloth`: their clothes' colours, not hair; its edge stood as a light strip there); and
    under the garment's soft top edge where it meets the jaw (`meets`, per column), so their collar does
    not show through it as a light line along the jaw."""
    h, w = alpha.shape
    rows = np.arange(h)[:, None]
    dx = np.abs(np.arange(w) - cx)[None, :]
    kept = alpha * (1 - dropped)
    near = cv2.dilate((dropped > 0.05).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    zone = (dx < neck) & (rows >= chin_y - JAW_RISE * fw) & (rows < garment_top[None, :] + neck)
    # (their cloth beside the jaw only: under the chin, their collar on the neck is painted over already,
    # and a beard stays)
    gap = zone & ((near & (kept < 0.95)) | (cloth & (rows < chin_y))) & ~face
    # and the rim where their collar met the jaw (the jaw's edge mixed with their collar's colour)
    gap = cv2.dilate(gap.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & zone & ~face
    gap |= (meets[None, :] >= 0) & (rows >= meets[None, :] - 1) & (rows <= meets[None, :] + 3) & ~face
    if not gap.any():
        return None
    return cv2.GaussianBlur(gap.astype(np.float32), (0, 0), 0.7) * gap


def _islands(person, drop, garment_top, face, neck):
    """Pieces of the person left above the garment that no longer hang together with the head (a shoulder
    cut off by the photo's edge, the rest of a collar): they would float on the new background."""
    h = person.shape[0]
    rows = np.arange(h)[:, None]
    kept = person & ~drop & (rows < garment_top[None, :] + 0.5 * neck)
    _count, labels = cv2.connectedComponents(kept.astype(np.uint8), connectivity=8)
    head = np.unique(labels[face & kept])
    return (labels > 0) & ~np.isin(labels, head)


def _clothes_palette(lab, clothes, collar_y, fw, colours=3):
    """A few Lab colours of the person's own clothes below the collar line (None if too little shows)."""
    y0 = int(np.clip(collar_y + 0.1 * fw, 0, clothes.shape[0]))
    pixels = lab[y0:][clothes[y0:]]
    if len(pixels) < 50:
        return None
    return colour_centres(pixels, colours)


def _clothes_coloured(lab, palette):
    if palette is None:
        return np.zeros(lab.shape[:2], bool)
    near = np.zeros(lab.shape[:2], bool)
    for centre in palette:
        near |= _distance(lab, centre, 0.5, 1.0) < CLOTHES_DISTANCE
    return near


def _skin_colour(canvas, skin_like, face_skin, cx, neck, chin_y, collar_y, fw):
    """Colour for skin in a neckline: the neck's just above the collar line, lifted toward the face's."""
    face = (
        np.median(canvas[face_skin], axis=0)
        if face_skin.sum() > 20
        else np.array([200, 160, 140], np.float32)
    )
    y1 = int(collar_y)
    y0 = int(max(chin_y + 0.03 * fw, y1 - 0.5 * neck))
    x0, x1 = int(max(0, cx - 0.5 * neck)), int(max(0, cx + 0.5 * neck)) + 1
    region = skin_like[max(0, y0) : max(0, y1), x0:x1]
    pixels = canvas[max(0, y0) : max(0, y1), x0:x1][region]
    neck_colour = np.median(pixels, axis=0) if len(pixels) >= 10 else face * 0.85
    # The neck often sits in the jaw's shadow; open chest skin catches a little more light.
    return tuple(float(v) for v in 0.85 * neck_colour + 0.15 * 0.9 * face)


def _neck_shade(shape, cx, neck, chin_y, collar_y, light, real):
    """Factor (HxW) shading skin drawn on the neck as a real neck is: across it as a vertical cylinder lit
    from the face's light (1 on average over its middle, where its colour was taken; the side turned from
    the light falls to NECK_AMBIENT, real necks measure 0.5-0.7 at their edges) and darker under the jaw by
    up to JAW_SHADE; flat again beyond the neck's sides and down the chest (broad, lit), and next to the
    neck's own skin in the photo (`real`: drawn skin there continues it, shaded as it is)."""
    h, w = shape
    lx, _ly, lz = light
    norm = max(float(np.hypot(lx, lz)), 1e-6)

    def lit(u):
        u = np.clip(u, -1, 1)
        return NECK_AMBIENT + (1 - NECK_AMBIENT) * np.maximum(0.0, (u * lx + np.sqrt(1 - u * u) * lz) / norm)

    u = (np.arange(w, dtype=np.float32) - cx) / neck
    across = lit(u) / float(np.mean(lit(np.linspace(-0.5, 0.5, 11))))
    ys = np.arange(h, dtype=np.float32)
    # Beyond its sides it is flat again on the chest; above the collar line, where skin drawn there is the
    # neck's side under the jaw, it keeps some of the shade of the neck's edge.
    up = np.clip((ys - collar_y) / neck + 1, NECK_SIDE_KEEP, 1)[:, None]
    beyond = np.clip((np.abs(u) - 1) / NECK_SIDE, 0, 1)[None, :] * up
    across = across[None, :] * (1 - beyond) + beyond
    on_neck = np.clip(1 - (ys - collar_y) / neck, 0, 1)[:, None]
    jaw = 1 - JAW_SHADE * np.exp(-np.clip(ys - chin_y, 0, None) / (0.5 * neck))[:, None]
    if real is not None:
        on_neck = on_neck * (1 - np.clip(2 * cv2.GaussianBlur(real, (0, 0), 0.4 * neck), 0, 1))
    return (1 + on_neck * (across * jaw - 1)).astype(np.float32)


def _skin_slope(canvas, neck_like, cx, neck, chin_y, end_y):
    """How the neck's colour changes per row from under the chin down to where its skin ends (RGB per px,
    a straight-line fit over the neck's middle), or None when too little of the neck is skin."""
    h, w = neck_like.shape
    x0, x1 = int(np.clip(cx - 0.5 * neck, 0, w)), int(np.clip(cx + 0.5 * neck + 1, 0, w))
    ys, means = [], []
    for y in range(int(np.clip(chin_y + 0.3 * neck, 0, h)), int(np.clip(end_y - 0.1 * neck, 0, h))):
        ok = neck_like[y, x0:x1]
        if ok.sum() >= 3:
            ys.append(y)
            means.append(canvas[y, x0:x1][ok].mean(axis=0))
    if len(ys) < 6:
        return None
    slope = np.polyfit(np.asarray(ys, np.float32), np.asarray(means, np.float32), 1)[0]
    return np.clip(slope, -MAX_SKIN_SLOPE, MAX_SKIN_SLOPE).astype(np.float32)


def _skin_row(canvas, skin_like, cx, neck, collar_y, fallback):
    """The neck's colours across each column a little above `collar_y` (where the real skin ends), carried
    outward from its edges, so skin drawn in a neckline continues the real neck without a seam (None if the
    neck is not skin)."""
    h, w = skin_like.shape
    y0, y1 = int(np.clip(collar_y - 0.45 * neck, 0, h)), int(np.clip(collar_y - 0.2 * neck, 0, h))
    x0, x1 = int(np.clip(cx - 0.8 * neck, 0, w)), int(np.clip(cx + 0.8 * neck + 1, 0, w))
    if y1 <= y0 or x1 - x0 < 3:
        return None
    band = canvas[y0:y1, x0:x1].astype(np.float32)
    ok = skin_like[y0:y1, x0:x1]
    if ok.mean() < 0.35:  # (each column averages its skin pixels only)
        return None
    counts = ok.sum(axis=0)
    mean = (band * ok[..., None]).sum(axis=0) / np.maximum(counts, 1)[:, None]
    mean[counts == 0] = np.asarray(fallback, np.float32)
    row = np.empty((w, 3), np.float32)
    row[x0:x1] = mean
    row[:x0], row[x1:] = mean[0], mean[-1]
    # Softened across (the neck's own texture is put back by the finish), and mostly the colour at the
    # neck's centre: an open chest is rounder and better lit than the sides of a neck.
    row = cv2.GaussianBlur(row[None], (0, 0), sigmaX=max(1.0, 0.15 * neck), sigmaY=0.1)[0]
    return 0.2 * row + 0.8 * row[int(np.clip(cx, 0, w - 1))]


def _hair_like(lab, person, points, skin_ref):
    """(hair-coloured person pixels, those of them connected to the hair on the head), or (None, None) when
    there is no hair distinct from the skin (bald, or hair of the skin's colour)."""
    h, w = person.shape
    fw = regions.face_width(points)
    top_y = float(points[10][1])
    x0, x1 = int(max(0, points[234][0])), int(min(w, points[454][0]))
    y1 = int(max(0, top_y - 0.04 * fw))
    sample = person[:y1, x0:x1]
    if sample.sum() < 30:
        return None, None, None
    hair_ref = np.median(lab[:y1, x0:x1][sample], axis=0)
    if _distance(hair_ref[None], skin_ref)[0] < SKIN_DISTANCE:
        return None, None, None
    like = (_distance(lab, hair_ref, 0.7, 1.0) < HAIR_DISTANCE) & person
    _count, labels = cv2.connectedComponents(like.astype(np.uint8), connectivity=8)
    eyes_y = int(np.clip((points[mesh.IRIS_A][1] + points[mesh.IRIS_B][1]) / 2, 1, h))
    head = np.unique(labels[:eyes_y][like[:eyes_y]])
    return like, np.isin(labels, head[head > 0]), hair_ref


def _long_hair(lab, person, hair_ref, points, chin_y, cx, neck):
    """Whether hair (loosely by colour, connected to the head's) reaches below the chin beside the neck."""
    h, w = person.shape
    loose = (_distance(lab, hair_ref, 0.7, 1.0) < 1.6 * HAIR_DISTANCE) & person
    _count, labels = cv2.connectedComponents(loose.astype(np.uint8), connectivity=8)
    eyes_y = int(np.clip((points[mesh.IRIS_A][1] + points[mesh.IRIS_B][1]) / 2, 1, h))
    head = np.unique(labels[:eyes_y][loose[:eyes_y]])
    attached = np.isin(labels, head[head > 0])
    y0, y1 = int(np.clip(chin_y, 0, h)), int(np.clip(chin_y + 2 * neck, 0, h))
    beside = np.abs(np.arange(w) - cx) > 1.2 * neck
    return bool(attached[y0:y1, beside].mean() > 0.05) if y1 > y0 else False


def _hair_frames_face(hair, points):
    """Whether hair hangs beside the cheeks from the eyes down to the nose (long hair, not a dark collar)."""
    h, w = hair.shape
    fw = regions.face_width(points)
    top, bottom = int(np.clip(points[mesh.IRIS_A][1], 0, h)), int(np.clip(points[mesh.NOSE_TIP][1], 0, h))
    xl, xr = float(points[234][0]), float(points[454][0])
    sides = [
        hair[top:bottom, int(max(0, xl - 0.2 * fw)) : int(max(0, xl - 0.03 * fw))],
        hair[top:bottom, int(min(w, xr + 0.03 * fw)) : int(min(w, xr + 0.2 * fw))],
    ]
    return any(side.size and side.mean() > 0.4 for side in sides)


def _hair_stands_out(hair_colour, skin_like, person, cx, neck, chin_y, fw):
    """Whether the clothes on the chest mostly differ in colour from the hair (else hair below the chin cannot
    be told from the clothes, and the outfit treats it as clothing)."""
    h, w = person.shape
    y0 = int(np.clip(chin_y + 0.45 * fw, 0, h))
    band = np.abs(np.arange(w) - cx) < 1.5 * neck  # the chest centre, where hair rarely falls
    chest = (person & ~skin_like)[y0:, band]
    if chest.sum() < 30:
        return True
    return bool(hair_colour[y0:, band][chest].mean() < 0.5)


def synthetic(height, width, skin=(224, 182, 160)):
    """A fit for a typical person, for gallery thumbnails (no photo)."""
    fw = width * 0.3  # the shoulders (about 2.7 face widths) fit inside the picture
    cx, neck = width / 2, 0.27 * fw
    collar_y = height * 0.34
    ys = np.arange(height, dtype=np.float32)
    half = typical_half_width(ys, neck, collar_y, fw)
    top = default_slope(width, cx, neck, collar_y, fw)
    return Fit(height, width, cx, neck, collar_y, collar_y - 0.25 * fw, fw, cx - half, cx + half, skin, top)
