"""Stage: geometry. Find the crown, solve the framing, and warp everything into the output canvas.

The crown (top of the head, hair included) is the top of the matte above the face. The solver
(engine/solver.py) turns the requested bounds into a scale and offset; then the image, the original, the
alpha and the coverage are resampled into the output size. Downscaling goes through an area filter first
(a plain bilinear warp at ratios like 1/6 aliases hair and fabric into noise). The foreground colours of
hair edges are estimated on the canvas (engine/foreground.py) so the new background shows no halo.
"""

import cv2
import numpy as np

from .. import foreground, solver
from ..context import Transform
from ..errors import ConstraintsInfeasible, CrownCut
from ..units import px_to_mm

CROWN_ALPHA = 0.5  # matte value that counts as "head"
# Half-width of the column band searched for the crown, in face widths around the face centre.
CROWN_BAND = 0.25
CROWN_PERCENTILE = 20  # of the per-column tops: a few stray hairs standing up do not move the crown
CROWN_EDGE_ROWS = 3  # rows along the photo's top edge examined for hair running off it
CROWN_EDGE_ALPHA = 0.3  # mean matte there (5-column average) that means the head runs off the top
# The crown is cut when the middle of the crown band (above the face's centre) or most of the band runs off
# the top edge. When only a side of it does, that is something else touching the head (a person behind, a
# raised hand, a pole) and the crown is found beside it.
CROWN_CUT_SHARE = 0.6
EDGE_ROWS = 2  # matte rows/columns along a photo edge in which a person "runs off" that edge
BOTTOM_SHARE = 0.85  # of the photo's height: below this a person touching an edge runs off the bottom
UPSCALE_WARNING = 1.5
CROWN_QUANTITIES = ("face_height", "head_top")
QUANTITIES = ("face_width", "face_height", "head_top", "chin_top", "eyes_top")


def run(ctx):
    p = ctx.params
    face = ctx.face
    crown_y, crown_cut = find_crown(ctx.alpha, face, ctx.valid, ctx.matte_scale)
    ctx.crown_y, ctx.crown_cut = crown_y, crown_cut
    needs_crown = [name for name in CROWN_QUANTITIES if name in p.constraints]
    if crown_cut and needs_crown:
        raise CrownCut()
    geometry = source_geometry(face, crown_y, ctx.image.shape)
    keep_out = edges_the_person_runs_off(ctx.alpha, ctx.valid)
    try:
        solution = solver.solve(
            geometry, p.constraints, p.width, p.height, crown_known=not crown_cut, keep_out=keep_out
        )
    except solver.Infeasible as exc:
        if any(b.implicit == solver.CROWN_CUT_BOUND for b in exc.bounds):
            raise CrownCut() from None  # the framing asked for would show the cut-off top of the head
        raise ConstraintsInfeasible(exc.message, [b.describe() for b in exc.bounds]) from None
    if crown_cut and solution.used_default:
        raise CrownCut()
    transform = Transform(scale=solution.scale, tx=solution.tx, ty=solution.ty)
    ctx.transform = transform
    render_canvas(ctx, transform)
    ctx.canvas_landmarks = transform.points(face.landmarks)
    ctx.measurements = measurements(ctx, geometry, solution)
    _warn(ctx, solution)


def source_geometry(face, crown_y, shape=(0, 0)):
    return solver.SourceGeometry(
        face_width=face.width,
        crown_y=float(crown_y),
        chin_y=face.chin[1],
        eyes_y=face.eyes_mid[1],
        face_cx=(face.cheek_left[0] + face.cheek_right[0]) / 2,
        source_width=float(shape[1]),
        source_height=float(shape[0]),
    )


def edges_the_person_runs_off(alpha, valid=None):
    """The photo edges ("bottom", "left", "right") the person's matte reaches: inside the output they would
    show as a straight cut through the body, so the solver keeps them out when it can."""
    h, w = alpha.shape
    edge = np.zeros((h, w), dtype=bool)
    edge[-EDGE_ROWS:], edge[:, :EDGE_ROWS], edge[:, -EDGE_ROWS:] = True, True, True
    person = alpha > CROWN_ALPHA
    if valid is not None:
        # Levelling rotated the photo: its edges are also where the valid area ends.
        outside = valid < 250
        edge |= cv2.dilate(outside.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        person &= ~outside
    rows, cols = np.nonzero(person & edge)
    low = rows >= BOTTOM_SHARE * h  # the bottom edge, corners included
    edges = ["bottom"] if low.any() else []
    if (~low & (cols < w / 2)).any():
        edges.append("left")
    if (~low & (cols >= w / 2)).any():
        edges.append("right")
    return edges


def person_cut_rows(ctx, raw_alpha):
    """How much of the output shows the person cut by a photo edge: pixels where the matte (extended past
    the photo's edge) says "person" but the photo has no pixels, per output row (1 ~ a one-pixel line)."""
    cut = (raw_alpha > CROWN_ALPHA) & (ctx.canvas_coverage < 0.5)
    return float(cut.sum()) / max(1, ctx.params.width)


def extend_past_photo(alpha, valid):
    """The matte with the corners a levelling turn brought in (`valid` < 250 of 255: no photo there, so the
    matte is 0) filled from the nearest pixel of the photo: a body running off a turned photo's edge goes on into those corners as it
    goes on past an unturned photo's edge, so `person_cut_rows` sees it cut there too (p13: turned 19 degrees,
    shoulder cut by the bottom-right corner)."""
    inside = valid >= 250
    if inside.all() or not inside.any():
        return alpha
    _, nearest = cv2.distanceTransformWithLabels(
        (~inside).astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )
    # Labels number the photo's own pixels in scan order (1..n); each corner pixel carries its nearest one's.
    inside_values = alpha.ravel()[np.flatnonzero(inside)]
    return inside_values[nearest - 1].astype(alpha.dtype)


def find_crown(alpha, face, valid=None, matte_scale=1.0):
    """(crown_y, cut): top of the head in the matte above the face (source px), and whether the photo's top
    edge cuts it. `alpha` and `valid` are at matte resolution (matte px = matte_scale * source px)."""
    h, w = alpha.shape
    offset = 0.5 * matte_scale - 0.5
    cx = (face.cheek_left[0] + face.cheek_right[0]) / 2 * matte_scale + offset
    half = max(2.0, CROWN_BAND * face.width * matte_scale)
    x0, x1 = int(max(0, round(cx - half))), int(min(w, round(cx + half) + 1))
    eyes_y = int(np.clip(face.eyes_mid[1] * matte_scale + offset, 2, h))
    column = alpha[:eyes_y, x0:x1]
    band = column > CROWN_ALPHA
    filled = band.any(axis=0)
    if not filled.any():
        return float(face.box[1]), False  # no matte above the eyes (should not happen): the face box top
    touching = columns_at_photo_top(alpha, valid, x0, x1)
    middle = slice(
        round(len(touching) * 0.35), max(round(len(touching) * 0.65), round(len(touching) * 0.35) + 1)
    )
    cut = touching.mean() >= CROWN_CUT_SHARE or touching[middle].any()
    if not cut and touching.any() and (filled & ~touching).any():
        filled &= ~touching  # something else reaches the top edge beside the head: the crown is elsewhere
    tops = band.argmax(axis=0)[filled]
    crown = float(np.percentile(_subpixel_tops(column[:, filled], tops), CROWN_PERCENTILE))
    return (crown - offset) / matte_scale, bool(cut)


def _subpixel_tops(column, tops):
    """Where each column's alpha crosses CROWN_ALPHA, interpolated between the two rows around it."""
    cols = np.arange(column.shape[1])
    inside = column[tops, cols]
    above = column[np.maximum(tops - 1, 0), cols]
    step = np.where(tops > 0, inside - above, 1.0)
    fraction = np.clip((inside - CROWN_ALPHA) / np.maximum(step, 1e-6), 0.0, 1.0)
    return tops - fraction


def columns_at_photo_top(alpha, valid, x0, x1):
    """Per column of the crown band: whether the matte runs off the photo's top edge there.

    RVM fades its alpha towards the image border, so hair running off the top edge often shows only
    0.4-0.6 in the first rows, while a visible crown leaves those rows at ~0.
    """
    first = _photo_top(valid, x0, x1).astype(int)
    rows = np.clip(first[None, :] + np.arange(CROWN_EDGE_ROWS)[:, None], 0, alpha.shape[0] - 1)
    edge = alpha[rows, np.arange(x0, x1)[None, :]].mean(axis=0)
    if edge.size >= 5:
        edge = np.convolve(edge, np.ones(5) / 5, mode="same")
    return edge >= CROWN_EDGE_ALPHA


def _photo_top(valid, x0, x1):
    """First row fully inside the photo in each column (0 unless levelling rotated a corner in)."""
    if valid is None:
        return np.zeros(x1 - x0, dtype=np.float32)
    inside = valid[:, x0:x1] >= 250
    return inside.argmax(axis=0).astype(np.float32)


def render_canvas(ctx, transform):
    """Warp the photo and the matte into the output; the matte goes straight from its own resolution."""
    p = ctx.params
    size = (p.width, p.height)
    original = warp(ctx.image, transform, size, colour=True)
    matte_transform = _from_matte(transform, ctx.matte_scale)
    alpha = np.clip(warp(ctx.alpha, matte_transform, size, colour=False), 0.0, 1.0)
    if ctx.valid is not None:
        coverage = warp(ctx.valid, matte_transform, size, colour=False, border=cv2.BORDER_CONSTANT)
        # Extended on the output canvas, not the (ten times larger) matte: the nearest photo pixel is the same
        # under the uniform scale between them.
        cut_alpha = extend_past_photo(alpha, coverage)
        coverage = coverage.astype(np.float32) / 255.0
    else:
        coverage = rectangle_coverage(ctx.image.shape[:2], transform, size)
        cut_alpha = alpha
    ctx.canvas_original = original
    ctx.canvas = foreground.estimate(original, alpha)
    ctx.canvas_coverage = coverage
    ctx.canvas_alpha = alpha * coverage
    ctx.measurements["person_cut_rows"] = round(person_cut_rows(ctx, cut_alpha), 2)


def _from_matte(transform, matte_scale):
    """The source -> output transform expressed for an array at matte resolution."""
    if matte_scale == 1.0:
        return transform
    offset = 0.5 * matte_scale - 0.5
    s = transform.scale / matte_scale
    return Transform(scale=s, tx=transform.tx - s * offset, ty=transform.ty - s * offset)


def warp(array, transform, size, colour, border=cv2.BORDER_REPLICATE, border_value=0):
    """Resample a source array into the output canvas: out = scale * src + (tx, ty)."""
    width, height = size
    s = transform.scale
    src_h, src_w = array.shape[:2]
    interpolation = cv2.INTER_CUBIC if colour and s > 1 else cv2.INTER_LINEAR
    if s >= 0.8:
        matrix = np.float32([[s, 0, transform.tx], [0, s, transform.ty]])
        return cv2.warpAffine(
            array, matrix, (width, height), flags=interpolation, borderMode=border, borderValue=border_value
        )
    # Crop what the canvas shows (plus a margin), area-filter it down to ~the output scale, then place it.
    x0 = int(np.clip(np.floor((-transform.tx) / s - 2 / s), 0, src_w - 1))
    y0 = int(np.clip(np.floor((-transform.ty) / s - 2 / s), 0, src_h - 1))
    x1 = int(np.clip(np.ceil((width - transform.tx) / s + 2 / s), x0 + 1, src_w))
    y1 = int(np.clip(np.ceil((height - transform.ty) / s + 2 / s), y0 + 1, src_h))
    crop = array[y0:y1, x0:x1]
    new_w, new_h = max(1, round((x1 - x0) * s)), max(1, round((y1 - y0) * s))
    small = cv2.resize(crop, (new_w, new_h), interpolation=cv2.INTER_AREA)
    kx, ky = s * (x1 - x0) / new_w, s * (y1 - y0) / new_h
    bx = kx * 0.5 - s * 0.5 + s * x0 + transform.tx
    by = ky * 0.5 - s * 0.5 + s * y0 + transform.ty
    matrix = np.float32([[kx, 0, bx], [0, ky, by]])
    return cv2.warpAffine(
        small, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=border, borderValue=border_value
    )


def rectangle_coverage(shape, transform, size):
    """Fraction of each output pixel covered by the (unrotated) source rectangle."""
    src_h, src_w = shape
    width, height = size
    s = transform.scale

    def axis(n_out, n_src, offset):
        centres = np.arange(n_out, dtype=np.float32)
        low, high = offset - 0.5 * s, offset + (n_src - 0.5) * s  # the photo's edges in output px
        return np.clip(np.minimum(centres + 0.5, high) - np.maximum(centres - 0.5, low), 0.0, 1.0)

    return np.outer(axis(height, src_h, transform.ty), axis(width, src_w, transform.tx)).astype(np.float32)


def measurements(ctx, geometry, solution):
    p = ctx.params
    mm_per_px = px_to_mm(1, p.dpi)

    def both(value):
        return {"px": round(float(value), 1), "mm": round(float(value) * mm_per_px, 2)}

    result = {name: both(solution.value(geometry, name)) for name in QUANTITIES}
    coverage = ctx.canvas_coverage
    result.update(
        source=ctx.measurements.get("source"),
        person_cut_rows=ctx.measurements.get("person_cut_rows", 0.0),
        photo_top=round(solution.ty, 1),
        roll_deg=round(ctx.face.roll_deg, 2),
        scale=round(solution.scale, 4),
        crown_cut=ctx.crown_cut,
        body_cut=bool(coverage[-1].mean() < 0.99),
        faces_found=ctx.faces_found,
        source_size=list(ctx.source_size),
    )
    return result


def _warn(ctx, solution):
    if ctx.measurements["body_cut"]:
        ctx.warn(
            "The photo ends above the bottom of the ID photo: the shoulders are cut off and the gap is filled "
            "with the background. Use a photo that shows more of the shoulders."
        )
    lower = ctx.canvas_coverage[ctx.canvas_coverage.shape[0] // 2 :]
    # Above the head the background fills any gap naturally; beside the shoulders it shows as a cut.
    if lower[:, 0].mean() < 0.97 or lower[:, -1].mean() < 0.97:
        ctx.warn("The photo is narrower than the ID photo needs: the sides are filled with the background.")
    if solution.scale > UPSCALE_WARNING:
        ctx.warn(
            f"The photo is small for this size: it was enlarged {solution.scale:.1f} times, so the ID photo may "
            "look soft. A larger or closer photo gives a sharper result."
        )
