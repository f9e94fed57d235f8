"""Background, label and watermark stages on a hand-built Context (synthetic canvas, no models)."""

import cv2
import numpy as np
import pytest
from PIL import Image, ImageFont

from engine import pipeline
from engine.context import Context
from engine.fonts import MEDIUM, cjk_font, missing_glyphs
from engine.params import parse
from engine.stages import background, label, watermark

W, H = 295, 413
SKIN = (190, 140, 110)
HAIR = (40, 30, 25)
GREY_WALL = (200, 200, 200)
MAGENTA = (255, 0, 255)
BLUE = (0x43, 0x8E, 0xDB)
CHIN = 152


def _figure_alpha():
    """Head ellipse with a soft 12 px edge and a shoulder block: alpha HxW float32."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    distance = np.sqrt(((xx - W / 2) / 75) ** 2 + ((yy - 175) / 100) ** 2)
    head = np.clip((1.0 - distance) * 100 / 12 + 0.5, 0, 1)
    shoulders = ((yy > 300) & (np.abs(xx - W / 2) < 130)).astype(np.float32)
    return np.maximum(head, shoulders)


def _ctx(alpha=None, foreground=HAIR, wall=GREY_WALL, **params):
    """A Context as the geometry stage leaves it: decontaminated canvas, alpha, original pixels, coverage."""
    alpha = _figure_alpha() if alpha is None else alpha
    ctx = Context(params=parse({k: str(v) for k, v in params.items()}), source_bytes=b"")
    canvas = np.empty((H, W, 3), np.uint8)
    canvas[:] = foreground
    canvas[alpha == 0] = MAGENTA  # whatever sits under alpha 0 must never show
    ctx.canvas = canvas
    ctx.canvas_alpha = alpha
    a = alpha[..., None]
    ctx.canvas_original = (np.array(foreground) * a + np.array(wall) * (1 - a) + 0.5).astype(np.uint8)
    ctx.canvas_coverage = np.ones((H, W), np.float32)
    landmarks = np.zeros((478, 2), np.float32)
    landmarks[CHIN] = (W / 2, 270)
    ctx.canvas_landmarks = landmarks
    return ctx


def _run(ctx, *stages):
    for stage in stages:
        stage.run(ctx)
    return ctx


def _save(artifacts_dir, name, pixels):
    folder = artifacts_dir / "engine-io"
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(folder / name)


# ------------------------------------------------------------------ background


def test_it_fills_a_solid_colour_behind_the_person():
    ctx = _run(_ctx(bg_color="438EDB", format="jpg"), background)
    assert ctx.composed.shape == (H, W, 3)
    assert tuple(ctx.composed[5, 5]) == BLUE
    assert tuple(ctx.composed[175, W // 2]) == HAIR


def test_it_draws_a_vertical_gradient_from_top_to_bottom_colour(artifacts_dir):
    ctx = _run(_ctx(foreground=SKIN, bg_color="FF0000", bg_color2="FFFFFF"), background)
    column = ctx.composed[:, 3].astype(int)
    assert tuple(column[0]) == (255, 0, 0) and tuple(column[-1]) == (255, 255, 255)
    assert np.all(np.diff(column[:, 1]) >= 0) and np.all(column[:, 0] == 255)  # red -> white, monotonic
    assert abs(column[H // 2, 1] - 128) <= 2  # interpolated in sRGB: the middle is half way
    _save(artifacts_dir, "gradient_red_white.png", ctx.composed)


def test_it_makes_a_transparent_png_when_no_colour_is_asked():
    alpha = _figure_alpha()
    ctx = _run(_ctx(alpha=alpha, format="png"), background)
    assert ctx.composed.shape == (H, W, 4)
    assert np.array_equal(ctx.composed[..., 3], np.round(alpha * 255).astype(np.uint8))
    opaque = alpha == 1
    assert (ctx.composed[opaque][:, :3] == HAIR).all()  # straight alpha: colours are not premultiplied
    # nothing of the old background hides under the transparent pixels
    transparent = ctx.composed[..., 3] == 0
    rgb = ctx.composed[transparent][:, :3].astype(int)
    assert np.abs(rgb - MAGENTA).sum(axis=1).min() > 100


def test_it_uses_white_for_a_jpeg_when_no_colour_is_asked():
    ctx = _run(_ctx(format="jpg"), background)
    assert ctx.composed.shape == (H, W, 3) and tuple(ctx.composed[5, 5]) == (255, 255, 255)


def test_it_composes_a_soft_edge_without_a_light_halo(artifacts_dir):
    """Dark hair shot on a light grey wall, put on blue: edge pixels must stay between hair and blue."""
    alpha = _figure_alpha()
    ctx = _run(_ctx(alpha=alpha, bg_color="438EDB"), background)
    edge = (alpha > 0.02) & (alpha < 0.98)
    assert edge.sum() > 500
    got = ctx.composed[edge].astype(int)
    low = np.minimum(HAIR, BLUE)
    high = np.maximum(HAIR, BLUE)
    assert (got >= low - 1).all() and (got <= high + 1).all()
    luma = got @ np.array([0.2126, 0.7152, 0.0722])
    assert luma.max() <= max(np.dot(HAIR, [0.2126, 0.7152, 0.0722]), np.dot(BLUE, [0.2126, 0.7152, 0.0722])) + 1
    # the test has teeth: the same edge built from the original (grey-contaminated) pixels is lighter than both
    a = alpha[..., None]
    naive = (ctx.canvas_original * a + np.array(BLUE) * (1 - a))[edge]
    assert (naive[:, 0] > high[0] + 20).any()
    crop = ctx.composed[60:160, 60:235]
    _save(artifacts_dir, "edge_on_blue_x4.png", np.kron(crop, np.ones((4, 4, 1), np.uint8)))


def test_it_keeps_the_original_background_and_fills_only_past_the_photo():
    ctx = _ctx(change_bg=0, bg_color="438EDB")
    ctx.canvas_coverage[:, :40] = 0.0  # the output runs past the left edge of the photo
    _run(ctx, background)
    assert np.array_equal(ctx.composed[:, 40:], ctx.canvas_original[:, 40:])
    assert (ctx.composed[:, :40] == BLUE).all()


def test_it_fills_past_the_photo_with_white_by_default_when_keeping_the_background():
    ctx = _ctx(change_bg=0)
    ctx.canvas_coverage[-30:, :] = 0.0
    _run(ctx, background)
    assert (ctx.composed[-30:] == 255).all()
    assert np.array_equal(ctx.composed[:-30], ctx.canvas_original[:-30])


def test_it_accepts_an_8_bit_alpha():
    alpha8 = np.round(_figure_alpha() * 255).astype(np.uint8)
    ctx = _run(_ctx(alpha=_figure_alpha(), bg_color="438EDB"), background)
    ctx8 = _ctx(alpha=_figure_alpha(), bg_color="438EDB")
    ctx8.canvas_alpha = alpha8
    _run(ctx8, background)
    assert np.abs(ctx.composed.astype(int) - ctx8.composed).max() <= 2


# ------------------------------------------------------------------ label

LABEL = "张三 Zhang San 2026"


def test_it_lays_a_label_over_the_bottom_with_chinese_latin_and_digits(artifacts_dir):
    ctx = _run(_ctx(bg_color="438EDB", add_label=1, label_text=LABEL), background)
    before = ctx.composed.copy()
    _run(ctx, label)
    strip = label.strip_height(H)
    assert strip == round(H * 0.08)
    assert ctx.composed.shape == (H, W, 3)  # laid over: the document size is unchanged
    assert np.array_equal(ctx.composed[: H - strip], before[: H - strip])
    band = ctx.composed[H - strip :]
    ink = band.min(axis=2) < 100
    assert ink.sum() > 150
    ys, xs = np.nonzero(ink)
    assert abs((xs.min() + xs.max()) / 2 - W / 2) <= 3  # centred
    assert ys.min() > 0 and ys.max() < strip - 1  # inside the strip
    # the Chinese characters left ink where they are drawn (left part of the text)
    assert ink[:, : W // 2 - 40].sum() > 30
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert (band[~near_ink] == 255).all()  # away from the letters (and their anti-aliasing) the strip is white
    _save(artifacts_dir, "label_zh.png", ctx.composed)


def test_it_renders_every_label_glyph_instead_of_tofu():
    font = cjk_font(24, MEDIUM)
    assert missing_glyphs(font, LABEL) == []
    # the check works: a Latin-only font would draw the two Chinese characters as its missing-glyph box
    latin_only = ImageFont.load_default(24)
    assert missing_glyphs(latin_only, LABEL) == ["张", "三"]
    assert missing_glyphs(font, "张\U0001fae8") == ["\U0001fae8"]  # an emoji the font lacks


def test_it_shrinks_the_text_to_fit_the_width():
    long_text = "中华人民共和国居民身份证 Resident Identity Card 2026-0001"
    ctx = _run(_ctx(bg_color="FFFFFF", add_label=1, label_text=long_text), background, label)
    strip = label.strip_height(H)
    ink = ctx.composed[H - strip :].min(axis=2) < 128
    xs = np.nonzero(ink.any(axis=0))[0]
    assert xs.min() >= 2 and xs.max() <= W - 3
    assert not ctx.warnings


def test_it_shortens_text_that_cannot_fit_and_says_so():
    ctx = _run(_ctx(bg_color="FFFFFF", add_label=1, label_text="名" * 120), background, label)
    assert any("shortened" in w for w in ctx.warnings)
    ink = ctx.composed[-label.strip_height(H) :].min(axis=2) < 128
    assert ink.any() and ink[:, 0].sum() == 0 and ink[:, -1].sum() == 0


def test_it_uses_the_asked_label_height_and_a_minimum_default():
    ctx = _run(_ctx(bg_color="438EDB", add_label=1, label_text="ID 123", label_height=60), background, label)
    assert (ctx.composed[H - 60 : H - 55] == 255).all()
    assert tuple(ctx.composed[H - 61, 2]) == BLUE
    assert label.strip_height(150) == 20  # 8% of a small photo would be too low to read


def test_it_makes_the_strip_opaque_on_a_transparent_png():
    ctx = _run(_ctx(add_label=1, label_text=LABEL), background, label)
    assert ctx.composed.shape[2] == 4
    assert (ctx.composed[-label.strip_height(H) :, :, 3] == 255).all()


def test_it_warns_when_the_strip_covers_the_chin():
    ctx = _run(_ctx(bg_color="FFFFFF", add_label=1, label_text="A", label_height=160), background, label)
    assert any("covers the chin" in w for w in ctx.warnings)


def test_it_adds_nothing_for_an_empty_label_and_says_so():
    ctx = _run(_ctx(bg_color="FFFFFF", add_label=1, label_text="   "), background)
    before = ctx.composed.copy()
    _run(ctx, label)
    assert np.array_equal(ctx.composed, before) and any("label_text is empty" in w for w in ctx.warnings)


# ------------------------------------------------------------------ watermark


def _changed(before, after):
    return np.abs(before.astype(int) - after.astype(int)).max(axis=2) > 24


@pytest.mark.parametrize("colour", ["FFFFFF", "000000", "438EDB"])
def test_it_watermarks_the_face_region_on_any_background(colour, artifacts_dir):
    ctx = _run(_ctx(foreground=SKIN, bg_color=colour, preview=1), background)
    before = ctx.composed.copy()
    _run(ctx, watermark)
    changed = _changed(before, ctx.composed)
    face = changed[95:255, 75:220]
    assert face.mean() > 0.08
    # every part of the face carries some mark: a crop cannot avoid it
    for rows in np.array_split(face, 3, axis=0):
        for cell in np.array_split(rows, 3, axis=1):
            assert cell.mean() > 0.01
    if colour == "438EDB":
        _save(artifacts_dir, "preview_on_blue.png", ctx.composed)


def test_it_leaves_no_watermark_free_window_anywhere():
    ctx = _run(_ctx(foreground=SKIN, bg_color="438EDB", preview=1), background)
    before = ctx.composed.copy()
    changed = _changed(before, _run(ctx, watermark).composed)
    window = 90
    for y in range(0, H - window + 1, 20):
        for x in range(0, W - window + 1, 20):
            assert changed[y : y + window, x : x + window].mean() > 0.02, (x, y)


def test_it_watermarks_after_the_label_and_over_transparency(artifacts_dir):
    ctx = _run(_ctx(foreground=SKIN, preview=1, add_label=1, label_text=LABEL), background, label, watermark)
    assert ctx.composed.shape[2] == 4
    assert (ctx.composed[..., 3][_figure_alpha() == 0] > 0).mean() > 0.1  # the mark shows on transparent parts
    order = [pipeline.stage_name(module) for module, _ in pipeline.STAGES]
    assert order.index("background") < order.index("label") < order.index("watermark") < order.index("encode")
    _save(artifacts_dir, "preview_label_transparent.png", ctx.composed)


def test_it_does_not_watermark_without_preview():
    ctx = _run(_ctx(bg_color="438EDB"), background)
    before = ctx.composed.copy()
    assert np.array_equal(_run(ctx, watermark).composed, before)
