"""Stage: outfit. Dress the person in the chosen outfit (params.clothes_id), in output pixels.

The garment is fitted from the face mesh and the matte (engine/outfits/fit.py), painted, and put over
`canvas` and `canvas_original`; its coverage joins `canvas_alpha` (it is part of the person). Below the
garment's top the person's own pixels are dropped from the matte, and so are their clothes that stand above it
(a high collar, a hood), so their clothes are gone on any background; long hair that falls over the
shoulders stays in front of the garment.
"""

from typing import NamedTuple

import numpy as np

from ..outfits import OUTFITS, measure, render


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
    canvas = _over(rgb, coverage, canvas, hair)
    if original is not None:
        original = _over(rgb, coverage, original, hair)
    return Dressed(canvas, original, _person_alpha(alpha, coverage, hair, fit), coverage, hair)


def _over(rgb, coverage, image, hair):
    cov = coverage[..., None]
    out = rgb * cov + image.astype(np.float32) * (1 - cov)
    front = hair[..., None]
    out = image.astype(np.float32) * front + out * (1 - front)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _person_alpha(alpha, coverage, hair, fit):
    """The person's own matte stays above the garment's top line (head, neck, hair) and for hair in front."""
    rows = np.arange(alpha.shape[0], dtype=np.float32)[:, None]
    above = np.clip((fit.garment_top[None, :] + 0.5 * fit.neck - rows) / 2.0, 0, 1)
    if fit.clothes_above is not None:
        above = above * (1 - fit.clothes_above)
    own = alpha * np.maximum(above, np.clip(hair / np.maximum(alpha, 1e-3), 0, 1))
    return np.clip(coverage + own * (1 - coverage), 0, 1).astype(np.float32)
