"""Beauty filters on real portraits: identity at 0, monotonic in the factor, and each does only its job."""

import copy

import cv2
import numpy as np
import pytest
from PIL import Image

from engine import params as P
from engine.beauty import filters, regions
from engine.context import Context
from engine.pipeline import stages_through
from engine.stages import beauty, detect

from .conftest import ARTIFACTS, PORTRAITS, needs_shared

pytestmark = needs_shared(PORTRAITS)

# p13 is a dark flash photo (underexposed face), p04 a well-lit outdoor portrait, p16 a clean studio face.
NAMES = ("p13_glasses_crop_dlib_2008_002506.png", "p04_biden2.jpg", "p16_hivision_test3.jpg")
FILTERS = ("bright", "smooth", "thin_face", "sharp")
UP_TO_GEOMETRY = stages_through("geometry")


def geometry_context(path):
    ctx = Context(params=P.parse({}), source_bytes=path.read_bytes())
    for stage in UP_TO_GEOMETRY:
        stage.run(ctx)
    return ctx


@pytest.fixture(scope="module")
def contexts():
    return {name: geometry_context(PORTRAITS / name) for name in NAMES}


def with_beauty(ctx, **factors):
    out = copy.deepcopy(ctx)
    out.params = out.params.with_changes(beauty=factors)
    beauty.run(out)
    return out


def skin(ctx):
    return (
        regions.skin_mask(ctx.canvas.shape[:2], ctx.canvas_landmarks) > 0.97
    )  # the core, away from feathered edges


def high_frequency(rgb, mask):
    lum = filters.luma(rgb)
    detail = lum - cv2.GaussianBlur(lum, (0, 0), 1.5)
    return float((detail[mask] ** 2).mean())


def test_it_leaves_every_pixel_when_off_or_zero(contexts):
    ctx = contexts[NAMES[0]]
    for factors in ({}, {name: 0.0 for name in FILTERS}):
        out = copy.deepcopy(ctx)
        arrays = (out.canvas, out.canvas_original, out.canvas_alpha, out.canvas_landmarks)
        out.params = out.params.with_changes(beauty=factors)
        beauty.run(out)
        assert all(
            a is b
            for a, b in zip(arrays, (out.canvas, out.canvas_original, out.canvas_alpha, out.canvas_landmarks))
        )
        assert np.array_equal(out.canvas, ctx.canvas) and np.array_equal(out.canvas_alpha, ctx.canvas_alpha)


@pytest.mark.parametrize("name", FILTERS)
def test_it_changes_pixels_at_any_positive_factor(contexts, name):
    ctx = contexts[NAMES[1]]
    out = with_beauty(ctx, **{name: 0.25})
    assert not np.array_equal(out.canvas, ctx.canvas)
    assert not np.array_equal(out.canvas_original, ctx.canvas_original)


def test_it_brightens_an_underexposed_face_more_with_a_higher_factor(contexts):
    ctx = contexts[NAMES[0]]
    levels = [
        filters.face_luma(with_beauty(ctx, bright=f).canvas, ctx.canvas_landmarks) for f in (1e-9, 0.5, 1.0)
    ]
    assert levels[0] < levels[1] < levels[2]
    assert levels[2] - levels[0] > 0.08  # a clear lift for a dark face
    # No clipping: the curve keeps black and white, rises everywhere, and only the very top reaches white.
    lut = filters.brighten_curve(levels[0], 1.0).astype(int)
    assert lut[0] == 0 and lut[255] == 255 and (np.diff(lut) >= 0).all()
    assert lut[250] < 255
    out = with_beauty(ctx, bright=1.0)
    newly_white = (out.canvas == 255) & (ctx.canvas < 250)
    assert not newly_white.any()


@pytest.mark.parametrize("name", NAMES)
def test_it_lifts_any_face_visibly_and_leaves_hair_and_background(contexts, name):
    ctx = contexts[name]
    points = ctx.canvas_landmarks
    before = filters.face_luma(ctx.canvas, points)
    lifts = [
        (filters.face_luma(with_beauty(ctx, bright=f).canvas, points) - before) * 255 for f in (0.5, 1.0)
    ]
    assert 8 <= lifts[1] <= 22  # clearly brighter at 1, never a different person
    assert 0.35 * lifts[1] < lifts[0] < 0.65 * lifts[1]  # smoothly from 0
    out = with_beauty(ctx, bright=1.0)
    fw = regions.face_width(points)
    hair = ctx.canvas_alpha > 0.5
    hair[int(points[10][1] - 0.05 * fw) :] = False  # above the forehead
    background = ctx.canvas_alpha < 0.05
    assert np.abs(out.canvas.astype(int) - ctx.canvas)[hair].mean() < 1.5
    assert np.abs(out.canvas_original.astype(int) - ctx.canvas_original)[background].max() <= 2
    assert not ((out.canvas >= 254) & (ctx.canvas < 245)).any()  # no highlight blown out


def test_it_warns_about_a_factor_sent_without_its_switch(contexts):
    ctx = copy.deepcopy(contexts[NAMES[1]])
    ctx.params = P.parse({"bright_factor": "0.8", "auto_smooth": "0", "smooth_factor": "0.4"})
    canvas = ctx.canvas
    beauty.run(ctx)
    assert ctx.canvas is canvas  # nothing applied
    assert any("bright_factor" in w and "auto_bright=1" in w for w in ctx.warnings)
    assert any("smooth_factor" in w and "auto_smooth=1" in w for w in ctx.warnings)
    quiet = copy.deepcopy(contexts[NAMES[1]])
    quiet.params = P.parse({"auto_bright": "1", "bright_factor": "0.8"})
    beauty.run(quiet)
    assert quiet.warnings == []


def band_energy(rgb, mask, fine, coarse):
    """Energy of luma between two blur scales (fine 0: the pixels themselves)."""
    lum = filters.luma(rgb)
    low = cv2.GaussianBlur(lum, (0, 0), fine) if fine else lum
    return float(((low - cv2.GaussianBlur(lum, (0, 0), coarse))[mask] ** 2).mean())


@pytest.mark.parametrize("name", NAMES)
def test_it_evens_the_skin_but_keeps_its_pores(contexts, name):
    ctx = contexts[name]
    mask = skin(ctx)
    out = with_beauty(ctx, smooth=1.0).canvas
    pores = band_energy(out, mask, 0, 0.8) / band_energy(ctx.canvas, mask, 0, 0.8)
    unevenness = band_energy(out, mask, 0.8, 3) / band_energy(ctx.canvas, mask, 0.8, 3)
    assert pores > 0.6  # fine texture kept: skin, not wax
    assert unevenness < 0.85 and unevenness < pores  # blemishes and blotches evened out more than pores


@pytest.mark.parametrize("name", NAMES)
def test_it_smooths_skin_monotonically_and_leaves_the_eyes(contexts, name):
    ctx = contexts[name]
    mask = skin(ctx)
    energy = [
        high_frequency(with_beauty(ctx, smooth=f).canvas if f else ctx.canvas, mask) for f in (0, 0.5, 1.0)
    ]
    assert energy[0] > energy[1] > energy[2]
    out = with_beauty(ctx, smooth=1.0)
    for eye in (regions.EYE_A, regions.EYE_B, regions.BROW_A, regions.LIPS):
        inside = regions.hull_mask(ctx.canvas.shape[:2], ctx.canvas_landmarks, eye) > 0
        assert np.array_equal(out.canvas[inside], ctx.canvas[inside])


def jaw_and_eyes(rgb):
    face = detect.find_face(rgb, level=False).face
    pts = face.landmarks
    a, b = regions.JAW_WIDTH_PAIR
    return float(np.linalg.norm(pts[a] - pts[b])), face.eye_distance


@pytest.mark.parametrize("name", NAMES)
def test_it_slims_the_jaw_and_keeps_the_eyes(contexts, name):
    ctx = contexts[name]
    jaws, eyes = zip(
        *(jaw_and_eyes(with_beauty(ctx, thin_face=f).canvas if f else ctx.canvas) for f in (0, 0.5, 1.0))
    )
    assert jaws[0] > jaws[1] > jaws[2]
    assert (jaws[0] - jaws[2]) / jaws[0] > 0.03
    assert abs(eyes[2] - eyes[0]) / eyes[0] < 0.01


def test_it_warps_the_matte_only_around_the_face(contexts):
    ctx = contexts[NAMES[1]]
    out = with_beauty(ctx, thin_face=1.0)
    changed = np.argwhere(np.abs(out.canvas_alpha - ctx.canvas_alpha) > 1e-4)
    assert len(changed)
    x0, y0, x1, y1 = regions.face_box(ctx.canvas_landmarks, ctx.canvas.shape, margin=0.7)
    assert changed[:, 0].min() >= y0 and changed[:, 0].max() < y1
    assert changed[:, 1].min() >= x0 and changed[:, 1].max() < x1


@pytest.mark.parametrize("name", NAMES)
def test_it_sharpens_monotonically_without_halos(contexts, name):
    ctx = contexts[name]
    mask = np.ones(ctx.canvas.shape[:2], bool)
    outs = [with_beauty(ctx, sharp=f).canvas if f else ctx.canvas for f in (0, 0.5, 1.0)]
    energy = [high_frequency(out, mask) for out in outs]
    assert energy[0] < energy[1] < energy[2]
    # No halo: the sharpened luma stays within its neighbourhood's range plus the small allowed overshoot.
    lum, sharp = filters.luma(ctx.canvas), filters.luma(outs[2])
    kernel = np.ones((3, 3), np.uint8)
    over = np.maximum(sharp - cv2.dilate(lum, kernel), cv2.erode(lum, kernel) - sharp)
    assert over.max() <= filters.SHARP_OVERSHOOT + 1.5


def test_it_writes_a_contact_sheet_of_each_filter(contexts):
    rows = []
    for name in NAMES:
        ctx = contexts[name]
        x0, y0, x1, y1 = regions.face_box(ctx.canvas_landmarks, ctx.canvas.shape, margin=0.15)
        for filt in FILTERS:
            tiles = [
                (with_beauty(ctx, **{filt: f}) if f else ctx).canvas[y0:y1, x0:x1] for f in (0, 0.5, 1.0)
            ]
            tiles = [cv2.resize(t, (220, round(220 * (y1 - y0) / (x1 - x0)))) for t in tiles]
            rows.append(np.hstack(tiles))
            assert not np.array_equal(tiles[0], tiles[2])
        height = max(r.shape[0] for r in rows[-4:])
        rows[-4:] = [np.pad(r, ((0, height - r.shape[0]), (0, 0), (0, 0))) for r in rows[-4:]]
    out = ARTIFACTS / "beauty"
    out.mkdir(parents=True, exist_ok=True)
    widest = max(r.shape[1] for r in rows)
    sheet = np.vstack([np.pad(r, ((0, 0), (0, widest - r.shape[1]), (0, 0))) for r in rows])
    Image.fromarray(sheet).save(out / "beauty_0_05_1.png")
    assert (out / "beauty_0_05_1.png").stat().st_size > 10_000
