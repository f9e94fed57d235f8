"""The four beauty filters. Each works on uint8 RGB arrays in output pixels and returns new arrays."""

import cv2
import numpy as np

from .. import mesh
from . import regions

# Brightening
TARGET_FACE_LUMA = 0.58  # median skin luma (0..1, sRGB) a well-lit face sits at or above
BRIGHT_LIFT = (10.5, 22.0)  # grey levels the face's midtones rise at factor 1: well-lit .. dark faces
DARK_GAIN = 0.5  # of a dark face's shortfall below the target that is added to the lift
MAX_CURVE = 0.95  # curve strength s in f(x) = x + s x (1 - x); below 1 keeps the curve strictly rising
SKIN_GATE = 26.0  # Lab distance (shading forgiven) to the face's skin under which a pixel is brightened
# Skin smoothing
SMOOTH_BLEND = 0.9  # at factor 1, blemishes and unevenness are 90% evened out
FINE_TEXTURE = 0.006  # face widths: detail finer than this (pores, fine lines) is kept at any factor
# Slimming
SLIM_PEAK = 0.07  # largest jaw displacement at factor 1, in face widths
SLIM_SIGMA = 0.17  # spread of each contour point's pull, in face widths
# Sharpening
SHARP_AMOUNT = 1.4  # unsharp-mask gain at factor 1
SHARP_OVERSHOOT = 3.0  # grey levels a sharpened pixel may pass its 3x3 neighbourhood's range (no halos)


WORK_FACE_WIDTH = 220  # px: smoothing and the slimming field are computed with the face at most this wide


def work_scale(face_width):
    """Scale at which the costly filters run: 1 for ID-photo sizes, less for large outputs."""
    return min(1.0, WORK_FACE_WIDTH / max(face_width, 1.0))


def luma(rgb):
    rgb = rgb.astype(np.float32)
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def face_luma(rgb, points):
    """Median luma (0..1) of the face's skin."""
    skin = regions.skin_mask(rgb.shape[:2], points) > 0.5
    if skin.sum() < 20:
        return None
    return float(np.median(luma(rgb)[skin])) / 255.0


def lift_levels(face_level):
    """Grey levels the face's midtones rise at factor 1: a clear lift on any face, more on a dark one."""
    shortfall = max(TARGET_FACE_LUMA - face_level, 0.0) * 255.0
    return float(np.clip(BRIGHT_LIFT[0] + DARK_GAIN * shortfall, *BRIGHT_LIFT))


def brighten_curve(face_level, factor):
    """LUT for f(x) = x + s x (1 - x): lifts mid-tones most, keeps black and white in place (no clipping)."""
    wanted = face_level + factor * lift_levels(face_level) / 255.0
    s = (wanted - face_level) / max(face_level * (1 - face_level), 1e-3)
    s = float(np.clip(s, 0.0, MAX_CURVE))
    x = np.arange(256, dtype=np.float32) / 255.0
    return np.clip(np.round((x + s * x * (1 - x)) * 255.0), 0, 255).astype(np.uint8)


def face_and_neck(rgb, points, alpha=None):
    """float32 HxW weight of the face's and neck's skin (and the eyes and lips within it), soft-edged: the
    region around the face mesh and below the chin, gated by the face's skin colour, so hair, clothes and
    the background keep their levels."""
    h, w = rgb.shape[:2]
    fw = regions.face_width(points)
    skin = regions.skin_mask((h, w), points) > 0.5
    if skin.sum() < 20:
        return None
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    d = lab - np.median(lab[skin], axis=0)
    distance = np.sqrt((0.35 * d[..., 0]) ** 2 + (1.6 * d[..., 1]) ** 2 + (1.6 * d[..., 2]) ** 2)
    gate = np.clip(1.5 - distance / SKIN_GATE, 0, 1)
    oval = regions.polygon_mask((h, w), points, regions.FACE_OVAL)
    k = 2 * round(0.1 * fw) + 1
    region = cv2.dilate(oval, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))).astype(np.float32) / 255
    top = int(np.clip(points[10][1], 0, h))  # grown sideways (ears) and down (jaw), not up into the hair
    region[:top] = oval[:top] / 255.0
    chin_x, chin_y = points[mesh.CHIN]
    neck = np.zeros((h, w), np.float32)
    x0, x1 = int(max(0, chin_x - 0.5 * fw)), int(min(w, chin_x + 0.5 * fw))
    neck[int(max(0, chin_y - 0.1 * fw)) : int(min(h, chin_y + 0.7 * fw)), x0:x1] = 1
    weight = np.maximum(region, neck) * gate
    for indices in (regions.EYE_A, regions.EYE_B, regions.LIPS):
        weight = np.maximum(weight, regions.hull_mask((h, w), points, indices, 0.02 * fw) / 255.0)
    weight = cv2.GaussianBlur(weight.astype(np.float32), (0, 0), max(1.0, 0.02 * fw))
    if alpha is not None:  # the person only: the background around them keeps its pixels
        weight *= np.clip((alpha - 0.05) / 0.45, 0, 1)
    return weight


def brighten(images, points, factor, alpha=None):
    level = face_luma(images[0], points)
    weight = face_and_neck(images[0], points, alpha)
    if level is None or weight is None:
        return images
    lut = brighten_curve(level, factor)
    out = []
    for im in images:
        if im is None:
            out.append(None)
            continue
        lifted = cv2.LUT(im, lut).astype(np.float32)
        blended = im + weight[..., None] * (lifted - im)
        out.append(np.clip(blended + 0.5, 0, 255).astype(np.uint8))
    return out


def smooth_skin(images, points, factor, alpha=None):
    """Edge-preserving smoothing blended in by factor, only inside the feathered skin mask."""
    base = images[0]
    x0, y0, x1, y1 = regions.face_box(points, base.shape, margin=0.1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return images
    local = points - np.array([x0, y0], np.float32)
    crop_alpha = None if alpha is None else alpha[y0:y1, x0:x1]
    mask = regions.skin_mask((y1 - y0, x1 - x0), local, crop_alpha)[..., None] * (SMOOTH_BLEND * factor)
    fw = regions.face_width(points)
    scale = work_scale(fw)
    sigma_space = max(1.5, fw * scale * 0.03)
    fine = max(0.6, FINE_TEXTURE * fw * scale)
    out = []
    for im in images:
        if im is None:
            out.append(None)
            continue
        crop = im[y0:y1, x0:x1]
        small = (
            crop if scale == 1.0 else cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        )
        # Frequency separation: the fine texture (pores) is set aside, the rest (blemishes, blotches, uneven
        # tone) is evened out by an edge-preserving filter that stops at real edges, and the texture goes
        # back on top, so the skin is even but not waxy.
        small = small.astype(np.float32)
        base = cv2.GaussianBlur(small, (0, 0), fine)
        even = cv2.bilateralFilter(base, -1, 40, sigma_space)
        even = cv2.bilateralFilter(even, -1, 26, sigma_space)
        change = even - base
        if scale != 1.0:
            change = cv2.resize(change, (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_LINEAR)
        blended = crop.astype(np.float32) + mask * change
        result = im.copy()
        result[y0:y1, x0:x1] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)
        out.append(result)
    return out


def slim_field(shape, points, factor):
    """Forward displacement (HxWx2 float32, output px) moving jaw and cheeks toward the face's centre line.

    A sum of wide Gaussian pulls at the lower face contour: smooth everywhere, so no ripples. It is faded out
    over the eyes, brows, nose and mouth (kept as they are), above the eyes (hair, temples) and below the chin
    (neck).
    """
    h, w = shape
    fw = regions.face_width(points)
    centre_x = float(points[mesh.NOSE_TIP][0])
    sigma = SLIM_SIGMA * fw
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    field = np.zeros((h, w, 2), np.float32)
    for index, weight in regions.JAW_PULL.items():
        px, py = points[index]
        direction = np.array([np.sign(centre_x - px), -0.15], np.float32)
        g = np.exp(-((xs - px) ** 2 + (ys - py) ** 2) / (2 * sigma * sigma))
        field += (weight * g)[..., None] * direction
    protect = np.zeros((h, w), np.float32)
    for indices in regions.FEATURES:
        protect = np.maximum(
            protect, regions.hull_mask((h, w), points, indices, fw * 0.05).astype(np.float32) / 255
        )
    protect = cv2.GaussianBlur(protect, (0, 0), fw * 0.05)
    eyes_y = float((points[468][1] + points[473][1]) / 2)
    nose_y = float(points[mesh.NOSE_TIP][1])
    chin_y = float(points[mesh.CHIN][1])
    fade = _ramp(ys, eyes_y, nose_y) * (1 - _ramp(ys, chin_y - 0.02 * fw, chin_y + 0.16 * fw))
    field *= ((1 - protect) * fade)[..., None]
    peak = float(np.abs(field[..., 0]).max())
    if peak < 1e-6:
        return field
    return field * (factor * SLIM_PEAK * fw / peak)


def _ramp(v, start, end):
    """Smoothstep from 0 at `start` to 1 at `end`."""
    t = np.clip((v - start) / max(end - start, 1e-6), 0, 1)
    return t * t * (3 - 2 * t)


def slim_face(images, alpha, points, factor):
    """Warp images and alpha with the slimming field; returns (images, alpha, moved points)."""
    base = images[0]
    x0, y0, x1, y1 = regions.face_box(points, base.shape, margin=0.7)
    local = points - np.array([x0, y0], np.float32)
    scale = work_scale(regions.face_width(points))
    if scale == 1.0:
        field = slim_field((y1 - y0, x1 - x0), local, factor)
    else:  # the field is smooth: compute it on a smaller grid and scale it up
        small = slim_field(
            (max(2, round((y1 - y0) * scale)), max(2, round((x1 - x0) * scale))), local * scale, factor
        )
        field = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR) / scale
    ys, xs = np.mgrid[0 : y1 - y0, 0 : x1 - x0].astype(np.float32)
    # Inverse map: the pixel at x came from s with s + D(s) = x; one fixed-point step is exact enough for
    # displacements this small and smooth.
    first = cv2.remap(
        field, xs - field[..., 0], ys - field[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    map_x, map_y = xs - first[..., 0], ys - first[..., 1]

    def warp(array, interpolation):
        if array is None:
            return None
        out = array.copy()
        out[y0:y1, x0:x1] = cv2.remap(
            array[y0:y1, x0:x1], map_x, map_y, interpolation, borderMode=cv2.BORDER_REPLICATE
        )
        return out

    images = [warp(im, cv2.INTER_CUBIC) for im in images]
    alpha = warp(alpha, cv2.INTER_LINEAR)
    if alpha is not None:
        np.clip(alpha, 0, 1, out=alpha)
    moved = points.copy()
    inside = (
        (local[:, 0] >= 0) & (local[:, 1] >= 0) & (local[:, 0] < x1 - x0 - 1) & (local[:, 1] < y1 - y0 - 1)
    )
    ix = np.round(local[inside]).astype(int)
    moved[inside] += field[ix[:, 1], ix[:, 0]]
    return images, alpha, moved


def sharpen(images, factor, points, calm=None):
    """Unsharp mask on luma; the result is held within its 3x3 neighbourhood's range (+ a little), so edges
    get crisper without bright or dark rims. `calm` (HxW in [0, 1]) damps it where skin was smoothed, so
    sharpening does not bring back the unevenness just evened out."""
    fw = regions.face_width(points)
    sigma = max(0.8, fw / 150.0)
    amount = SHARP_AMOUNT * factor
    overshoot = SHARP_OVERSHOOT * factor
    kernel = np.ones((3, 3), np.uint8)
    out = []
    for im in images:
        if im is None:
            out.append(None)
            continue
        y = luma(im)
        detail = y - cv2.GaussianBlur(y, (0, 0), sigma)
        sharp = y + amount * detail
        sharp = np.clip(sharp, cv2.erode(y, kernel) - overshoot, cv2.dilate(y, kernel) + overshoot)
        delta = (sharp - y)[..., None]
        if calm is not None:
            delta = delta * (1 - calm[..., None])
        out.append(np.clip(im.astype(np.float32) + delta + 0.5, 0, 255).astype(np.uint8))
    return out
