"""Stage: background. `ctx.canvas` (decontaminated foreground) + `ctx.canvas_alpha` -> `ctx.composed`.

- change_bg=1 with a colour: the person over `bg_color`, or over a vertical gradient from `bg_color` (top
  row) to `bg_color2` (bottom row). Blending happens in linear light, where mixing two colours behaves like
  light does at a hair strand; with foreground colours already freed of the old background there is no light
  or dark fringe. The gradient itself is interpolated in sRGB, the way designers and CSS draw gradients.
- change_bg=1, png and no colour asked: RGBA with straight (unpremultiplied) alpha. Fully transparent pixels
  carry no trace of the original background: they hold the nearby foreground colour, smeared outwards, so a
  viewer that filters straight alpha shows no dark edge either.
- change_bg=1, jpg and no colour asked: white.
- change_bg=0: the original pixels; only where the output runs past the photo (coverage < 1) is filled with
  `bg_color` (or the gradient), white by default.
"""

import cv2
import numpy as np

WHITE = (255, 255, 255)
# Smear radius (px) used to give transparent pixels the colour of the nearest foreground.
BLEED_SIGMA = 8.0
BLEED_SCALE = 4


def run(ctx):
    p = ctx.params
    height, width = ctx.canvas.shape[:2]
    if not p.change_bg:
        fill = background_image(width, height, p.bg_color or WHITE, p.bg_color2)
        ctx.composed = keep_original(_original(ctx), ctx.canvas_coverage, fill)
        return
    alpha = as_unit_alpha(ctx.canvas_alpha)
    if p.format == "png" and p.bg_color is None and p.bg_color2 is None:
        ctx.composed = transparent(ctx.canvas, alpha)
        return
    background = background_image(width, height, p.bg_color or WHITE, p.bg_color2)
    ctx.composed = composite(ctx.canvas, alpha, background)


def as_unit_alpha(alpha):
    """Alpha as HxW float32 in [0, 1], whatever dtype the matte stage handed over."""
    alpha = np.asarray(alpha)
    if alpha.ndim == 3:
        alpha = alpha[..., 0]
    if alpha.dtype == np.uint8:
        return alpha.astype(np.float32) / 255.0
    return np.clip(alpha.astype(np.float32), 0.0, 1.0)


def background_image(width, height, top, bottom=None):
    """HxWx3 uint8: a solid `top` colour, or a vertical gradient from `top` (row 0) to `bottom` (last row)."""
    top = np.asarray(top, dtype=np.float32)
    if bottom is None or tuple(bottom) == tuple(top):
        return np.broadcast_to(top.astype(np.uint8), (height, width, 3)).copy()
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    rows = top * (1.0 - t) + np.asarray(bottom, dtype=np.float32) * t
    rows = np.clip(rows + 0.5, 0, 255).astype(np.uint8)
    return np.broadcast_to(rows[:, None, :], (height, width, 3)).copy()


def composite(foreground, alpha, background):
    """Foreground over background with alpha, blended in linear light; HxWx3 uint8."""
    a = alpha[..., None]
    linear = _TO_LINEAR[foreground] * a + _TO_LINEAR[background] * (1.0 - a)
    return to_srgb(linear)


def transparent(foreground, alpha):
    """HxWx4 uint8 straight alpha; RGB of fully transparent pixels bled from the nearby foreground."""
    alpha8 = np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)
    rgb = np.array(foreground, dtype=np.uint8, copy=True)
    empty = alpha8 == 0
    if empty.any():
        rgb[empty] = _bleed(foreground, alpha)[empty]
    return np.dstack([rgb, alpha8])


def keep_original(original, coverage, fill):
    """Original pixels where the photo covers the output; `fill` where the output runs past it."""
    if coverage is None:
        return np.array(original, dtype=np.uint8, copy=True)
    cover = as_unit_alpha(coverage)
    if cover.min() >= 1.0:
        return np.array(original, dtype=np.uint8, copy=True)
    return composite(original, cover, fill)


def to_srgb(linear):
    """Linear light floats in [0, 1] -> sRGB uint8, through a 16-bit lookup table."""
    index = np.clip(linear * 65535.0 + 0.5, 0, 65535).astype(np.uint16)
    return _TO_SRGB[index]


def _original(ctx):
    if ctx.canvas_original is not None:
        return ctx.canvas_original
    ctx.warn("The original background was not available; the cut-out photo was used instead.")
    return ctx.canvas


def _bleed(foreground, alpha):
    """Each pixel's colour as the alpha-weighted average of the foreground around it (push outwards).

    Worked out at a quarter of the size: the result only fills invisible pixels, so it needs to be smooth,
    not sharp, and this keeps it to a few milliseconds.
    """
    height, width = alpha.shape
    small = (max(1, width // BLEED_SCALE), max(1, height // BLEED_SCALE))
    a = cv2.resize(alpha, small, interpolation=cv2.INTER_AREA)
    premultiplied = cv2.resize(foreground.astype(np.float32) * alpha[..., None], small, interpolation=cv2.INTER_AREA)
    sigma = BLEED_SIGMA / BLEED_SCALE
    weights = cv2.GaussianBlur(a, (0, 0), sigma)
    blurred = cv2.GaussianBlur(premultiplied, (0, 0), sigma)
    total = float(a.sum())
    mean = blurred.reshape(-1, 3).sum(0) / max(float(weights.sum()), 1e-6) if total > 0 else np.zeros(3)
    colour = np.empty_like(blurred)
    colour[:] = mean
    near = weights > 1e-3
    colour[near] = blurred[near] / weights[near][:, None]
    colour = cv2.resize(colour, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(colour + 0.5, 0, 255).astype(np.uint8)


def _srgb_to_linear(values):
    values = np.asarray(values, dtype=np.float64)
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(values):
    values = np.asarray(values, dtype=np.float64)
    return np.where(values <= 0.0031308, values * 12.92, 1.055 * np.power(values, 1 / 2.4) - 0.055)


_TO_LINEAR = _srgb_to_linear(np.arange(256) / 255.0).astype(np.float32)
_TO_SRGB = np.clip(_linear_to_srgb(np.arange(65536) / 65535.0) * 255.0 + 0.5, 0, 255).astype(np.uint8)
