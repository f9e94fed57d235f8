"""The photographic finish: what makes a painted garment look photographed together with the person.

- Light: its direction is estimated from the face's own shading (the skin's brightness fitted to the normals
  of an ellipsoid face), so the cloth is lit from the same side as the face.
- Form: the garment is a 2.5-D surface. Its height is the body's rounded form (from the garment's outline),
  plus the layers of cloth the painter lifted (lapels, collars, a tie stand on what lies below them), plus
  soft folds at the shoulders and along the lapels; its normals are lit by that light.
- Contact shadows (ambient occlusion) where the garment meets the chin, the neck and hair falling over it.
- Sharpness and grain: blurred to the photo's measured blur (the coverage too, so its edge is as soft as the
  photo's), then a fabric texture and noise are added, scaled so the garment's median absolute Laplacian
  matches the person's own clothes (or, when none show, their skin).
- Skin in a neckline gets the texture of the real neck above it (its spectrum, never a repeated patch),
  not grain.
"""

import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from ..beauty import regions
from ..beauty.filters import luma

AMBIENT = 0.5  # share of the light that does not depend on the surface's direction
SHADE_RANGE = (0.55, 1.18)  # shading never darker or brighter than this (no black sides, no blown whites)
FORM_RADIUS = 1.8  # neck half-widths over which the body's outline rounds away from the camera
CHEST_HALF = 6.0  # neck half-widths: half the chest's breadth, over which it curves round (see chest())
CHEST_DEPTH = 0.5  # the chest's depth over its breadth
LIGHT_FROM_ABOVE = 0.45  # vertical component of the light (studio and daylight come from above)
CHEEK_U = (0.3, 0.85)  # the cheeks: this far out from the face's centre line, in half face widths
SHOULDER_TURN = np.radians(30)  # how far the chest and the cheeks are turned from the camera, on average
MAX_SIDE = 1.5  # the light's side component at most (over 1 toward the camera): light from well aside
CHIN_SHADOW = 0.3  # darkening of the garment just under the chin and neck
HAIR_SHADOW = 0.35  # darkening of the garment just around hair that falls over it
BLUR_RANGE = (0.45, 2.2)  # px: the photo's measured blur is kept within this
DRAWN_BLUR = 0.45  # px: the painter's own softness (4x supersampled, box filtered)
GRAIN_RANGE = (0.8, 4.0)  # target median absolute Laplacian of the garment's luma
SKIN_DETAIL = 1.5  # px: the neck's texture is what its luma has finer than this blur
# Of a skin patch's spectral power, the share averaged over rings of equal frequency (see _radial): the rest
# keeps a little of its own directions. (All of it averaged made p09's drawn neck a little more detailed.)
RADIAL_SHARE = 0.75
GRAIN_SHARE = 0.85  # of that target given to the texture (the rest comes from the drawing itself)
MOTTLE, MOTTLE_SIZE = 0.45, 0.04  # the cloth's unevenness: strength (of the fine noise's), size (neck half-widths)
# Folds in neck half-widths from the neck centre and the collar line (outward x, down y): (start, end,
# height, width). Positive heights are ridges, negative ones the valleys between them.
SHOULDER_FOLDS = (
    ((1.5, 0.35), (3.6, 1.7), 0.16, 0.22),
    ((1.7, 0.9), (3.4, 2.9), -0.12, 0.25),
    ((2.3, 0.2), (4.2, 0.9), 0.1, 0.2),
    ((1.3, 1.5), (2.6, 4.2), 0.08, 0.3),
)
PRESSED_SPAN = 0.6  # neck half-widths over which pressed cloth's surface is evened out...
PRESSED_EDGE = 0.06  # ...all of it from this far in from its edge
LAPEL_FOLDS = (((2.7, 1.2), (1.3, 4.4), -0.12, 0.22), ((2.2, 0.6), (2.9, 2.4), 0.1, 0.25))


@dataclass(frozen=True)
class Look:
    """How the photo looks: where its light comes from, how soft it is, how grainy its clothes are."""

    light: tuple = (-0.35, -LIGHT_FROM_ABOVE, 1.0)  # unit vector, image axes (x right, y down, z to viewer)
    blur: float = 0.6  # px (Gaussian sigma) of the photo's sharpness
    grain: float = 1.6  # median absolute Laplacian of luma in the person's clothes


def _unit(v):
    v = np.asarray(v, np.float64)
    return tuple(float(x) for x in v / max(np.linalg.norm(v), 1e-9))


def measure_look(canvas, points, clothes, skin):
    """A Look for the photo `canvas` with face mesh `points`; `clothes` (bool HxW) are the person's own
    clothes (their grain is matched), or empty; `skin` (bool HxW) the face's skin."""
    lum = luma(canvas)
    return Look(light=_light(lum, skin, points), blur=_blur(lum, points), grain=_grain(lum, clothes, skin))


def _light(lum, skin, points):
    """Light direction from the face: how much brighter one cheek is than the other says from which side the
    light comes and how far round; the vertical part is taken as from above (the forehead is lit, the chin
    shadows). The side is chosen so that the garment's shoulders, turned as far from the camera as the
    cheeks are, differ as much in this light as the cheeks do (an ellipsoid fitted to the whole face's
    brightness gave p09, lit clearly from his right, an almost frontal light: the bright nose and mouth in
    the middle of the face hide the difference between its sides)."""
    oval = points[list(regions.FACE_OVAL)]
    cx, cy = oval.mean(axis=0)
    rx, ry = np.ptp(oval[:, 0]) / 2, np.ptp(oval[:, 1]) / 2
    ys, xs = np.nonzero(skin)
    u, v = (xs - cx) / max(rx, 1), (ys - cy) / max(ry, 1)
    keep = (u * u + v * v < 0.8) & (v < 0.35)  # above the mouth: a beard or stubble is not shading
    if keep.sum() < 50:
        return Look.light
    u, v, values = u[keep], v[keep], lum[ys[keep], xs[keep]]
    cheek = (np.abs(v) < 0.45) & (np.abs(u) > CHEEK_U[0]) & (np.abs(u) < CHEEK_U[1])
    left, right = (values[cheek & (side * u > 0)] for side in (-1, 1))
    if left.size < 20 or right.size < 20:
        return Look.light
    lit_left, lit_right = float(np.median(left)), float(np.median(right))
    contrast = (lit_right - lit_left) / max(lit_right + lit_left, 1.0) * 2
    return _light_for_contrast(contrast)


def _light_for_contrast(contrast):
    """The light (from above, at some side) under which surfaces turned SHOULDER_TURN to the left and to the
    right differ in brightness by `contrast` (their difference over their mean) with the finish's shading."""
    sides = np.linspace(-MAX_SIDE, MAX_SIDE, 181)
    turn = np.sin(SHOULDER_TURN), np.cos(SHOULDER_TURN)
    best, best_error = 0.0, np.inf
    for side in sides:
        lx, _ly, lz = _unit((side, -LIGHT_FROM_ABOVE, 1.0))
        lit = [AMBIENT + (1 - AMBIENT) * max(0.0, s * turn[0] * lx + turn[1] * lz) for s in (1, -1)]
        error = abs((lit[0] - lit[1]) / (lit[0] + lit[1]) * 2 - contrast)
        if error < best_error:
            best, best_error = side, error
    return _unit((best, -LIGHT_FROM_ABOVE, 1.0))


def _blur(lum, points):
    """Sharpness of the photo around the face (Gaussian sigma, px): the steepest edges there lose this much
    of their slope when blurred once more by sigma 1 (a blurred edge loses less)."""
    x0, y0, x1, y1 = regions.face_box(points, lum.shape, margin=0.05)
    crop = lum[y0:y1, x0:x1]
    if crop.shape[0] < 16 or crop.shape[1] < 16:
        return Look.blur
    slope = [
        np.percentile(np.hypot(*np.gradient(c)), 99.5) for c in (crop, cv2.GaussianBlur(crop, (0, 0), 1))
    ]
    ratio = min(0.95, slope[1] / max(slope[0], 1e-3))
    return float(np.clip(ratio / np.sqrt(1 - ratio * ratio), *BLUR_RANGE))


def _grain(lum, clothes, skin):
    lap = np.abs(cv2.Laplacian(lum, cv2.CV_32F, ksize=1))
    core = cv2.erode(clothes.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    if core.sum() >= 300:
        return float(np.clip(np.median(lap[core]), *GRAIN_RANGE))
    if skin.sum() >= 300:  # no clothes to learn from: skin is about as grainy as cloth in the same photo
        return float(np.clip(np.median(lap[skin]), *GRAIN_RANGE))
    return Look.grain


def neck_texture(canvas, skin_like, cx, neck, collar_y, chin_y=None):
    """The texture (luma minus its blur) of the neck just above the collar line: pores, fine unevenness and
    the photo's noise, which skin drawn in a neckline takes on (see skin_texture). Where their collar hides
    the neck (p12, p04), the chin's skin just above its edge (`chin_y`) instead: drawn skin without any
    texture stood flat beside the photo's own."""
    h, w = skin_like.shape
    x0, x1 = int(np.clip(cx - 0.4 * neck, 0, w)), int(np.clip(cx + 0.4 * neck, 0, w))
    bands = [(collar_y - 1.0 * neck, collar_y - 0.2 * neck)]
    if chin_y is not None:
        bands.append((chin_y - 0.5 * neck, chin_y - 0.1 * neck))
    for top, bottom in bands:
        y0, y1 = int(np.clip(top, 0, h)), int(np.clip(bottom, 0, h))
        if y1 - y0 >= 4 and x1 - x0 >= 4 and skin_like[y0:y1, x0:x1].mean() >= 0.8:
            lum = luma(canvas[y0:y1, x0:x1])
            return np.clip(lum - cv2.GaussianBlur(lum, (0, 0), SKIN_DETAIL), -8, 8).astype(np.float32)
    return None


def skin_texture(patch, shape, seed=0x5C1):
    """A texture of `shape` with the same spectrum and strength as `patch` but no repeat: white noise
    filtered by the patch's (zero-phase) spectrum, mostly averaged over rings of equal frequency (RADIAL_SHARE).
    A patch repeated, even mirrored, shows as a pattern over a wide neckline; this has the neck's grain
    without one."""
    ph, pw = patch.shape
    centred = patch - patch.mean()
    window = np.outer(np.hanning(ph + 2)[1:-1], np.hanning(pw + 2)[1:-1]).astype(np.float32)
    own = np.abs(np.fft.fft2(centred * window))
    spectrum = np.sqrt((1 - RADIAL_SHARE) * own**2 + RADIAL_SHARE * _radial(own) ** 2)
    kernel = np.fft.fftshift(np.real(np.fft.ifft2(spectrum))).astype(np.float32)
    noise = np.random.default_rng(seed).normal(0, 1, shape).astype(np.float32)
    texture = cv2.filter2D(noise, -1, kernel, borderType=cv2.BORDER_REFLECT)
    # Its strength as the patch's typical detail (a robust spread): a crease or the jaw's edge in the patch
    # would otherwise make all of it coarse.
    spread = 1.4826 * float(np.median(np.abs(centred - np.median(centred))))
    texture *= spread / max(float(texture.std()), 1e-6)
    return np.clip(texture, -8, 8)


def _radial(amplitude, bands=8):
    """An amplitude spectrum (of a patch, FFT layout) averaged in power over rings of equal frequency: the
    patch's grain at each scale, the same in every direction. One small patch's own spectrum is all peaks
    (its few creases and pores), and noise filtered by it showed a regular pebbled or hatched pattern on a
    wide drawn neck (p12 at 600x800)."""
    fy = np.fft.fftfreq(amplitude.shape[0])[:, None]
    fx = np.fft.fftfreq(amplitude.shape[1])[None, :]
    radius = np.hypot(fy, fx) / 0.5  # 0 .. ~1.41 (the corners)
    ring = np.minimum((radius * bands).astype(int), int(np.ceil(1.42 * bands)))
    counts = np.bincount(ring.ravel())
    power = np.bincount(ring.ravel(), (amplitude**2).ravel()) / np.maximum(counts, 1)
    centres = (np.arange(power.size) + 0.5) / bands
    filled = counts > 0
    return np.sqrt(np.interp(radius, centres[filled], power[filled])).astype(np.float32)


def _ridge(shape, top, a, b, height, width):
    """A soft fold along the segment a-b (canvas px): a Gaussian across it, fading toward its ends."""
    h, w = shape
    x0 = int(max(0, min(a[0], b[0]) - 3 * width))
    x1 = int(min(w, max(a[0], b[0]) + 3 * width + 1))
    y0 = int(max(top, min(a[1], b[1]) - 3 * width))
    y1 = int(min(top + h, max(a[1], b[1]) + 3 * width + 1))
    out = np.zeros(shape, np.float32)
    if x1 <= x0 or y1 <= y0:
        return out
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = max(dx * dx + dy * dy, 1e-6)
    t = np.clip(((xs - ax) * dx + (ys - ay) * dy) / length2, 0, 1)
    dist2 = (xs - ax - t * dx) ** 2 + (ys - ay - t * dy) ** 2
    out[y0 - top : y1 - top, x0:x1] = height * np.exp(-dist2 / (2 * width * width)) * np.sin(np.pi * t)
    return out


def folds(d, outfit):
    """Height (px) of the soft folds of `outfit` on drawing `d`: at both shoulders, along the lapels of a
    jacket, and a gentle unevenness all over; placed a little differently for each outfit."""
    rng = np.random.default_rng(zlib.crc32(outfit.id.encode()))
    shape, top, n = d.p.cov.shape, d.p.top, d.n
    height = np.zeros(shape, np.float32)
    lines = SHOULDER_FOLDS + (LAPEL_FOLDS if outfit.jacket in ("notch", "peak", "shawl") else ())
    for side in (-1, 1):
        for (ax, ay), (bx, by), amount, width in lines:
            jitter = rng.normal(0, 0.12, 4)
            a = d.pt(ax + jitter[0], ay + jitter[1], side)
            b = d.pt(bx + jitter[2], by + jitter[3], side)
            height += _ridge(shape, top, a, b, amount * n * rng.uniform(0.8, 1.2), width * n)
    wobble = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), max(1.0, 0.5 * n))
    height += wobble / max(float(wobble.std()), 1e-6) * 0.04 * n
    return height


def form(coverage, n):
    """Height (px) of the body's rounded form: the garment's outline curves away from the camera over
    FORM_RADIUS neck half-widths (shoulders and sides); the bottom edge of the photo is not an edge."""
    inside = (coverage > 0.5).astype(np.uint8)
    pad = int(FORM_RADIUS * n) + 2
    inside = np.pad(inside, ((0, pad), (0, 0)), mode="edge")
    distance = cv2.distanceTransform(inside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[:-pad]
    radius = max(1.0, FORM_RADIUS * n)
    t = np.clip(distance / radius, 0, 1)
    # Smoothed: the distance has creases where the nearest edge changes, which would light as streaks.
    height = (radius * np.sqrt(1 - (1 - t) ** 2)).astype(np.float32)
    return cv2.GaussianBlur(height, (0, 0), max(1.0, 0.25 * n))


def chest(shape, cx, n):
    """Height (px) of the chest's breadth: across the garment the body is a flattened cylinder (half as deep
    as it is wide, CHEST_HALF neck half-widths), so a light from one side brightens that half of the chest
    and shades the other, not only the shoulders' edges."""
    half = CHEST_HALF * n
    u = np.clip((np.arange(shape[1], dtype=np.float32) - cx) / half, -0.97, 0.97)
    across = CHEST_DEPTH * half * np.sqrt(1 - u * u)
    return np.broadcast_to(across[None, :], shape).astype(np.float32)


def _pressed(height, pressed, n):
    """`height` evened out where cloth is pressed flat (`pressed`, 0..1): averaged over PRESSED_SPAN neck
    half-widths within it only, so its edge stays a crisp step (the fold) and no slope inside it is lit as
    a roll (a white blazer's lapels rounded by the folds and their lift over 8-10 px read as padded)."""
    inside = (pressed > 0.5).astype(np.float32)
    sigma = max(1.0, PRESSED_SPAN * n)
    even = cv2.GaussianBlur(height * inside, (0, 0), sigma) / np.maximum(cv2.GaussianBlur(inside, (0, 0), sigma), 1e-3)
    # (fully in from the edge's first pixels: there the cloth's thickness turns down as a thin fold)
    edge = np.clip(2 * cv2.GaussianBlur(inside, (0, 0), max(0.5, PRESSED_EDGE * n)) - 1, 0, 1)
    return height + pressed * edge * (even - height)


def shading(height, light):
    """Lambert shading of the surface `height` (px) by the unit `light`, 1 where it faces the camera."""
    gy, gx = np.gradient(cv2.GaussianBlur(height, (0, 0), 0.7))
    norm = np.sqrt(gx * gx + gy * gy + 1)
    lx, ly, lz = light
    facing = np.clip((-gx * lx - gy * ly + lz) / norm, 0, 1)
    shade = (AMBIENT + (1 - AMBIENT) * facing) / (AMBIENT + (1 - AMBIENT) * lz)
    return np.clip(shade, *SHADE_RANGE).astype(np.float32)


def contact_shadow(occluder, n, strength, reach, drop):
    """Soft darkening (a factor, 1 = none) near `occluder` (HxW 0..1), shifted `drop` px down."""
    shifted = cv2.warpAffine(occluder, np.float32([[1, 0, 0], [0, 1, drop]]), occluder.shape[::-1])
    return 1 - strength * np.clip(cv2.GaussianBlur(shifted, (0, 0), max(0.7, reach * n)) * 1.6, 0, 1)


def fabric_texture(shape, seed, blur, mottle=0.0):
    """Unit texture: fine noise plus a faint diagonal weave, blurred as the photo is, plus a mottle (noise
    blurred over `mottle` px, MOTTLE of the fine noise's strength): real cloth is a little uneven over a few
    threads (its weave's and the light's small variations), where noise alone is even beyond a pixel or two
    (on men in suits the garment's luma had 0.45-0.62x their clothes' share of detail between 1.5 and 3 px
    over its finest band; 0.55-0.82x with it)."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, shape).astype(np.float32)
    weave = cv2.filter2D(rng.normal(0, 1, shape).astype(np.float32), -1, np.eye(3, dtype=np.float32) / 3)
    texture = noise + 0.8 * weave
    if blur > 0.1:
        texture = cv2.GaussianBlur(texture, (0, 0), blur)
    if mottle > 0:
        uneven = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), mottle)
        texture = texture + MOTTLE * uneven / max(float(uneven.std()), 1e-6)
    return texture


def _roll_off(rgb, top):
    """Values above a knee 40 levels under `top` bent smoothly so that none exceeds `top`."""
    knee = top - 40.0
    over = np.maximum(rgb - knee, 0)
    return np.where(rgb > knee, knee + 40.0 * (1 - np.exp(-over / 40.0)), rgb).astype(np.float32)


def _median_laplacian(image, mask):
    lap = np.abs(cv2.Laplacian(image, cv2.CV_32F, ksize=1))
    return float(np.median(lap[mask])) if mask.any() else 0.0


def finish(painter, fit, outfit, height):
    """(rgb, coverage) full-canvas float32 of the painted garment with the finish applied; `height` is the
    folds' height (window-sized)."""
    p, n, look = painter, fit.neck, fit.look or Look()
    top = p.top
    height = height + p.height + form(p.cov, n) + chest(p.cov.shape, fit.cx, n)
    if p.pressed is not None:
        height = _pressed(height, p.pressed, n)
    shadows = np.ones(p.cov.shape, np.float32)
    if fit.occluder is not None:  # under the chin and around the neck
        shadows *= contact_shadow(fit.occluder[top:], n, CHIN_SHADOW, 0.25, 0.12 * n)
    if fit.hair is not None:  # around hair that falls over the garment
        shadows *= contact_shadow(fit.hair[top:], n, HAIR_SHADOW, 0.12, 0.04 * n)
    shade = shading(height, look.light) * shadows
    # The painter's colours are premultiplied by coverage (layers start from nothing): blurred as such,
    # then divided out, so the garment's edge keeps its colour as it softens (no dark rim).
    # Skin is not cloth: no folds, form or shadows on it (it takes its tone from the real neck).
    real = fit.real_skin[top:] if fit.real_skin is not None and fit.photo is not None else 0.0
    skin_share = np.clip(p.skin / np.maximum(p.cov, 1e-3), 0, 1)
    shade = shade * (1 - skin_share) + skin_share
    prem = p.rgb * shade[..., None]
    cov, grain, skin = p.cov, p.grain, p.skin * (1 - real)
    extra = float(np.sqrt(max(look.blur**2 - DRAWN_BLUR**2, 0.0)))
    if extra > 0.15:
        prem = cv2.GaussianBlur(prem, (0, 0), extra)
        cov, grain, skin = (cv2.GaussianBlur(a, (0, 0), extra) for a in (cov, grain, skin))
    inv = 1.0 / np.maximum(cov, 1e-3)
    rgb, grain, skin = prem * inv[..., None], grain * inv, np.clip(skin * inv, 0, 1)
    texture = fabric_texture(cov.shape, zlib.crc32(outfit.id.encode()) ^ 0x5EED, extra, MOTTLE_SIZE * n)
    # The drawing's own edges, folds and shading add a little grain of their own.
    amplitude = GRAIN_SHARE * look.grain / max(_median_laplacian(texture, cov > 0.5), 1e-6)
    # A white shirt in full light would clip at white and lose its grain there: its highlights roll off
    # below white first, leaving room for the grain (as a photo's own white cloth keeps its texture).
    headroom = 3.0 * amplitude * float(texture.std())
    rgb = _roll_off(rgb, 255.0 - headroom) * (1 - skin[..., None]) + rgb * skin[..., None]
    rgb = rgb + (amplitude * texture * grain)[..., None]
    if fit.neck_detail is not None and skin.max() > 0:
        detail = skin_texture(fit.neck_detail, cov.shape)
        rgb = rgb + (detail * skin)[..., None]
    return p.full(np.clip(rgb, 0, 255)), p.full(np.clip(cov, 0, 1))
