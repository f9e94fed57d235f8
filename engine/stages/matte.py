"""Stage: matte. Person alpha with Robust Video Matting (RVM, mobilenetv3, onnxruntime).

RVM runs on a copy at most MATTE_MAX_SIDE px on its long side, and the matte stays at that resolution
(`ctx.matte_scale` matte px per source px): the geometry stage resamples it straight into the output,
which is as sharp as upsampling it to the source first and much cheaper for large photos. The matte holds
every person in the frame: only the region connected to the chosen face is kept. RVM's own foreground
colours are kept in `ctx.foreground`; the canvas uses the estimate of engine/foreground.py, which removes
more of the old background from hair edges.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from .. import models

MATTE_MAX_SIDE = 1024
# The side RVM's encoder works at (downsample_ratio = this / input long side). 448 scores a little better on
# the reference set but leaves blobs of window light beside the ears in p09; 480 and 512 do not.
RVM_INTERNAL_SIDE = 480
RVM_PASSES = 1  # feeding the recurrent state back on the same frame refines the matte a little per pass
KEEP_THRESHOLD = 0.08  # alpha above this counts as "person" when finding the face's connected region
KEEP_GROW = 0.012  # keep faint pixels this close (fraction of the long side) to the face's region
# RVM leaves faint smears (a few % alpha) over busy backgrounds and stops just short of 1 inside the person:
# stretching [TAIL_LOW, TAIL_HIGH] to [0, 1] removes both (SAD on the reference set: median 12.4 -> 11.6,
# mean 26.6 -> 26.1). Symmetric about 0.5, so the alpha = 0.5 outline (crown, clothes) does not move.
TAIL_LOW, TAIL_HIGH = 0.05, 0.95


@dataclass
class Matte:
    """A matte at its own resolution: matte px u = scale * source px x + offset (pixel-centre convention)."""

    alpha: np.ndarray  # float32 hxw in [0, 1]
    foreground: np.ndarray  # uint8 hxwx3, RVM's decontaminated colours
    valid: np.ndarray | None  # uint8 hxw, 255 where the (levelled) photo has pixels; None: everywhere
    scale: float

    @property
    def offset(self):
        return 0.5 * self.scale - 0.5

    def to_matte(self, value):
        return value * self.scale + self.offset

    def to_source(self, value):
        return (value - self.offset) / self.scale


def run(ctx):
    # With levelling, matte the photo as taken (RVM would otherwise see the corners the rotation brought in)
    # and rotate the small matte.
    source = ctx.image if ctx.level_matrix is None else ctx.unlevelled
    result = small_matte(source, ctx.face, ctx.level_matrix)
    ctx.alpha, ctx.foreground, ctx.valid, ctx.matte_scale = (
        result.alpha,
        result.foreground,
        result.valid,
        result.scale,
    )


def small_matte(image, face=None, rotation=None):
    """The person's Matte for `image` at matte resolution, restricted to `face`'s connected region.

    With `rotation` (2x3, image px -> levelled px) the matte is in levelled coordinates; `face` always is.
    """
    h, w = image.shape[:2]
    factor = min(1.0, MATTE_MAX_SIDE / max(h, w))
    if factor < 1.0:
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        factor = size[0] / w
    pha, fgr = run_rvm(image)
    result = Matte(alpha=pha, foreground=fgr, valid=None, scale=factor)
    if rotation is not None:
        _rotate(result, rotation)
    if face is not None:
        result.alpha = keep_face_region(result.alpha, face, result)
    return result


def full_alpha(image, face=None):
    """The person's alpha (float32 HxW) at the size of `image` (for measuring matting quality)."""
    result = small_matte(image, face)
    h, w = image.shape[:2]
    if result.scale == 1.0:
        return result.alpha
    return np.clip(cv2.resize(result.alpha, (w, h), interpolation=cv2.INTER_LINEAR), 0.0, 1.0)


def _rotate(result, rotation):
    """Rotate a matte made on the unlevelled photo into levelled coordinates (and note where the photo is)."""
    matrix = np.array(rotation, dtype=np.float64).copy()
    c = result.offset
    matrix[:, 2] = matrix[:, 2] * result.scale + c - matrix[:, :2] @ np.array([c, c])
    size = (result.alpha.shape[1], result.alpha.shape[0])
    result.alpha = cv2.warpAffine(result.alpha, matrix, size, flags=cv2.INTER_LINEAR, borderValue=0)
    result.foreground = cv2.warpAffine(
        result.foreground, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    ones = np.full(result.alpha.shape, 255, dtype=np.uint8)
    result.valid = cv2.warpAffine(ones, matrix, size, flags=cv2.INTER_LINEAR, borderValue=0)


def run_rvm(rgb):
    """RVM on one RGB uint8 image: (alpha float32 HxW, foreground uint8 HxWx3) at the same size."""
    session = models.rvm_session()
    h, w = rgb.shape[:2]
    src = (rgb.astype(np.float32) * (1.0 / 255.0)).transpose(2, 0, 1)[None]
    ratio = np.array([min(1.0, RVM_INTERNAL_SIDE / max(h, w))], dtype=np.float32)
    state = [np.zeros((1, 1, 1, 1), dtype=np.float32)] * 4
    for _ in range(RVM_PASSES):
        fgr, pha, *state = session.run(
            None,
            {
                "src": src,
                "r1i": state[0],
                "r2i": state[1],
                "r3i": state[2],
                "r4i": state[3],
                "downsample_ratio": ratio,
            },
        )
    alpha = np.clip((pha[0, 0] - TAIL_LOW) * (1.0 / (TAIL_HIGH - TAIL_LOW)), 0.0, 1.0)
    foreground = np.clip(fgr[0].transpose(1, 2, 0) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return alpha, foreground


def keep_face_region(alpha, face, matte):
    """Zero every part of the matte not connected to the face (other people, held objects far away).

    Faint pixels near the kept region (loose hair) stay, with their soft values untouched.
    """
    mask = (alpha > KEEP_THRESHOLD).astype(np.uint8)
    count, labels = cv2.connectedComponents(mask, connectivity=8)
    if count <= 2:
        return alpha
    h, w = alpha.shape
    x0, y0, x1, y1 = (matte.to_matte(v) for v in face.box)
    region = labels[int(max(0, y0)) : int(min(h, y1)) + 1, int(max(0, x0)) : int(min(w, x1)) + 1]
    found = np.bincount(region.ravel(), minlength=count)
    found[0] = 0
    if found.max() == 0:
        return alpha
    keep = (labels == int(found.argmax())).astype(np.uint8)
    grow = max(3, int(KEEP_GROW * max(h, w)) | 1)
    zone = cv2.dilate(keep, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
    near = cv2.blur(zone.astype(np.float32), (grow, grow))  # soft border: no hard step where the zone ends
    return alpha * np.maximum(near, keep)
