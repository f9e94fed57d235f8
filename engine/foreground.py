"""Foreground colours for partly transparent pixels (hair edges), so a new background shows no halo.

A pixel at a hair edge shows I = a*F + (1 - a)*B: the person's colour F mixed with the old background B.
Putting it on a new background needs F. RVM's own foreground output stays close to I there (on a white wall
its edge colours are still light grey, which reads as a pale glow around dark hair on a colour), so F is
estimated here, on the output canvas:

- B0: the old background around the person, spread inwards from pixels with alpha ~0;
- F0: the person's colour near the edge, spread outwards from pixels with alpha ~1;
- F minimises |I - a*F - (1 - a)*B0|^2 + PRIOR * |F - F0|^2, which has the closed form below. Where the
  alpha is large the observed colour decides; where it is faint F leans on the nearby solid colour.

B0 and F0 are smooth, so they are worked out at most PRIOR_SIDE px on the long side and only looked up at
the partial pixels (a thin band along the outline); a 1200x1600 canvas costs a few milliseconds.
"""

import cv2
import numpy as np

PRIOR = 0.05
SOLID, EMPTY = 0.95, 0.05
KEEP_ORIGINAL = 0.97  # from this alpha up the original pixel is used as it is
FAINT = 0.002  # below this the pixel is invisible whatever its colour
PRIOR_SIDE = 384


def estimate(image, alpha):
    """HxWx3 uint8 foreground colours for `image` (HxWx3 uint8) with matte `alpha` (HxW float in 0..1)."""
    out = np.array(image, dtype=np.uint8, copy=True)
    ys, xs = np.nonzero((alpha > FAINT) & (alpha < KEEP_ORIGINAL))
    if ys.size == 0:
        return out
    height, width = alpha.shape
    factor = min(1.0, PRIOR_SIDE / max(height, width))
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    person = sample(spread(image, alpha >= SOLID, size), xs, ys, factor)
    background = sample(spread(image, alpha <= EMPTY, size), xs, ys, factor)
    seen = image[ys, xs].astype(np.float32) * (1.0 / 255.0)
    a = alpha[ys, xs].astype(np.float32)[:, None]
    colour = (a * (seen - (1.0 - a) * background) + PRIOR * person) / (a * a + PRIOR)
    out[ys, xs] = np.clip(colour * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out


def sample(prior, xs, ys, factor, block=1024):
    """Bilinear look-up of a small prior map at full-size pixel positions (N x 3 float32)."""
    count = xs.size
    rows = -(-count // block)
    offset = 0.5 * factor - 0.5
    map_x = np.zeros(rows * block, np.float32)
    map_y = np.zeros(rows * block, np.float32)
    map_x[:count] = xs * factor + offset
    map_y[:count] = ys * factor + offset
    # remap wants a 2-D map under 32767 on each side: the points go in rows of `block`.
    values = cv2.remap(
        prior,
        map_x.reshape(rows, block),
        map_y.reshape(rows, block),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return values.reshape(-1, 3)[:count]


def spread(image, mask, size, smallest=4):
    """Colours of `image` where `mask` is set, spread to every pixel of a `size` map (push-pull pyramid):
    each pixel gets the average of the nearest masked pixels. Returns float32 colours in 0..1."""
    weight8 = mask.view(np.uint8) * np.uint8(255)
    masked = cv2.bitwise_and(image, image, mask=weight8)
    w = cv2.resize(weight8, size, interpolation=cv2.INTER_AREA).astype(np.float32) * (1.0 / 255.0)
    vw = cv2.resize(masked, size, interpolation=cv2.INTER_AREA).astype(np.float32) * (1.0 / 255.0)
    levels = [(vw, w)]
    while min(w.shape) > smallest:
        half = (max(1, w.shape[1] // 2), max(1, w.shape[0] // 2))
        vw = cv2.resize(vw, half, interpolation=cv2.INTER_AREA)
        w = cv2.resize(w, half, interpolation=cv2.INTER_AREA)
        levels.append((vw, w))
    total = float(levels[-1][1].sum())
    mean = levels[-1][0].reshape(-1, 3).sum(axis=0) / max(total, 1e-6)
    result = np.broadcast_to(mean.astype(np.float32), levels[-1][0].shape)
    for vw, w in reversed(levels):
        coarse = cv2.resize(
            np.ascontiguousarray(result), (w.shape[1], w.shape[0]), interpolation=cv2.INTER_LINEAR
        )
        trust = np.clip(w * 4.0, 0.0, 1.0)[..., None]  # a quarter of a cell covered is enough to use it
        own = vw / np.maximum(w, 1e-6)[..., None]
        result = own * trust + coarse * (1.0 - trust)
    return np.ascontiguousarray(result, dtype=np.float32)
