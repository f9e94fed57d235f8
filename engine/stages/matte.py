"""Stage: matte. Person alpha with Robust Video Matting (RVM, mobilenetv3, onnxruntime).

RVM runs on a copy at most MATTE_MAX_SIDE px on its long side; its alpha is upsampled to the source size.
Its `fgr` output (the person's colours with the background taken out of edge pixels) becomes the
foreground wherever the alpha is partial, so hair edges carry no fringe of the old background onto a new
colour; where the alpha is ~1 the original pixels are kept for full detail. The matte holds every person in
the frame: only the region connected to the chosen face is kept.
"""

import cv2
import numpy as np

from .. import models

MATTE_MAX_SIDE = 1024
RVM_INTERNAL_SIDE = 448  # the side RVM's encoder works at (downsample_ratio = this / input long side)
RVM_PASSES = 1  # feeding the recurrent state back on the same frame refines the matte a little per pass
KEEP_THRESHOLD = 0.08  # alpha above this counts as "person" when finding the face's connected region
KEEP_GROW = 0.012  # keep faint pixels this close (fraction of the long side) to the face's region
SOLID_FROM, SOLID_TO = 0.85, 0.97  # alpha ramp over which the foreground goes from RVM colours to original


def run(ctx):
    if ctx.level_matrix is None:
        ctx.alpha, ctx.foreground = person_matte(ctx.image, ctx.face)
    else:
        # Matte the photo as taken (RVM would otherwise see the corners the rotation brought in) and rotate
        # the small matte, which is cheaper than rotating the full-size one.
        ctx.alpha, ctx.foreground = person_matte(ctx.unlevelled, ctx.face, ctx.level_matrix, ctx.image)


def person_matte(image, face=None, rotation=None, levelled=None):
    """(alpha float32 HxW in [0,1], foreground uint8 HxWx3) for `image`, restricted to `face`'s person.

    With `rotation` (2x3, image -> levelled px) the results are in levelled coordinates, the size of
    `levelled` (the rotated image, whose pixels are kept where the person is solid).
    """
    h, w = image.shape[:2]
    factor = min(1.0, MATTE_MAX_SIDE / max(h, w))
    small = image if factor == 1.0 else cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    pha, fgr = run_rvm(small)
    if rotation is not None:
        pha, fgr = _rotate_small(pha, fgr, rotation, factor)
        image = levelled
    if face is not None:
        pha = keep_face_region(pha, face, factor)
    if factor == 1.0:
        alpha, fgr_full = pha, fgr
    else:
        alpha = cv2.resize(pha, (w, h), interpolation=cv2.INTER_LINEAR)
        fgr_full = cv2.resize(fgr, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(alpha, 0.0, 1.0), edge_foreground(image, fgr_full, alpha)


def _rotate_small(pha, fgr, rotation, factor):
    matrix = np.array(rotation, dtype=np.float64).copy()
    matrix[:, 2] *= factor
    size = (pha.shape[1], pha.shape[0])
    pha = cv2.warpAffine(pha, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    fgr = cv2.warpAffine(fgr, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return pha, fgr


def run_rvm(rgb):
    """RVM on one RGB uint8 image: (alpha float32 HxW, foreground uint8 HxWx3) at the same size."""
    session = models.rvm_session()
    h, w = rgb.shape[:2]
    src = (rgb.astype(np.float32) * (1.0 / 255.0)).transpose(2, 0, 1)[None]
    ratio = np.array([min(1.0, RVM_INTERNAL_SIDE / max(h, w))], dtype=np.float32)
    state = [np.zeros((1, 1, 1, 1), dtype=np.float32)] * 4
    for _ in range(RVM_PASSES):
        fgr, pha, *state = session.run(
            None, {"src": src, "r1i": state[0], "r2i": state[1], "r3i": state[2], "r4i": state[3],
                   "downsample_ratio": ratio},
        )
    alpha = pha[0, 0]
    foreground = np.clip(fgr[0].transpose(1, 2, 0) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return alpha, foreground


def keep_face_region(alpha, face, factor):
    """Zero every part of the matte not connected to the face (other people, held objects far away).

    Faint pixels near the kept region (loose hair) stay, with their soft values untouched.
    """
    mask = (alpha > KEEP_THRESHOLD).astype(np.uint8)
    count, labels = cv2.connectedComponents(mask, connectivity=8)
    if count <= 2:
        return alpha
    x0, y0, x1, y1 = (v * factor for v in face.box)
    h, w = alpha.shape
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


def edge_foreground(image, fgr, alpha):
    """Original pixels where the person is solid, RVM's decontaminated colours where the alpha is partial."""
    weight = np.clip((alpha - SOLID_FROM) / (SOLID_TO - SOLID_FROM), 0.0, 1.0)[..., None]
    out = fgr.astype(np.float32) + (image.astype(np.float32) - fgr) * weight
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
