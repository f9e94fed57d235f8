"""Foreground colours for partly transparent pixels (hair edges), so a new background shows no halo.

A pixel at a hair edge shows I = a*F + (1 - a)*B: the person's colour F mixed with the old background B.
Putting it on a new background needs F. RVM's own foreground output stays close to I there (on a white wall
its edge colours are still light grey, which reads as a pale glow around dark hair on a colour), so F is
estimated here, on the output canvas:

- B0: the old background around the person, spread inwards from pixels with alpha ~0;
- F0: the person's colour near the edge, spread outwards from pixels with alpha ~1;
- F minimises |I - a*F - (1 - a)*B0|^2 + PRIOR * |F - F0|^2, which has the closed form below. Where the
  alpha is large the observed colour decides; where it is faint F leans on the nearby solid colour.
"""

import cv2
import numpy as np

PRIOR = 0.05
SOLID, EMPTY = 0.95, 0.05
KEEP_ORIGINAL = 0.97  # from this alpha up the original pixel is used as it is


def estimate(image, alpha):
    """HxWx3 uint8 foreground colours for `image` (HxWx3 uint8) with matte `alpha` (HxW float in 0..1)."""
    picture = image.astype(np.float32) * (1.0 / 255.0)
    a = np.clip(alpha, 0.0, 1.0).astype(np.float32)
    partial = (a > 0.002) & (a < KEEP_ORIGINAL)
    if not partial.any():
        return np.array(image, dtype=np.uint8, copy=True)
    person = spread(picture, (a >= SOLID).astype(np.float32))
    background = spread(picture, (a <= EMPTY).astype(np.float32))
    a3 = a[..., None]
    colour = (a3 * (picture - (1.0 - a3) * background) + PRIOR * person) / (a3 * a3 + PRIOR)
    out = np.where(partial[..., None], np.clip(colour, 0.0, 1.0), picture)
    return np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8)


def spread(values, weights, smallest=4):
    """Fill every pixel with the weighted colour of its nearest weighted pixels (a push-pull pyramid).

    Worked out from half size: the result is a smooth prior, not a picture.
    """
    full = (weights.shape[1], weights.shape[0])
    half = (max(1, full[0] // 2), max(1, full[1] // 2))
    w = cv2.resize(weights, half, interpolation=cv2.INTER_AREA)
    vw = cv2.resize(values * weights[..., None], half, interpolation=cv2.INTER_AREA)
    levels = [(vw, w)]
    while min(w.shape) > smallest:
        size = (max(1, w.shape[1] // 2), max(1, w.shape[0] // 2))
        vw = cv2.resize(vw, size, interpolation=cv2.INTER_AREA)
        w = cv2.resize(w, size, interpolation=cv2.INTER_AREA)
        levels.append((vw, w))
    total = float(levels[-1][1].sum())
    mean = levels[-1][0].reshape(-1, 3).sum(axis=0) / max(total, 1e-6)
    result = np.broadcast_to(mean.astype(np.float32), levels[-1][0].shape)
    for vw, w in reversed(levels):
        coarse = cv2.resize(np.ascontiguousarray(result), (w.shape[1], w.shape[0]), interpolation=cv2.INTER_LINEAR)
        trust = np.clip(w * 4.0, 0.0, 1.0)[..., None]  # a quarter of a cell covered is enough to use it
        own = vw / np.maximum(w, 1e-6)[..., None]
        result = own * trust + coarse * (1.0 - trust)
    return cv2.resize(result, full, interpolation=cv2.INTER_LINEAR)
