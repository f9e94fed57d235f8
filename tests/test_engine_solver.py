"""The framing solver on its own: pure geometry, no images."""

import pytest

from engine import solver

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
        solver.solve(FACE, {"face_width": (300, 300), "face_height": (380, 380), "eyes_top": (200, 260)}, W, H)
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
