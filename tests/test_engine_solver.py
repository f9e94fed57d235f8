"""The framing solver on its own: pure geometry, no images."""

import numpy as np
import pytest

from engine import solver
from engine.context import Face, Transform
from engine.stages import geometry

# A face as the solver sees it in a source photo: crown at y=100, eyes at 260, chin at 500 (face height 400),
# 260 px from cheek to cheek, centred at x=600.
FACE = solver.SourceGeometry(face_width=260.0, crown_y=100.0, chin_y=500.0, eyes_y=260.0, face_cx=600.0)
W, H = 413, 531


def value(solution, name):
    return solution.value(FACE, name)


def test_it_meets_min_max_bands_from_their_middle():
    constraints = {"face_height": (376, 425), "head_top": (24, 71)}
    sol = solver.solve(FACE, constraints, W, H)
    assert value(sol, "face_height") == pytest.approx(400.5, abs=0.01)
    assert value(sol, "head_top") == pytest.approx(47.5, abs=0.01)
    assert not sol.used_default


def test_it_centres_the_face_horizontally():
    sol = solver.solve(FACE, {"face_height": (376, 425), "head_top": (24, 71)}, W, H)
    assert sol.scale * FACE.face_cx + sol.tx == pytest.approx(W / 2)


def test_it_meets_exact_values():
    sol = solver.solve(FACE, {"face_width": (200, 200), "eyes_top": (210, 210)}, W, H)
    assert value(sol, "face_width") == pytest.approx(200, abs=0.5)
    assert value(sol, "eyes_top") == pytest.approx(210, abs=0.5)


def test_it_meets_exact_values_that_fix_both_scale_and_offset_through_two_positions():
    # head_top 40 and chin_top 440 imply a face height of 400 (scale 1).
    sol = solver.solve(FACE, {"head_top": (40, 40), "chin_top": (440, 440)}, W, H)
    assert sol.scale == pytest.approx(1.0, abs=0.01)
    assert value(sol, "head_top") == pytest.approx(40, abs=0.5)
    assert value(sol, "chin_top") == pytest.approx(440, abs=0.5)


def test_it_mixes_an_exact_value_with_one_sided_bounds():
    constraints = {"face_height": (380, 380), "head_top": (30, None), "chin_top": (None, 460)}
    sol = solver.solve(FACE, constraints, W, H)
    assert value(sol, "face_height") == pytest.approx(380, abs=0.5)
    assert 30 <= value(sol, "head_top") and value(sol, "chin_top") <= 460
    # The free offset is taken from the middle of what is allowed: head_top in 30..80 -> ~55.
    assert value(sol, "head_top") == pytest.approx(55, abs=1)


def test_it_uses_the_default_band_when_nothing_is_asked():
    sol = solver.solve(FACE, {}, W, H)
    low, high = solver.DEFAULT_BAND["face_height"]
    top_low, top_high = solver.DEFAULT_BAND["head_top"]
    assert sol.used_default
    assert low * H <= value(sol, "face_height") <= high * H
    assert top_low * H <= value(sol, "head_top") <= top_high * H


def test_it_completes_an_open_request_with_the_default_band():
    # Only the face size is asked: the head position comes from the default band.
    sol = solver.solve(FACE, {"face_width": (180, 190)}, W, H)
    assert 180 <= value(sol, "face_width") <= 190
    top_low, top_high = solver.DEFAULT_BAND["head_top"]
    assert top_low * H <= value(sol, "head_top") <= top_high * H
    assert sol.used_default


def test_it_lets_the_caller_win_over_a_contradicting_default_band():
    # A small face (40% of the height) is outside the default 60-70% band, but it was asked for.
    sol = solver.solve(FACE, {"face_height": (212, 212)}, W, H)
    assert value(sol, "face_height") == pytest.approx(212, abs=0.5)
    top_low, top_high = solver.DEFAULT_BAND["head_top"]
    assert top_low * H <= value(sol, "head_top") <= top_high * H


def test_it_names_contradicting_constraints():
    # This face is 400/260 = 1.54 times as tall as wide: 300 px wide means 462 px tall, not 380.
    with pytest.raises(solver.Infeasible) as caught:
        solver.solve(
            FACE, {"face_width": (300, 300), "face_height": (380, 380), "eyes_top": (200, 260)}, W, H
        )
    message = caught.value.message
    assert "face_width = 300 px" in message and "face_height = 380 px" in message
    assert "eyes_top" not in message  # not part of the contradiction
    assert "1.54 times as tall as it is wide" in message
    assert {b.name for b in caught.value.bounds} == {"face_width", "face_height"}


def test_it_names_positions_that_contradict_the_face_height():
    # head_top 20 and chin_top 300 mean a face height of 280, but at least 376 is asked.
    with pytest.raises(solver.Infeasible) as caught:
        solver.solve(FACE, {"face_height": (376, 425), "head_top": (20, 20), "chin_top": (300, 300)}, W, H)
    message = caught.value.message
    for text in ("face_height 376-425 px", "head_top = 20 px", "chin_top = 300 px"):
        assert text in message


def test_it_refuses_a_face_that_cannot_fit_the_output():
    with pytest.raises(solver.Infeasible) as caught:
        solver.solve(FACE, {"face_height": (600, 600)}, W, H)
    assert "face_height = 600 px" in caught.value.message
    assert "413x531 px output" in caught.value.message or "head_top >= 0" in caught.value.message


def test_it_accepts_bounds_that_only_just_touch():
    # min of one equals what the other forces exactly: still feasible.
    sol = solver.solve(FACE, {"face_height": (400, 425), "face_width": (260, 260)}, W, H)
    assert value(sol, "face_width") == pytest.approx(260, abs=0.5)
    assert value(sol, "face_height") == pytest.approx(400, abs=1)


@pytest.mark.parametrize("name", ["face_width", "face_height", "head_top", "chin_top", "eyes_top"])
def test_it_meets_each_quantity_alone_as_an_exact_value(name):
    target = {"face_width": 200, "face_height": 330, "head_top": 50, "chin_top": 420, "eyes_top": 220}[name]
    sol = solver.solve(FACE, {name: (target, target)}, W, H)
    assert value(sol, name) == pytest.approx(target, abs=0.5)


def test_it_clips_a_polygon_by_a_half_plane():
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    half = solver.clip(square, (1.0, 0.0, 1.0))  # s <= 1
    assert solver.centroid(half) == pytest.approx((0.5, 1.0))
    assert solver.clip(square, (1.0, 0.0, -1.0)) == []  # s <= -1: nothing left


# --- the geometry stage's image helpers, on synthetic arrays ---


def _face(cx=100.0, eyes_y=120.0, chin_y=190.0, width=80.0):
    half = width / 2
    return Face(
        box=(cx - half, eyes_y - 40, cx + half, chin_y),
        score=1.0,
        landmarks=np.zeros((478, 2), np.float32),
        eye_left=(cx - 20, eyes_y),
        eye_right=(cx + 20, eyes_y),
        chin=(cx, chin_y),
        cheek_left=(cx - half, eyes_y + 20),
        cheek_right=(cx + half, eyes_y + 20),
        roll_deg=0.0,
    )


def _head_matte(top, height=260, width=200, cx=100.0):
    """A disc-shaped head whose top is at `top`, on a body below it."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    radius = 70.0
    head = ((xx - cx) ** 2 + (yy - (top + radius)) ** 2) <= radius**2
    body = yy >= top + 1.6 * radius
    return (head | body).astype(np.float32)


def test_it_finds_the_crown_at_the_top_of_the_head():
    crown, cut = geometry.find_crown(_head_matte(top=30.0), _face())
    assert crown == pytest.approx(30.0, abs=2.5)  # 20th percentile over the middle half of the face
    assert cut is False


def test_it_ignores_a_few_stray_hairs_above_the_crown():
    alpha = _head_matte(top=30.0)
    alpha[5:31, 99:101] = 1.0  # two columns of hair standing up
    crown, _ = geometry.find_crown(alpha, _face())
    assert crown == pytest.approx(30.0, abs=2.5)


def test_it_finds_the_crown_on_a_smaller_matte():
    # The same head matted at half resolution: the crown comes back in source pixels.
    small = _head_matte(top=15.0, height=130, width=100, cx=50.0)
    crown, _ = geometry.find_crown(small, _face(), matte_scale=0.5)
    assert crown == pytest.approx(30.0 + 0.5, abs=4.0)


def test_it_sees_a_head_running_off_the_top_of_the_photo():
    crown, cut = geometry.find_crown(_head_matte(top=-20.0), _face())
    assert cut is True and crown == pytest.approx(0.0, abs=1.0)


def test_it_area_filters_when_shrinking_a_lot():
    # A one-pixel checkerboard shrunk 6 times must become flat grey, not an aliased pattern.
    board = ((np.indices((600, 600)).sum(axis=0) % 2) * 255).astype(np.uint8)
    out = geometry.warp(board, Transform(scale=1 / 6, tx=0.0, ty=0.0), (100, 100), colour=False)
    assert abs(float(out[5:-5, 5:-5].mean()) - 127.5) < 3
    assert float(out[5:-5, 5:-5].std()) < 3


def test_it_places_the_source_where_the_transform_says():
    source = np.zeros((400, 400), np.float32)
    source[200, 100] = 1.0
    for scale in (0.25, 1.0, 2.0):
        transform = Transform(scale=scale, tx=10.0, ty=20.0)
        out = geometry.warp(source, transform, (1000, 1000), colour=False)
        y, x = np.unravel_index(np.argmax(out), out.shape)
        want_x, want_y = transform.point(100, 200)
        assert abs(x - want_x) <= 1 and abs(y - want_y) <= 1, scale


def test_it_marks_the_canvas_outside_the_photo_as_uncovered():
    # A 100x100 photo at scale 2 placed at (50, 0): it covers x 49..249 and y -1..199 of a 300x300 canvas.
    coverage = geometry.rectangle_coverage((100, 100), Transform(scale=2.0, tx=50.0, ty=0.0), (300, 300))
    assert coverage[100, 150] == 1.0
    assert coverage[250, 150] == 0.0  # below the photo
    assert coverage[100, 10] == 0.0 and coverage[100, 290] == 0.0
    assert 0.0 < coverage[100, 49] < 1.0  # the edge pixel is partly covered
