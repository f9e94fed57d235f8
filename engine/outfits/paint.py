"""Vector-style painting: shapes are filled at SUPERSAMPLE times the output size and box-filtered down, which
gives anti-aliased coverage masks; colours come from smooth shading fields; layers are composited in order.

Besides colour and coverage the painter keeps, per pixel, what the photographic finish (finish.py) needs: a
height (px: each layer of cloth lies on the one below, with rounded edges), the fabric's grain strength
(0 for skin) and how much of the pixel is skin painted in a neckline.

Only the rows from `top` down are painted (an outfit lives in the lower part of the canvas), and each shape
is rasterised within its own bounding box, which keeps a whole outfit to a few tens of milliseconds.
"""

import cv2
import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 4
MAX_SUPERSAMPLED_SIDE = 8000  # large outputs use a lower factor (never below 2) to bound memory
SHEEN = 90.0  # grey level a highlight on dark cloth is reckoned from (see brighten)
EDGE_STEP = 0.05  # share of a lifted layer's height that stands as a step at its edge (the cloth's thickness)


def bezier(p0, p1, p2, p3=None, steps=24):
    """Points of a quadratic (or cubic, with p3) Bezier curve, end points included."""
    t = np.linspace(0.0, 1.0, steps)[:, None]
    p0, p1, p2 = (np.asarray(p, np.float64) for p in (p0, p1, p2))
    if p3 is None:
        pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
    else:
        p3 = np.asarray(p3, np.float64)
        pts = (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3
    return [tuple(p) for p in pts]


def ellipse(cx, cy, rx, ry, steps=32):
    a = np.linspace(0, 2 * np.pi, steps, endpoint=False)
    return [(cx + rx * np.cos(t), cy + ry * np.sin(t)) for t in a]


class Field:
    """A colour that varies over the canvas: base RGB times a shading map (evaluated only where painted)."""

    def __init__(self, colour, shade, offset=0.0, grain=None):
        self.colour = np.asarray(colour, np.float32)
        self.shade, self.offset, self.grain = shade, offset, grain

    def region(self, rows, cols):
        return self.shade[rows, cols][..., None] * self.colour + self.offset


class Painter:
    """Accumulates an RGB layer (float 0..255) and its coverage over rows top..height of the canvas."""

    def __init__(self, height, width, top=0):
        self.h, self.w = height, width
        self.top = int(np.clip(top, 0, height - 1))
        self.ss = max(2, min(SUPERSAMPLE, MAX_SUPERSAMPLED_SIDE // max(height, width)))
        self.rgb = np.zeros((height - self.top, width, 3), np.float32)
        self.cov = np.zeros((height - self.top, width), np.float32)
        self.height = np.zeros(self.cov.shape, np.float32)
        self.grain = np.zeros(self.cov.shape, np.float32)
        self.skin = np.zeros(self.cov.shape, np.float32)
        self.pressed = None  # where cloth is pressed flat (0..1): the finish evens its surface out

    def mask(self, polygons=(), holes=(), lines=(), dots=()):
        """Coverage (window-sized float32 0..1) of polygons minus holes, plus strokes (points, width) and dots
        (x, y, r); coordinates are canvas pixels."""
        out = np.zeros(self.cov.shape, np.float32)
        points = [p for poly in polygons for p in poly] + [p for pts, _ in lines for p in pts]
        points += [(x - r, y - r) for x, y, r in dots] + [(x + r, y + r) for x, y, r in dots]
        if not points:
            return out
        pts = np.asarray(points, np.float64)
        pad = 2 + max([w for _, w in lines], default=0)
        x0 = int(np.clip(np.floor(pts[:, 0].min() - pad), 0, self.w))
        x1 = int(np.clip(np.ceil(pts[:, 0].max() + pad), 0, self.w))
        y0 = int(np.clip(np.floor(pts[:, 1].min() - pad), self.top, self.h))
        y1 = int(np.clip(np.ceil(pts[:, 1].max() + pad), self.top, self.h))
        if x1 <= x0 or y1 <= y0:
            return out
        ss = self.ss
        img = Image.new("L", ((x1 - x0) * ss, (y1 - y0) * ss), 0)
        draw = ImageDraw.Draw(img)

        def tr(seq):
            return [((x - x0) * ss, (y - y0) * ss) for x, y in seq]

        for poly in polygons:
            if len(poly) >= 3:
                draw.polygon(tr(poly), fill=255)
        for poly in holes:
            if len(poly) >= 3:
                draw.polygon(tr(poly), fill=0)
        for seq, width in lines:
            draw.line(tr(seq), fill=255, width=max(1, round(width * ss)), joint="curve")
        for x, y, r in dots:
            draw.ellipse(
                [(x - r - x0) * ss, (y - r - y0) * ss, (x + r - x0) * ss, (y + r - y0) * ss], fill=255
            )
        small = img.resize((x1 - x0, y1 - y0), Image.BOX)
        out[y0 - self.top : y1 - self.top, x0:x1] = np.asarray(small, np.float32) / 255.0
        return out

    def paint(self, mask, colour, grain=None, skin=False):
        """Put `colour` (RGB tuple, or a Field-like object with `region`) over what is painted, by `mask`.
        `grain`: the fabric's grain strength there (None keeps what lies below: a seam, a button); `skin`:
        this is skin, which gets the neck's own texture instead of grain."""
        ys, xs = np.nonzero(mask > 0)
        if ys.size == 0:
            return
        rows, cols = slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1)
        m = mask[rows, cols][..., None]
        if hasattr(colour, "region"):
            value = colour.region(slice(rows.start + self.top, rows.stop + self.top), cols)
        else:
            value = np.asarray(colour, np.float32)
        self.rgb[rows, cols] = self.rgb[rows, cols] * (1 - m) + value * m
        self.cov[rows, cols] += m[..., 0] * (1 - self.cov[rows, cols])
        m = m[..., 0]
        grain = getattr(colour, "grain", None) if grain is None else grain
        if grain is not None:
            self.grain[rows, cols] = self.grain[rows, cols] * (1 - m) + grain * m
        self.skin[rows, cols] = self.skin[rows, cols] * (1 - m) + (m if skin else 0)

    def lift(self, mask, amount, soft):
        """Raise the surface by `amount` px where `mask` lies (a layer of cloth on the one below), with edges
        rounded over `soft` px, so the light models them (no drawn outline needed). Only a cloth's thickness
        (EDGE_STEP of it) stands as a step at the edge: a full step lit as a one-pixel slope read as a drawn
        dark line along every collar and lapel on the side away from the light."""
        if amount:
            inside = np.clip(2 * cv2.GaussianBlur(mask, (0, 0), max(0.5, soft)) - 1, 0, 1)
            self.height += amount * mask * (EDGE_STEP + (1 - EDGE_STEP) * inside)

    def shadow(self, mask, dx, dy, blur, strength, on_skin=True):
        """Darken what is painted under a soft (Gaussian), offset copy of `mask` (the shape about to be
        drawn): the shadow it casts on what lies below (on cloth only, unless `on_skin`)."""
        matrix = np.float32([[1, 0, dx], [0, 1, dy]])
        shifted = cv2.warpAffine(mask, matrix, (mask.shape[1], mask.shape[0]))
        soft = cv2.GaussianBlur(shifted, (0, 0), max(0.5, blur)) * (1 - mask)
        if not on_skin:
            soft *= 1 - np.clip(self.skin / np.maximum(self.cov, 1e-3), 0, 1)
        self.rgb *= (1 - strength * soft)[..., None]

    def brighten(self, mask, amount):
        """Lighten what is painted by up to `amount` (a share of its value, and of SHEEN on dark cloth: a
        highlight is partly the light's own, reflected) under `mask`, never past white."""
        base = np.maximum(self.rgb, SHEEN * self.cov[..., None])
        lit = self.rgb + amount * mask[..., None] * base
        self.rgb = np.minimum(lit, np.maximum(self.rgb, 255 * self.cov[..., None]))

    def result(self):
        """Full-canvas (rgb, coverage)."""
        return self.full(np.clip(self.rgb, 0, 255)), self.full(np.clip(self.cov, 0, 1))

    def full(self, window):
        """A window-sized array placed on the full canvas (zeros above `top`)."""
        out = np.zeros((self.h,) + window.shape[1:], np.float32)
        out[self.top :] = window
        return out
