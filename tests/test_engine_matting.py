"""Matting quality on the reference set ../shared/matting_gt/p3m (12 portraits with reference alpha).

SAD = sum(|alpha - reference|) / 1000 at full resolution, alpha in 0..1. The matte is made the way the
pipeline makes it (with the face-connected region kept when a face is found).
"""

import statistics

import numpy as np
import pytest

from engine import foreground, matting_bench

from .conftest import MATTING_GT

pytestmark = [pytest.mark.shared, pytest.mark.slow]
BLURRED = matting_bench.BLURRED  # faces blurred by the data set: models see a featureless oval there


@pytest.fixture(scope="module")
def sads():
    pairs = matting_bench.load_pairs(MATTING_GT.parent)
    if not pairs:
        pytest.skip("../shared/matting_gt is absent")
    out = {}
    for name, rgb, reference in pairs:
        alpha = matting_bench.engine_alpha(rgb)
        assert alpha.shape == reference.shape
        out[name] = matting_bench.score(alpha, reference).sad
    return out


def _summary(values):
    return f"median {statistics.median(values):.2f} mean {statistics.mean(values):.2f} (n={len(values)})"


def test_it_mattes_the_reference_set_within_the_sad_targets(sads):
    values = list(sads.values())
    clear = [v for k, v in sads.items() if k not in BLURRED]
    blurred = [v for k, v in sads.items() if k in BLURRED]
    print(f"\nSAD all: {_summary(values)}")
    print(f"SAD real faces: {_summary(clear)}; blurred faces: {_summary(blurred)}")
    print("per image: " + ", ".join(f"{k} {v:.1f}" for k, v in sads.items()))
    assert len(values) == 12
    # Measured 9.2 / 19.8 (the targets were 10 / 20; before the colour refinement 11.6 / 26.1).
    assert statistics.median(values) <= 9.5
    assert statistics.mean(values) <= 20


def test_it_mattes_unblurred_faces_closely(sads):
    clear = [v for k, v in sads.items() if k not in BLURRED]
    assert statistics.median(clear) <= 4.5  # measured 3.5
    assert max(clear) <= 15  # measured 12.6 (white trousers against a pale beach)


def test_it_recovers_dark_hair_colour_from_edge_pixels_on_a_white_wall():
    # A dark strand colour (40) mixed with a white wall (250): the observed edge pixels are light grey.
    height, width = 60, 200
    alpha = np.tile(np.clip(np.linspace(-0.5, 1.5, width), 0, 1), (height, 1)).astype(np.float32)
    hair, wall = np.array([40, 35, 30], np.float32), np.array([250, 250, 250], np.float32)
    observed = (alpha[..., None] * hair + (1 - alpha[..., None]) * wall + 0.5).astype(np.uint8)
    estimated = foreground.estimate(observed, alpha)
    edge = (alpha > 0.1) & (alpha < 0.9)
    error = np.abs(estimated[edge].astype(np.float32) - hair).max()
    assert error < 12, error
    # Compositing the raw pixels would show this far from the hair colour:
    assert np.abs(observed[edge].astype(np.float32) - hair).mean() > 80
    solid = alpha >= 0.97
    assert (estimated[solid] == observed[solid]).all()  # solid pixels are the original ones
