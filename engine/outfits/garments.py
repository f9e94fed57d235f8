"""Drawing an outfit for a Fit. All lengths are in neck half-widths (n) from the neck centre (c) and the
collar line (y0), so each garment keeps its proportions on any person and any output size.

Layers, back to front: skin in the neckline, the top (shirt, blouse, polo), its collar, the tie, then the
jacket or sweater with its lapels and details. Each layer casts a soft shadow on what lies under it, away
from the light the face shows, and is lifted above it with a rounded edge (a height the light models, see
finish.py): a collar's or a lapel's edge is a highlight on its roll toward the light and a shadow on the
other side, never a drawn line. Only seams, buttons and pockets are faintly drawn.
"""

import cv2
import numpy as np

from .finish import Look, finish, folds
from .fit import NECK_HALF
from .paint import Field, Painter, bezier, ellipse

EDGE = 0.55  # seam and edge lines darken the fabric to this fraction...
EDGE_STRENGTH = 0.4  # ...of which this share is drawn (the edges' relief does the rest)
# Necklines that show skin reach no deeper than the person's own skin shows below the collar line plus
# this many neck half-widths (so little skin is invented), and no shallower than MIN_DEPTH; a wide one is
# no wider than a round neck unless their own skin shows that far down.
SKIN_NECKLINES = ("collar_open", "polo", "round", "bow", "peterpan", "scoop", "v")
INVENTED_SKIN, MIN_DEPTH = 0.45, 0.55
# ...and no more skin than this (in neck half-widths squared) is invented where theirs does not show: a
# wide scoop on someone whose shirt was closed becomes a modest round neck (NARROWEST: its half-width).
INVENTED_AREA, NARROWEST = 1.0, 1.1
MAX_TONE_CHANGE = 10.0  # grey levels the neck's change of tone may add down a neckline
# Beside long hair, neckline skin further out than this (neck half-widths) is drawn only over the neck's own
# colour (in its light)
SKIN_BESIDE_HAIR = 0.9
HAIR_REACH = 0.5  # neck half-widths from the hair kept in front within which that holds
SHADOW_BESIDE_HAIR = 0.6  # of the neck's brightness: darker than this is no skin of the neck's colour
STAND_RISE = 0.5  # neck half-widths: a collar's leaves rise at most this much to meet the garment's top
FILL_FADE = 0.6  # neck half-widths below the collar line over which the neck filled in gives way to the chest
NECKLINES = {
    # (half-width at the collar line, depth at the centre, roundness 0 = V .. 1 = U)
    "collar": (1.0, 0.55, 0.0),
    "collar_open": (1.0, 1.9, 0.1),
    "polo": (1.0, 0.95, 0.2),
    "round": (1.18, 0.75, 1.0),
    "bow": (1.12, 0.6, 1.0),
    "peterpan": (1.15, 0.65, 1.0),
    "scoop": (1.55, 1.6, 1.0),
    "v": (1.15, 2.2, 0.15),
    "jacket": (1.08, 4.3, 0.0),
    "collarless": (1.25, 2.6, 0.35),
    "sweater": (1.12, 2.7, 0.0),
    "cardigan": (1.15, 3.2, 0.0),
}
# The edge of a collar or lapel facing the light: a highlight this wide (neck half-widths), lightening by up
# to this share.
RIM_WIDTH, RIM_LIGHT = 0.06, 0.35
# A shirt's or blouse's collar leaves (thin cloth): the shadow under them (drop, blur in neck half-widths,
# strength), their lift over the shirt (height, rounded over, neck half-widths), and no highlight on the roll
# of cloth lighter than LEAF_RIM_FROM (mean RGB; full RIM_LIGHT on black).
LEAF_SHADOW, LEAF_LIFT, LEAF_RIM_FROM = (0.05, 0.08, 0.35), (0.08, 0.05), 160.0
# A jacket's lapels of dark cloth: shadow (offset, blur, strength) and lift (height, rounding), neck half-widths.
LAPEL_SHADOW, LAPEL_LIFT = (0.1, 0.22, 0.5), (0.22, 0.3)
# Grain of each kind of cloth, relative to the photo's (see finish.py).
WOOL, COTTON, KNIT, SILK = 1.0, 0.8, 1.25, 0.5


class Drawing:
    def __init__(self, fit):
        self.fit = fit
        top = min(float(np.min(fit.garment_top)), fit.collar_y - 1.0 * fit.neck, fit.chin_y) - 3
        self.p = Painter(fit.height, fit.width, top)
        self.c, self.n, self.y0 = fit.cx, fit.neck, fit.collar_y
        self.shade = _shade_field(fit)
        # How far a collar may stand above the collar line (1 = half a neck width): never into the chin.
        self.stand = float(np.clip(((fit.collar_y - fit.chin_y) / fit.neck - 0.15) / 0.5, 0.3, 1.0))
        self._body = None
        self._necklines = {}

    def pt(self, dx, dy, side=1):
        """A point dx neck half-widths to the side (side -1: image left) and dy below the collar line."""
        return (self.c + side * dx * self.n, self.y0 + dy * self.n)

    def fabric(self, colour, gloss=1.0, lift=0.0, grain=COTTON):
        return Field(np.asarray(colour, np.float32) * gloss, self.shade, lift, grain)

    def edge(self, colour, factor=EDGE):
        return np.asarray(colour, np.float32) * (1 - EDGE_STRENGTH * (1 - factor))

    def cast(self, mask, drop, blur, strength, on_skin=True):
        """The soft (Gaussian, `blur` neck half-widths) shadow a layer about to be drawn casts on what lies
        under it, `drop` neck half-widths away from the light in the picture's plane (on the neckline's skin
        too, unless `on_skin` is False)."""
        lx, ly, _ = self._light()
        across = max(float(np.hypot(lx, ly)), 1e-6)
        dx, dy = -lx / across * drop * self.n, -ly / across * drop * self.n
        self.p.shadow(mask, dx, dy, blur * self.n, strength, on_skin)

    def rim(self, mask, width=RIM_WIDTH, amount=RIM_LIGHT):
        """A thin soft highlight inside the edge of `mask` where that edge faces the light (`width` neck
        half-widths): the roll of a collar or a lapel catching it, which is what shows its edge in a photo."""
        lx, ly = self._light()[:2]
        across = max(float(np.hypot(lx, ly)), 1e-6)
        sigma = max(0.5, width * self.n)
        gy, gx = np.gradient(cv2.GaussianBlur(mask, (0, 0), sigma))
        # (the mask falls outward, so its gradient points inward; a blurred step's slope peaks at 0.4/sigma)
        facing = np.clip(-(gx * lx + gy * ly) / across * sigma * 2.5, 0, 1)
        self.p.brighten(facing * mask, amount)

    def _light(self):
        return self.fit.look.light if self.fit.look is not None else Look.light

    def lift(self, mask, amount, soft):
        """Raise a layer `amount` neck half-widths above what lies below, edges rounded over `soft`."""
        self.p.lift(mask, amount * self.n, soft * self.n)

    def body(self, holes=()):
        """Coverage of the garment's body (the outline below its top line), minus `holes`."""
        if self._body is None:
            fit = self.fit
            y0 = int(np.clip(np.ceil(fit.collar_y), 0, fit.height - 1))
            y_top = float(min(fit.garment_top.min(), fit.collar_y)) - 2
            left, right = (self._side(fit.left, y0, y_top), self._side(fit.right, y0, y_top))
            bottom = fit.height + 2
            outline = left + [(left[-1][0], bottom), (right[-1][0], bottom)] + right[::-1]
            top = [(-2.0, float(fit.garment_top[0]))] + [
                (x + 0.5, float(t)) for x, t in enumerate(fit.garment_top)
            ]
            top += [(fit.width + 2.0, float(fit.garment_top[-1])), (fit.width + 2.0, bottom), (-2.0, bottom)]
            self._body = self.p.mask([outline]) * self.p.mask([top])
        if not holes:
            return self._body
        return self._body * (1 - self.p.mask(list(holes)))

    def _side(self, edge, y0, y_top):
        """One side of the body's outline, from above its top line down: straight up from where the outline
        (per row from the collar line down) first meets the top line, then the outline. Where the top line
        rose beyond the outline's width at the collar line (their shoulder stood higher), the garment
        reaches out to where it meets it: straight up from the collar line's width, a notch in the
        shoulder showed their collar (p15)."""
        fit = self.fit
        rows = np.arange(y0, fit.height)
        cols = np.clip(np.round(edge[rows]).astype(int), 0, fit.width - 1)
        meets = np.flatnonzero(fit.garment_top[cols] >= rows - 1)
        start = int(rows[meets[0]]) if meets.size else y0
        ys = np.arange(start, fit.height + 1, dtype=np.float32)
        rows = np.clip(ys.astype(int), 0, fit.height - 1)
        return [(float(edge[start]), y_top)] + [(float(edge[r]), float(y)) for r, y in zip(rows, ys)]

    def neckline(self, kind):
        """Polygon cut out of a garment for its neckline, open upward (it also clears the neck column)."""
        if kind not in self._necklines:
            self._necklines[kind] = self._neckline_shape(kind)
        return self._neckline_polygon(*self._necklines[kind])

    def _neckline_shape(self, kind):
        """(half-width at the collar line, depth at the centre, roundness 0 = V .. 1 = U) of a neckline, in
        neck half-widths; on a photo, one that shows skin is narrowed and made shallower until it invents
        little skin where the person's own does not show."""
        half, depth, round_ = NECKLINES[kind]
        if kind not in SKIN_NECKLINES or self.fit.photo is None:  # (the gallery shows the design)
            return half, depth, round_
        real = self.fit.skin_depth / self.n  # no deeper or wider than their own skin shows, plus a little
        depth = min(depth, max(MIN_DEPTH, real + INVENTED_SKIN))
        half = min(half, max(1.18, real + 1.0))
        if self.fit.neck_like is None:
            return half, depth, round_
        for t in np.linspace(1.0, 0.0, 6):
            shape = (
                NARROWEST + (half - NARROWEST) * t if half > NARROWEST else half,
                MIN_DEPTH + (depth - MIN_DEPTH) * t if depth > MIN_DEPTH else depth,
                round_,
            )
            if self._invented(*shape) <= INVENTED_AREA * self.n * self.n:
                break
        return shape

    def _invented(self, half, depth, round_):
        """Pixels of the neckline below the collar line where the person's own skin does not show."""
        fit = self.fit
        polygon = np.round(np.asarray(self._neckline_polygon(half, depth, round_))).astype(np.int32)
        mask = np.zeros((fit.height, fit.width), np.uint8)
        cv2.fillPoly(mask, [polygon], 1)
        mask[: int(np.clip(np.ceil(self.y0), 0, fit.height))] = 0
        return int((mask.astype(bool) & ~fit.neck_like).sum())

    def _neckline_polygon(self, half, depth, round_):
        sides = []
        for side in (-1, 1):
            top = self.pt(half, -0.12, side)
            bottom = self.pt(0, depth)
            ctrl = self.pt(half * (0.5 + 0.45 * round_), depth * (0.45 + 0.5 * round_), side)
            sides.append(bezier(top, ctrl, bottom))
        up = -3.0 - self.fit.collar_y / self.n  # far above the canvas top
        return [self.pt(half, up, -1)] + sides[0] + sides[1][::-1] + [self.pt(half, up, 1)]


def _shade_field(fit):
    """Light falling off a little toward the bottom of the photo (the form and the light's direction are
    the finish's work)."""
    rows = np.arange(fit.height, dtype=np.float32)[:, None]
    depth = np.clip((rows - fit.collar_y) / max(1.0, fit.height - fit.collar_y), 0, 1)
    return np.repeat(1.02 - 0.06 * depth, fit.width, axis=1).astype(np.float32)


def render(outfit, fit):
    """(rgb float32 HxWx3, coverage float32 HxW) of `outfit` drawn for `fit`."""
    d = Drawing(fit)
    _skin(d, outfit)
    _top(d, outfit)
    if outfit.tie:
        _tie(d, outfit)
    if outfit.top in ("collar", "collar_open"):
        _shirt_collar(d, outfit)
    if outfit.tie == "bow":
        _bow_tie(d, outfit)
    if outfit.jacket in ("notch", "peak", "shawl"):
        _jacket(d, outfit)
    elif outfit.jacket == "collarless":
        _plain_jacket(d, outfit, "collarless", trim=True)
    elif outfit.jacket == "sweater":
        _plain_jacket(d, outfit, "sweater", rib=True)
    elif outfit.jacket == "cardigan":
        _plain_jacket(d, outfit, "cardigan", rib=True, buttons=True)
    return finish(d.p, fit, outfit, folds(d, outfit))


def _skin(d, outfit):
    """Skin where the neckline is open: it hides what the person wore there and continues the neck."""
    fit = d.fit
    # Grown by a pixel so it runs under the garment's anti-aliased edge (no seam of background between).
    # Up to the garment's top beside the neck where it stands up to the jaw (their collar stood there): the
    # neck's side between it and the garment is skin, not a sliver of background.
    beside_neck = fit.garment_top[int(np.clip(d.c - 1.3 * d.n, 0, fit.width - 1)) : int(d.c + 1.3 * d.n) + 1]
    up = min(-0.3, (float(beside_neck.min()) - d.y0) / d.n) if beside_neck.size else -0.3
    # (no wider than a neck: above the garment's top, skin beyond it stood out as a ledge beside the jaw)
    half = min(1.2, NECK_HALF * fit.face_width / d.n)
    neck = [d.pt(half, up, -1), d.pt(half, up, 1), d.pt(half, 60, 1), d.pt(half, 60, -1)]
    region = np.maximum(d.body(), d.p.mask([neck]))  # reaches above the garment's top to blend into the neck
    mask = region * cv2.dilate(d.p.mask([d.neckline(outfit.top)]), np.ones((3, 3), np.uint8))
    top = d.p.top
    ys = np.arange(top, fit.height, dtype=np.float32)[:, None]
    xs = np.arange(fit.width, dtype=np.float32)[None, :]
    # Inside the neck column it fades in just above the collar line, so the real neck flows into it.
    fade = np.clip((ys - (d.y0 - 0.2 * d.n)) / (0.6 * d.n), 0, 1)
    in_neck = np.clip(1.2 - np.abs(xs - d.c) / d.n, 0, 1)
    beside = np.clip((ys - (d.y0 - 0.3 * d.n)) / (0.3 * d.n), 0, 1)  # a wide neckline: chest skin, soft top
    if fit.skin_like is not None:
        # Their own collar or tie: covered in the neck's column, and in full below the garment's top (above
        # it, beside the neck, what is not skin is the background or hair).
        cloth = np.clip(1 - 2 * fit.skin_like[top:], 0, 1)
        if fit.beard is not None:  # a beard is theirs, not their collar
            cloth = cloth * (1 - fit.beard[top:])
        fade = np.maximum(fade, cloth)
        beside = np.maximum(beside, cloth * (ys >= fit.garment_top[None, :]))
        if fit.occluder is not None and fit.clothes_above is not None:
            # and above it where their collar stays in the matte beside the neck (its rim along p12's chin
            # showed through as a grey-blue line)
            kept = fit.occluder[top:] * (1 - fit.clothes_above[top:])
            if fit.hair is not None:
                kept = kept * (1 - fit.hair[top:])
            beside = np.maximum(beside, cloth * kept)
    mask *= fade * in_neck + (1 - in_neck) * beside
    if fit.collar_cover is not None:  # their own collar closing over the neck, up toward the chin
        mask = np.maximum(mask, fit.collar_cover[top:])
    if fit.neck_behind is not None:  # the neck behind their collar's rim, under the jaw
        mask = np.maximum(mask, fit.neck_behind[top:])
    if fit.neck_filled is not None:
        # and all of what was filled in on the neck, its anti-aliased rim too: where the painted skin was
        # partly transparent there, their collar's edge showed through as a faint line.
        rows, cols = slice(top, fit.height), slice(0, fit.width)
        on_neck = (
            fit.neck_filled[top:] * _neck_fill_weight(fit, rows, cols) * (ys < fit.garment_top[None, :] + d.n)
        )
        if fit.beard is not None:  # (a beard stays, and so does hair beside the neck: only where skin is
            on_neck = on_neck * (1 - fit.beard[top:])  # painted already)
        mask = np.where(mask > 0.02, np.maximum(mask, np.minimum(region, on_neck)), mask)
    shadow = _beside_neck_under_hair(d) if fit.hair is not None and fit.neck_like is not None else None
    d.p.paint(mask, _SkinField(fit, shadow), grain=0.0, skin=True)


def _beside_neck_under_hair(d):
    """Where long hair hangs in front (HxW float32): the neck skin's top corners out beside the neck, above
    the garment and near the strands, where the photo shows their shadow and no skin of the neck's colour.
    Skin drawn there stood as a beige step beside the neck (p15's right jaw); the photo's own pixels show
    there instead (the coverage is kept: the garment's finish is measured over all of it)."""
    fit = d.fit
    ys = np.arange(fit.height, dtype=np.float32)[:, None]
    xs = np.arange(fit.width, dtype=np.float32)[None, :]
    out = np.abs(xs - d.c) > SKIN_BESIDE_HAIR * d.n
    # (above the garment's top line only: inside the neckline below it the photo shows their clothes)
    high = ys < fit.garment_top[None, :] + 1
    # (a strand's shadow is neck-coloured by hue, but far darker than the neck)
    dark = fit.photo.astype(np.float32).mean(axis=2) < SHADOW_BESIDE_HAIR * float(np.mean(fit.skin))
    bare = ~fit.neck_like | dark
    # (near the strands only: a neck's own shadow away from the hair is skin drawn over)
    reach = 2 * int(HAIR_REACH * d.n) + 1
    near = cv2.dilate((fit.hair > 0).astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    return cv2.GaussianBlur((out & high & bare & near).astype(np.float32), (0, 0), 0.7)


class _SkinField:
    """Skin in a neckline: the photo's own pixels where the person's skin really is there, elsewhere the
    neck's colours across (one row just above the collar line) carried down with the neck's own change of
    tone from top to bottom (fading out); the finish adds the neck's texture to the invented part."""

    def __init__(self, fit, photo_shows=None):
        self.fit = fit
        self.photo_shows = photo_shows  # HxW float32 or None: where the photo's own pixels show besides

    def region(self, rows, cols):
        fit = self.fit
        n_rows = rows.stop - rows.start
        row = np.asarray(fit.skin, np.float32)[None, :] if fit.skin_row is None else fit.skin_row[cols]
        invented = np.broadcast_to(row[None, :, :], (n_rows, row.shape[0], 3)).astype(np.float32)
        if fit.skin_slope is not None:  # the neck's change of tone, carried on and fading out below it
            start = fit.collar_y + fit.skin_depth - 0.3 * fit.neck
            below = np.clip(np.arange(rows.start, rows.stop, dtype=np.float32) - start, 0, None)
            reach = fit.neck * (1 - np.exp(-below / fit.neck))
            change = np.clip(reach[:, None] * fit.skin_slope[None, :], -MAX_TONE_CHANGE, MAX_TONE_CHANGE)
            invented = invented + change[:, None, :]
        if fit.shade_skin and fit.neck_shade is not None:  # shaded as a real neck is (fit.py)
            invented = invented * fit.neck_shade[rows, cols][..., None]
        if fit.shade_skin and fit.neck_fill is not None:
            # Over their collar on the neck, the neck filled in from its own skin around it (its light and
            # shade), turning into the chest's colours below the collar line.
            near = (
                _neck_fill_weight(fit, rows, cols)
                * fit.neck_fill_near[rows, cols]
                * fit.neck_filled[rows, cols]
            )
            near = near[..., None]
            invented = near * fit.neck_fill[rows, cols] + (1 - near) * invented
        if fit.photo is None or fit.real_skin is None:
            return invented
        real = fit.real_skin[rows, cols]
        if self.photo_shows is not None:
            real = np.maximum(real, self.photo_shows[rows, cols])
        real = real[..., None]
        return real * fit.photo[rows, cols] + (1 - real) * invented


def _neck_fill_weight(fit, rows, cols):
    """How much of drawn neck skin takes the neck filled in from its skin (fit.neck_fill): all of it on the
    neck down to the collar line, none on the chest below it or beyond the neck's sides."""
    ys = np.arange(rows.start, rows.stop, dtype=np.float32)[:, None]
    xs = np.arange(cols.start, cols.stop, dtype=np.float32)[None, :]
    down = np.clip(1 - (ys - fit.collar_y) / (FILL_FADE * fit.neck), 0, 1)
    across = np.clip((0.9 - np.abs(xs - fit.cx) / fit.neck) / 0.2, 0, 1)
    return (down * across).astype(np.float32)


def _top(d, outfit):
    kind = outfit.top
    body = d.body([d.neckline(kind)])
    d.p.shadow(body, 0, 0.1 * d.n, 0.15 * d.n, 0.22)
    d.p.paint(body, d.fabric(outfit.top_color))
    d.lift(body, 0.12, 0.15)
    hem = d.neckline(kind)[1:-1]
    d.p.paint(d.p.mask(lines=[(hem, 0.05 * d.n)]) * body, d.edge(outfit.top_color, 0.8))
    if kind in ("collar", "collar_open", "polo"):
        _placket(d, outfit, kind)
    if kind == "polo":
        _polo_collar(d, outfit)
    elif kind == "bow":
        _bow(d, outfit)
    elif kind == "peterpan":
        _peter_pan(d, outfit)
    elif kind in ("round", "scoop"):
        d.p.paint(d.p.mask(lines=[(hem, 0.14 * d.n)]) * body, d.fabric(outfit.top_color, 0.92))


def _placket(d, outfit, kind):
    top = {"collar": 0.5, "collar_open": 1.9, "polo": 0.95}[kind]
    bottom = 2.6 if kind == "polo" else 20
    strip = d.p.mask([[d.pt(0.2, top, -1), d.pt(0.2, top, 1), d.pt(0.2, bottom, 1), d.pt(0.2, bottom, -1)]])
    lines = d.p.mask(lines=[([d.pt(0.2, top, s), d.pt(0.2, bottom, s)], 0.035 * d.n) for s in (-1, 1)])
    d.p.paint(lines * strip.clip(0, 1) + lines * 0.6, d.edge(outfit.top_color, 0.8))
    gap = 1.1 if kind != "polo" else 0.7
    dots = [(d.c, d.y0 + (top + 0.35 + i * gap) * d.n, 0.09 * d.n) for i in range(12)]
    dots = [dot for dot in dots if dot[1] < d.y0 + bottom * d.n - 0.1 * d.n]
    if outfit.tie:
        return
    d.p.paint(d.p.mask(dots=dots), d.edge(outfit.top_color, 0.72))


def _shirt_collar(d, outfit):
    """Two collar leaves that stand against the neck's sides and fold down to their points."""
    open_ = outfit.top == "collar_open"
    front = (0.28, 0.55) if outfit.tie else ((0.42, 1.1) if open_ else (0.05, 0.5))
    tip = (1.05, 1.45) if open_ else (0.78, 1.55)
    leaves = []
    for s in (-1, 1):
        up = _collar_rise(d, s)
        top_out, top_in = d.pt(1.14, -0.45 * d.stand - up, s), d.pt(0.92, -0.5 * d.stand - up, s)
        inner = bezier(top_in, d.pt(0.9, 0.15, s), d.pt(*front, s))
        point = d.pt(*tip, s)
        outer = bezier(d.pt(1.75 if open_ else 1.6, 0.3, s), d.pt(1.3, -0.3 * d.stand - up, s), top_out)
        leaves.append(inner + [point] + outer)
    _collar_leaves(d, d.p.mask(leaves), outfit.top_color, 1.03)


def _collar_leaves(d, mask, colour, gloss, grain=COTTON):
    """A shirt's, polo's or blouse's collar leaves: thin cloth folded over, lying on the shirt. Only a narrow,
    soft shadow under their edge and a low rounded edge show it; light cloth catches no highlight on its
    roll (on white, the round-3 lift, rim light and wide shadow read as a padded, puffy edge)."""
    d.cast(mask, *LEAF_SHADOW)
    d.p.paint(mask, d.fabric(colour, gloss, grain=grain))
    d.lift(mask, *LEAF_LIFT)
    d.rim(mask, amount=RIM_LIGHT * (1 - _light_share(colour)))


def _light_share(colour):
    """0 for cloth of mean RGB up to LEAF_RIM_FROM, 1 for white: how far it is treated as light cloth."""
    return float(np.clip((np.mean(colour) - LEAF_RIM_FROM) / (255.0 - LEAF_RIM_FROM), 0, 1))


def _collar_rise(d, side):
    """Neck half-widths by which a collar's leaf on one side stands higher than drawn, so that it reaches the
    garment's top line beside the neck where that rose toward the jaw (their collar stood there): a shirt's
    body stood above its own collar leaves (p09)."""
    fit = d.fit
    x = int(np.clip(round(d.c + side * 1.14 * d.n), 0, fit.width - 1))
    drawn = d.y0 - 0.45 * d.stand * d.n
    return float(np.clip((drawn - fit.garment_top[x]) / d.n, 0, STAND_RISE))


def _polo_collar(d, outfit):
    leaves = []
    for s in (-1, 1):
        up = _collar_rise(d, s)
        inner = bezier(d.pt(0.92, -0.45 * d.stand - up, s), d.pt(0.9, 0.3, s), d.pt(0.22, 0.95, s))
        outer = bezier(d.pt(1.7, 0.35, s), d.pt(1.3, -0.3 * d.stand - up, s), d.pt(1.12, -0.4 * d.stand - up, s))
        leaves.append(inner + [d.pt(0.95, 1.25, s)] + outer)
    _collar_leaves(d, d.p.mask(leaves), outfit.top_color, 1.02, KNIT)


def _peter_pan(d, outfit):
    leaves = [ellipse(*d.pt(0.72, 0.32, s), 0.78 * d.n, 0.48 * d.n) for s in (-1, 1)]
    mask = d.p.mask(leaves, holes=[ellipse(d.c, d.y0 - 0.1 * d.n, 0.95 * d.n, 0.7 * d.n)])
    _collar_leaves(d, mask, outfit.top_color, 1.03)


def _bow(d, outfit):
    knot = ellipse(*d.pt(0, 0.75), 0.22 * d.n, 0.18 * d.n)
    loops = [ellipse(*d.pt(0.5, 0.7, s), 0.42 * d.n, 0.24 * d.n) for s in (-1, 1)]
    tails = [[d.pt(0.08, 0.8, s), d.pt(0.28, 0.85, s), d.pt(0.5, 2.1, s), d.pt(0.3, 2.2, s)] for s in (-1, 1)]
    for shapes, gloss in ((tails, 0.95), (loops, 1.0), ([knot], 0.97)):
        mask = d.p.mask(shapes)
        d.cast(mask, 0.08, 0.15, 0.3)
        d.p.paint(mask, d.fabric(outfit.top_color, gloss, grain=SILK))
        d.lift(mask, 0.15, 0.1)
        d.rim(mask)


def _tie(d, outfit):
    if outfit.tie == "bow":
        return
    blade = [d.pt(0.17, 0.75, -1), d.pt(0.17, 0.75, 1), d.pt(0.52, 4.6, 1), d.pt(0, 5.3), d.pt(0.52, 4.6, -1)]
    knot = bezier(d.pt(0.32, 0.28, -1), d.pt(0, 0.18), d.pt(0.32, 0.28, 1)) + [
        d.pt(0.19, 0.9, 1),
        d.pt(0.19, 0.9, -1),
    ]
    for shape in (blade, knot):
        mask = d.p.mask([shape])
        d.cast(mask, 0.08, 0.15, 0.35)
        d.p.paint(mask, d.fabric(outfit.tie_color, 1.0 if shape is blade else 1.08, grain=SILK))
        d.lift(mask, 0.15 if shape is blade else 0.22, 0.12)
        if outfit.tie == "stripe":
            stripes = [
                [
                    d.pt(-1.5 + k, 0.5 + 0.0),
                    d.pt(-1.3 + k, 0.5),
                    d.pt(-1.3 + k + 6, 6.5),
                    d.pt(-1.5 + k + 6, 6.5),
                ]
                for k in np.arange(-6, 3, 0.75)
            ]
            stripe = d.p.mask(stripes) * mask
            d.p.paint(stripe, d.fabric(outfit.tie_color2, grain=SILK))
        d.rim(mask)


def _bow_tie(d, outfit):
    wings = [
        [d.pt(0.15, 0.5, s), d.pt(1.0, 0.22, s), d.pt(1.05, 1.05, s), d.pt(0.15, 0.82, s)] for s in (-1, 1)
    ]
    knot = [d.pt(0.2, 0.45, -1), d.pt(0.2, 0.45, 1), d.pt(0.2, 0.87, 1), d.pt(0.2, 0.87, -1)]
    for shapes, gloss in ((wings, 1.0), ([knot], 1.25)):
        mask = d.p.mask(shapes)
        d.cast(mask, 0.08, 0.18, 0.35)
        d.p.paint(mask, d.fabric(outfit.tie_color, gloss, 14, grain=SILK))
        d.lift(mask, 0.2, 0.1)
        d.rim(mask)


def _lapel(d, style, s):
    top_in, top_out = d.pt(1.12, -0.3, s), d.pt(1.55, -0.25, s)
    button = d.pt(0.06, 4.4, s)
    if style == "shawl":
        return [top_in, top_out] + bezier(top_out, d.pt(2.7, 0.9, s), d.pt(2.1, 3.0, s), button)
    if style == "peak":
        notch = [d.pt(2.0, 0.8, s), d.pt(1.92, 1.02, s), d.pt(2.75, 0.55, s)]
        belly = bezier(d.pt(2.75, 0.55, s), d.pt(2.6, 2.2, s), button)
    else:
        notch = [d.pt(2.05, 0.85, s), d.pt(1.88, 1.08, s), d.pt(2.45, 1.18, s)]
        belly = bezier(d.pt(2.45, 1.18, s), d.pt(2.5, 2.6, s), button)
    return [top_in] + bezier(top_out, d.pt(1.75, 0.2, s), notch[0]) + notch[1:] + belly


def _jacket(d, outfit):
    colour = outfit.jacket_color
    body = d.body([d.neckline("jacket")])
    d.p.shadow(body, 0, 0.08 * d.n, 0.2 * d.n, 0.45)
    d.p.paint(body, d.fabric(colour, grain=WOOL))
    d.lift(body, 0.3, 0.12)
    lapels = [_lapel(d, outfit.jacket, s) for s in (-1, 1)]
    mask = d.p.mask(lapels)
    # Light cloth is pressed flat like a collar's leaf: a narrow shadow under its fold and a low edge, no
    # highlight on a broad roll (a white blazer's lapels, lifted 0.22 neck half-widths and rounded over 0.3,
    # read as padded); dark cloth shows its lapels by the roll's highlight.
    t = _light_share(colour)
    shadow = np.add(np.multiply(LAPEL_SHADOW, 1 - t), np.multiply(LEAF_SHADOW, t))
    # (lapels lie on the chest, in front of the neck and well below it: their shadow falls on the shirt)
    d.cast(mask, *shadow, on_skin=False)
    d.p.paint(mask, d.fabric(colour, 1.03 if outfit.jacket != "shawl" else 1.08, 3, grain=WOOL))
    d.lift(mask, *np.add(np.multiply(LAPEL_LIFT, 1 - t), np.multiply(LEAF_LIFT, t)))
    d.rim(mask, amount=RIM_LIGHT * (1 - t))
    if t > 0:
        d.p.pressed = mask * t
    # Breast pocket on the wearer's left (image right) and the top button.
    welt = [d.pt(2.3, 3.25), d.pt(3.7, 3.05), d.pt(3.72, 3.3), d.pt(2.32, 3.5)]
    if outfit.pocket_square:
        square = [d.pt(2.55, 3.2), d.pt(2.75, 2.85), d.pt(3.05, 2.95), d.pt(3.3, 2.75), d.pt(3.5, 3.1)]
        d.p.paint(d.p.mask([square]), d.fabric(outfit.pocket_square))
    d.p.paint(d.p.mask(lines=[(welt + welt[:1], 0.05 * d.n)]), d.edge(colour))
    d.p.paint(d.p.mask(dots=[(d.c, d.y0 + 4.55 * d.n, 0.16 * d.n)]), d.edge(colour, 0.45))
    if outfit.crest:
        _crest(d, outfit)


def _crest(d, outfit):
    shield = (
        [d.pt(2.45, 2.3), d.pt(3.45, 2.3), d.pt(3.45, 3.0)]
        + bezier(d.pt(3.45, 3.0), d.pt(3.4, 3.6), d.pt(2.95, 3.8))
        + bezier(d.pt(2.95, 3.8), d.pt(2.5, 3.6), d.pt(2.45, 3.0))
    )
    mask = d.p.mask([shield])
    d.p.paint(mask, d.fabric(outfit.tie_color2))
    inner = [d.pt(2.62, 2.45), d.pt(3.28, 2.45), d.pt(3.28, 2.98), d.pt(2.95, 3.55), d.pt(2.62, 2.98)]
    d.p.paint(d.p.mask([inner]), d.fabric(outfit.tie_color))
    d.p.paint(
        d.p.mask(
            lines=[
                ([d.pt(2.95, 2.5), d.pt(2.95, 3.4)], 0.08 * d.n),
                ([d.pt(2.7, 2.85), d.pt(3.2, 2.85)], 0.08 * d.n),
            ]
        ),
        d.fabric(outfit.tie_color2),
    )


def _plain_jacket(d, outfit, kind, trim=False, rib=False, buttons=False):
    colour = outfit.jacket_color
    opening = d.neckline(kind)
    body = d.body([opening])
    d.p.shadow(body, 0, 0.08 * d.n, 0.18 * d.n, 0.4)
    d.p.paint(body, d.fabric(colour, grain=KNIT if rib else WOOL))
    d.lift(body, 0.25, 0.12)
    edge = opening[1:-1]
    if rib:
        band = d.p.mask(lines=[(edge, 0.42 * d.n)]) * body
        d.p.paint(band, d.fabric(colour, 0.93, grain=KNIT))
        d.lift(band, 0.08, 0.1)
        d.p.paint(d.p.mask(lines=[(edge, 0.04 * d.n)]) * body, d.edge(colour, 0.75))
    if trim:
        d.p.paint(d.p.mask(lines=[(edge, 0.22 * d.n)]) * body, d.fabric(colour, 1.25, 20, grain=WOOL))
    if buttons:
        dots = [
            (x + 0.12 * d.n * np.sign(x - d.c), y, 0.1 * d.n) for x, y in edge[::5] if y > d.y0 + 3.3 * d.n
        ]
        dots += [(d.c - 0.2 * d.n, d.y0 + y * d.n, 0.11 * d.n) for y in (3.9, 5.0, 6.1)]
        d.p.paint(d.p.mask(dots=dots[-3:]), d.edge(colour, 0.5))
