"""Face detection, choice of the main face, landmarks and levelling."""

import numpy as np
import pytest
from PIL import Image

from engine.errors import NoFace, SeveralFaces
from engine.stages import detect

from .conftest import PORTRAITS, needs_shared

P11 = PORTRAITS / "p11_hivision_test0.jpg"
P13 = PORTRAITS / "p13_glasses_crop_dlib_2008_002506.png"
P14 = PORTRAITS / "p14_two_people.jpg"


def _rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def test_it_chooses_the_largest_face_and_counts_comparable_ones():
    big, small, tiny = (100, 100, 300, 300, 0.9), (400, 100, 560, 260, 0.9), (600, 600, 650, 650, 0.9)
    main, count = detect.choose_main([small, big, tiny], 800, 800)
    assert main == big
    assert count == 2  # 160^2 / 200^2 = 64% of the main face's area: comparable; the tiny one is not


def test_it_prefers_the_most_central_of_equally_large_faces():
    left, centre = (0, 300, 200, 500, 0.9), (300, 300, 500, 500, 0.9)
    main, count = detect.choose_main([left, centre], 800, 800)
    assert main == centre and count == 2


def test_it_ignores_a_much_smaller_face():
    big = (0, 0, 300, 300, 0.9)
    main, count = detect.choose_main([big, (500, 500, 580, 580, 0.9)], 800, 800)
    assert main == big and count == 1


def test_it_says_when_there_is_no_face():
    flat = np.full((400, 300, 3), 128, dtype=np.uint8)
    with pytest.raises(NoFace) as caught:
        detect.find_face(flat)
    assert "No face found" in caught.value.message
    assert caught.value.state == -14


@needs_shared(P14)
def test_it_refuses_two_people_of_similar_size():
    with pytest.raises(SeveralFaces) as caught:
        detect.find_face(_rgb(P14))
    assert caught.value.data["count"] == 2


@needs_shared(P13)
def test_it_keeps_a_photo_where_another_person_is_cut_at_the_edge():
    found = detect.find_face(_rgb(P13))
    assert found.count == 1
    centre_x = (found.face.box[0] + found.face.box[2]) / 2
    assert 0.3 * 232 < centre_x < 0.8 * 232  # the face in the middle, not the one at the left edge


@needs_shared(P11)
def test_it_places_landmarks_on_the_face():
    face = detect.find_face(_rgb(P11)).face
    x0, y0, x1, y1 = face.box
    assert face.eye_left[0] < face.eye_right[0]
    assert x0 < face.eye_left[0] < face.eye_right[0] < x1
    assert face.eyes_mid[1] < face.chin[1]
    assert y0 < face.chin[1] <= y1 + 0.25 * (y1 - y0)
    assert face.cheek_left[0] < face.eye_left[0] and face.cheek_right[0] > face.eye_right[0]
    assert face.landmarks.shape == (478, 2)
    assert 1.5 < face.width / face.eye_distance < 3.0


@needs_shared(P11)
@pytest.mark.parametrize("angle", [-12.0, 9.0])
def test_it_levels_the_eyes_of_a_tilted_photo(angle):
    upright = detect.find_face(_rgb(P11), level=False).face
    tilted = np.asarray(Image.open(P11).convert("RGB").rotate(angle, resample=Image.BICUBIC, expand=True))
    found = detect.find_face(tilted)
    # PIL rotates counter-clockwise for a positive angle: the eye line then falls to the left, a roll of -angle.
    assert found.face.roll_deg == pytest.approx(upright.roll_deg - angle, abs=1.5)
    assert found.rotation is not None
    assert abs(found.face.eye_left[1] - found.face.eye_right[1]) < 0.01 * found.face.eye_distance
    # The levelled image really is level: detecting again finds (almost) no roll.
    again = detect.find_face(found.image, level=False).face
    assert abs(again.roll_deg) < 1.0
    assert found.image.shape == tilted.shape


@needs_shared(P11)
def test_it_gives_the_same_landmarks_when_called_from_several_threads():
    from concurrent.futures import ThreadPoolExecutor

    rgb = _rgb(P11)
    alone = detect.find_face(rgb).face.landmarks
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: detect.find_face(rgb).face.landmarks, range(8)))
    for landmarks in results:
        assert np.abs(landmarks - alone).max() < 1e-3


@needs_shared(P11)
@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_it_turns_a_sideways_or_upside_down_photo_upright(quarter_turns):
    upright = _rgb(P11)
    expected = detect.find_face(upright).face
    lying = np.ascontiguousarray(np.rot90(upright, quarter_turns))  # as if the orientation tag were lost
    found = detect.find_face(lying)
    assert found.turned == (4 - quarter_turns) % 4
    assert found.source.shape == upright.shape
    assert np.hypot(*np.subtract(found.face.chin, expected.chin)) < 3
    assert np.hypot(*np.subtract(found.face.eyes_mid, expected.eyes_mid)) < 3
