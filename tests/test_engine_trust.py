"""State 1 only for a usable photo: hard checks, the finished-photo verification, lone bounds, orientation,
phone-sized photos, and the scale run over ../shared/lfw_dev."""

import io
import time

import cv2
import numpy as np
import pytest
from PIL import Image

from engine import compliance, measure, params, pipeline, solver
from engine.errors import ChecksFailed, ContentError, CrownCut
from engine.mesh import NOSE_TIP
from engine.scale import DEFAULT_REQUEST, run, summary
from engine.stages import decode, detect, geometry

from .conftest import PORTRAITS, SHARED, needs_shared

LFW = SHARED / "lfw_dev"
P16 = PORTRAITS / "p16_hivision_test3.jpg"  # long straight black hair, light background, crown visible
P11 = PORTRAITS / "p11_hivision_test0.jpg"  # ID-photo-like: suit, plain white background
HANDS_IN_VIEW = (
    LFW / "Kate_Starbird_0001.jpg",
    LFW / "Luis_Ernesto_Derbez_Bautista_0001.jpg",
    # A teammate's hand on the shoulder, its fingers cut by the output's bottom edge: the hand model finds it
    # in the source, not in the small finished photo.
    LFW / "Butch_Davis_0001.jpg",
)
BOB_HOPE = LFW / "Bob_Hope_0001.jpg"  # upright, scores 0.67; upside down the detector "finds" 0.83
SIZE_413 = {"size": "413x531", "bg_color": "438EDB"}


def _rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def _jpeg(rgb, quality=92):
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality)
    return out.getvalue()


def _process(data, **fields):
    return pipeline.process(data, params.parse({k: str(v) for k, v in fields.items()}))


def _face_rows(path):
    found = detect.find_face(_rgb(path), level=False)
    return found.face


# --- hard checks -------------------------------------------------------------------------------------------


@needs_shared(P16)
def test_it_refuses_a_cut_crown_even_when_only_width_and_eyes_were_asked():
    rgb = _rgb(P16)
    face = _face_rows(P16)
    # Cut the photo through the hair, half way between the top of the forehead and the eyes.
    top = int(face.landmarks[10][1] * 0.5 + face.eyes_mid[1] * 0.5)
    cut = _jpeg(np.ascontiguousarray(rgb[top:]))
    with pytest.raises(CrownCut) as caught:
        _process(cut, face_width=180, eyes_top=230, **SIZE_413)
    failing = compliance.checks_for_error(caught.value)
    assert failing[0]["id"] == "face_in_frame" and "further away" in failing[0]["fix"]
    # The same request on the whole photo is produced: the refusal is about the cut, not the request.
    result = _process(P16.read_bytes(), face_width=180, eyes_top=230, **SIZE_413)
    assert measure.measure(result.image)["face_width"] == pytest.approx(180, abs=6)


@needs_shared(P16)
def test_it_refuses_a_face_cut_by_the_side_of_the_photo_with_the_check_named():
    rgb = _rgb(P16)
    face = _face_rows(P16)
    # Cut the photo vertically through the middle of the face's right half.
    right = int((face.eyes_mid[0] + face.cheek_right[0]) / 2)
    cut = _jpeg(np.ascontiguousarray(rgb[:, :right]))
    with pytest.raises(ContentError) as caught:
        _process(cut, **SIZE_413)
    names = {c["id"] for c in compliance.checks_for_error(caught.value)}
    assert names & {"face_in_frame", "person_not_cut"}, names
    assert caught.value.state == -14


def test_it_extends_the_body_into_the_corners_a_levelling_turn_brings_in():
    # A photo turned 20 degrees: its valid area is a tilted rectangle, and the matte is 0 where it has none.
    size = 200
    valid = np.zeros((size, size), np.uint8)
    corners = cv2.boxPoints(((100, 100), (150, 150), 20)).astype(np.int32)
    cv2.fillConvexPoly(valid, corners, 255)
    body = np.zeros((size, size), np.float32)
    body[120:, 40:170] = 1.0  # shoulders running off the photo's lower edge and into the corners
    alpha = body * (valid >= 250)
    extended = geometry.extend_past_photo(alpha, valid)
    outside = valid == 0
    # Below the shoulders the corner is filled as body; above the body the corner stays empty.
    assert extended[195, 150] == 1.0 and outside[195, 150]
    assert extended[5, 5] == 0.0 and outside[5, 5]
    # Inside the photo nothing changes.
    inside = valid >= 250
    assert np.array_equal(extended[inside], alpha[inside])


def test_it_names_every_failing_hard_check_and_its_fix():
    checks = [
        {"id": "person_not_cut", "label": "Not cut off by the edge of the photo", "status": "fail",
         "value": 4.0, "threshold": 1.5, "unit": "rows", "fix": "Use a photo taken from further away."},
        {"id": "head_yaw", "label": "Facing the camera", "status": "fail", "value": 25, "threshold": 20,
         "unit": "degrees", "fix": "Face the camera."},
    ]  # fmt: skip
    failing = compliance.hard_failures(checks)
    assert [c["id"] for c in failing] == ["person_not_cut"]  # a turned head is a warning, not a refusal
    err = ChecksFailed(failing)
    assert err.state == -14 and err.kind == "checks_failed"
    assert compliance.checks_for_error(err) == failing
    assert "further away" in err.message


# --- lone bounds -------------------------------------------------------------------------------------------


@needs_shared(P11)
@pytest.mark.parametrize(
    ("bound", "value", "measured"),
    [
        ("max_face_width", 150, "face_width"),
        ("max_face_height", 250, "face_height"),
        ("max_chin_top", 300, "chin_top"),
        ("max_eyes_top", 195, "eyes_top"),
        ("min_face_width", 205, "face_width"),
    ],
)
def test_it_narrows_the_default_band_with_a_lone_bound(bound, value, measured):
    # p11 has room on both sides: a smaller face shows more of the photo without reaching its edges (p16's
    # slightly turned photo ends at her right shoulder, so there every smaller face is refused as cut).
    result = _process(P11.read_bytes(), **{bound: value}, **SIZE_413)
    found = measure.measure(result.image)
    # The requested side is met (with the re-measurement's few px of noise) and reached: the framing moves
    # only as far as asked, so the measured value sits at the bound, not somewhere inside the open range.
    assert found[measured] == pytest.approx(value, abs=7), found
    # The rest stays in the default band, stretched at most as far as it may go to keep the photo's bottom
    # edge out of the output: head top 5-12% of the height (27-64 px; 8-12% unstretched).
    low, high = (v * 531 for v in solver.STRETCHED_BAND["head_top"])
    assert low - 5 <= found["head_top"] <= high + 5, found
    if bound != "max_chin_top" and bound != "max_eyes_top":
        assert found["chin_top"] > 0.5 * 531


# --- orientation -------------------------------------------------------------------------------------------


@needs_shared(P16)
def test_it_turns_an_upside_down_photo_without_exif_upright():
    upside_down = _jpeg(np.ascontiguousarray(np.rot90(_rgb(P16), 2)))
    result = _process(upside_down, **SIZE_413)
    assert any("turned upright" in w for w in result.warnings)
    found = measure.measure(result.image)
    assert found["faces_found"] == 1 and abs(found["roll_deg"]) < 5
    assert found["head_top"] < found["eyes_top"] < found["chin_top"]


@needs_shared(BOB_HOPE)
def test_it_never_turns_an_upright_face_found_with_a_reasonable_score():
    found = detect.find_face(_rgb(BOB_HOPE))
    assert found.turned == 0
    # A low-contrast, soft copy of an upright portrait (the bearded man of issue 17) stays upright too.
    grey = _rgb(P11).astype(np.float32)
    low = (0.45 * grey + 0.55 * 128).astype(np.uint8)
    low = np.asarray(Image.fromarray(low).resize((144, 192)).resize((576, 768)))
    assert detect.find_face(low).turned == 0


# --- phone-sized photos ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def photo_48mp():
    if not P11.exists():
        pytest.skip("../shared/portraits is absent")
    big = Image.open(P11).convert("RGB").resize((6000, 8000), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    big.save(out, "JPEG", quality=80)
    return out.getvalue()


def test_it_accepts_a_48_megapixel_phone_photo_and_works_on_it_small(photo_48mp):
    started = time.perf_counter()
    result = _process(photo_48mp, **SIZE_413)
    elapsed = time.perf_counter() - started
    source = result.measurements["source"]
    assert (source["width"], source["height"]) == (6000, 8000)
    assert source["work_size"] == [3000, 4000]  # decoded at half scale: the long side stays above 2048 px
    assert max(source["work_size"]) <= decode.WORK_MAX_SIDE
    assert result.measurements["face_height"]["px"] > 200
    assert elapsed < 20  # generous: the suite shares 2 cores; docs/engine.md has the quiet figure


@pytest.mark.django_db
def test_it_serves_a_48_megapixel_photo_through_the_api(client, settings, photo_48mp):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from api import services
    from tests.api_support import CREATE_URL, auth

    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 1000
    key, raw = services.create_api_key("phone", credits=100)
    fields = {"image_file": SimpleUploadedFile("phone.jpg", photo_48mp), "sync": "1", "size": "295x413"}
    data = client.post(CREATE_URL, fields, **auth(raw)).json()["data"]
    assert data["state"] == 1, data
    assert services.balance(key) < 100  # charged: a success


# --- the scale run -----------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.shared
@needs_shared(LFW)
def test_it_delivers_no_photo_that_fails_a_fresh_look_on_a_scale_subset(tmp_path):
    outcomes = run(LFW, dict(DEFAULT_REQUEST), limit=40)
    counts = summary(outcomes)
    assert counts["photos"] == 40
    assert counts["delivered_but_failing"] == 0, counts["failing"]
    # Refusals stay the exception: 28 of these 40 are produced (222 of all 300); each refusal shows a hand, a
    # bystander or a cut crown on the contact sheets (docs/engine.md, Scale run).
    assert counts["produced"] >= 27, counts["refused_by_reason"]


def test_it_sees_a_losing_face_still_in_the_output():
    from engine.compliance.finished import other_faces_left
    from engine.context import Context, Transform

    ctx = Context(params=params.parse({"size": "200x250"}), source_bytes=b"")
    ctx.transform = Transform(scale=0.5, tx=0.0, ty=0.0)
    ctx.canvas_alpha = np.zeros((250, 200), np.float32)
    ctx.other_faces = [(300.0, 40.0, 440.0, 200.0)]  # lands at x 150-220: half of it inside the output
    assert other_faces_left(ctx) == 0  # the matte removed that person
    ctx.canvas_alpha[20:100, 150:200] = 1.0
    assert other_faces_left(ctx) == 1  # kept, joined to the customer
    ctx.other_faces = [(420.0, 40.0, 560.0, 200.0)]  # lands at x 210-280: outside the output
    assert other_faces_left(ctx) == 0


def test_it_does_not_count_our_own_cheek_under_a_losing_faces_box():
    # A bystander half hidden behind the customer: their box reaches over our cheek, which stays opaque.
    from engine.compliance.finished import other_faces_left
    from engine.context import Context, Transform
    from engine.mesh import FACE_OVAL

    ctx = Context(params=params.parse({"size": "200x250"}), source_bytes=b"")
    ctx.transform = Transform(scale=1.0, tx=0.0, ty=0.0)
    ctx.canvas_alpha = np.zeros((250, 200), np.float32)
    cv2.circle(ctx.canvas_alpha, (90, 120), 50, 1.0, thickness=-1)  # our face
    ctx.canvas_landmarks = np.tile(np.array([90.0, 120.0]), (478, 1))
    angles = np.linspace(0, 2 * np.pi, len(FACE_OVAL), endpoint=False)
    ctx.canvas_landmarks[list(FACE_OVAL)] = np.stack([90 + 50 * np.cos(angles), 120 + 50 * np.sin(angles)], 1)
    ctx.canvas_landmarks[[detect.CHEEK_A, detect.CHEEK_B]] = [(40.0, 120.0), (140.0, 120.0)]
    ctx.other_faces = [(110.0, 80.0, 190.0, 160.0)]  # half of it on our face
    assert other_faces_left(ctx) == 0  # the matte removed them; our cheek is no face of theirs
    ctx.canvas_alpha[80:160, 150:190] = 1.0
    assert other_faces_left(ctx) == 1  # kept beside our face


# --- something in front of the face ------------------------------------------------------------------------

P10 = PORTRAITS / "p10_lin_manuel_miranda.png"  # a hand holds a microphone in front of the chin
HAND_ON_CHIN = LFW / "John_Prescott_0001.jpg"  # his hand over the chin and mouth
PHONE_AT_EAR = LFW / "Bob_Curtis_0001.jpg"  # a hand holds a phone at the ear, beside the face
HANDS_ON_JAW = [
    LFW / "David_Surrett_0001.jpg",  # the face rests in both hands, cheeks and jaw covered
    LFW / "Donald_Fehr_0001.jpg",  # a hand on the cheek
    LFW / "Clare_Latimer_0001.jpg",  # the chin rests on a hand
]
HANDS_AWAY = [
    LFW / "John_Elway_0001.jpg",  # a hand on the chest, below the chin
    LFW / "Chuck_Amato_0001.jpg",  # a hand lower down, beside the body
]


def _refused_checks(path):
    with pytest.raises(ChecksFailed) as caught:
        pipeline.process(path.read_bytes(), params.parse(dict(DEFAULT_REQUEST)))
    assert caught.value.state == -14
    return {c["id"]: c for c in caught.value.data["checks"]}


@needs_shared(P10)
def test_it_refuses_a_microphone_held_in_front_of_the_chin():
    failing = _refused_checks(P10)
    assert "face_uncovered" in failing, failing
    assert failing["face_uncovered"]["fix"].startswith("Something covers the face")


@needs_shared(HAND_ON_CHIN)
def test_it_refuses_a_hand_over_the_chin():
    failing = _refused_checks(HAND_ON_CHIN)
    assert "face_uncovered" in failing, failing
    assert failing["face_uncovered"]["value"] >= failing["face_uncovered"]["threshold"]


@needs_shared(PHONE_AT_EAR)
def test_it_delivers_a_face_with_a_phone_held_at_the_ear():
    result = pipeline.process(PHONE_AT_EAR.read_bytes(), params.parse(dict(DEFAULT_REQUEST)))
    check = next(c for c in result.checks if c["id"] == "face_uncovered")
    assert check["status"] == "pass"
    assert check["value"] < check["threshold"]


def test_it_finds_a_hand_in_the_finished_photo_but_not_a_phone_at_the_ear(monkeypatch):
    """The rule alone, on a drawn person with hand points laid where we choose (the hand model is replaced)."""
    from engine.compliance import covered

    points = np.zeros((478, 2), np.float32)
    points[list(covered.FACE_OVAL)] = [
        (100 + 40 * np.cos(t), 110 + 90 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, len(covered.FACE_OVAL))
    ]
    points[[covered.IRIS_A, covered.IRIS_B]] = (80, 100), (120, 100)
    points[covered.CHIN] = 100, 200
    points[[covered.CHEEK_A, covered.CHEEK_B]] = (60, 110), (140, 110)
    alpha = np.zeros((250, 200), np.float32)  # small enough for the hand model to see it unscaled
    alpha[20:250, 40:160] = 1.0  # head and neck
    alpha[215:250, :] = 1.0  # shoulders
    image = np.full((250, 200, 3), 128, np.uint8)

    def hand_at(x, palm_y):
        hand = np.full((21, 2), (x, palm_y), np.float32)
        hand[[4, 8, 12, 16, 20], 1] = palm_y - 25
        return hand

    def found(*hands):
        # hands_in_photo looks at the photo padded by half its size on every side
        monkeypatch.setattr(covered.models, "hand_points", lambda rgb: [h + (100, 125) for h in hands])
        return covered.hands_in_photo(image, alpha, points)

    assert len(found(hand_at(30, 245))) == 1  # on the shoulder: an arm around the customer
    assert found(hand_at(135, 160)) == []  # at the cheek, palm above the mouth: a phone at the ear
    assert len(found(hand_at(150, 170))) == 1  # held out beside the face, not touching it
    assert found(hand_at(100, 235)) == []  # centred under the chin: an open neckline's skin, not a hand
    assert found(hand_at(20, 120)) == []  # on the background beside the head (the matte left it out)
    assert found(hand_at(30, 350)) == []  # below the photo
    assert found() == []

    # Hands the model found in the source (already in output px): a hand cut by the output's bottom edge
    # counts by what shows of it on the person, and it is not taken for a neckline.
    monkeypatch.setattr(covered.models, "hand_points", lambda rgb: [])

    def spread(x, palm_y):  # the palm 50 px wide, fingers 40 px up
        hand = np.zeros((21, 2), np.float32)
        hand[:, 0] = x + np.linspace(-25, 25, 21)
        hand[:, 1] = palm_y
        hand[[4, 8, 12, 16, 20], 1] = palm_y - 40
        return hand

    def seen(*hands):
        return covered.hands_in_photo(image, alpha, points, seen_before=hands)

    assert len(seen(spread(40, 270))) == 1  # fingers on the shoulder, the palm below the photo
    assert seen(spread(40, 320)) == []  # wholly below the photo
    assert seen(spread(12, 120)) == []  # on the background beside the head
    assert len(seen(spread(100, 240))) == 1  # under the chin: in the source this is a hand
    assert seen(spread(150, 165)) == []  # at the cheek: a phone at the ear


@needs_shared(LFW)
@pytest.mark.parametrize("path", HANDS_IN_VIEW, ids=lambda p: p.stem)
def test_it_refuses_a_photo_with_a_hand_in_it(path):
    # An arm around the customer (Kate_Starbird), a pointing hand below the chin (Luis_Ernesto_Derbez_Bautista).
    with pytest.raises(ChecksFailed) as caught:
        pipeline.process(path.read_bytes(), params.parse(dict(DEFAULT_REQUEST)))
    failing = {c["id"]: c for c in caught.value.data["checks"]}
    assert "no_hands" in failing and "hands down" in failing["no_hands"]["fix"]


@needs_shared(HANDS_IN_VIEW[2])
def test_it_counts_the_hands_seen_in_the_source_whatever_ran_before_the_final_look(monkeypatch):
    # Butch_Davis: the teammate's fingers are found only in the source. The finished photo's look asks for
    # the source's hands itself, so it counts them without the front-of-face check having run first; and the
    # hand model looks at the source crop once for both checks.
    from engine.compliance import covered

    ctx = _until_checks(HANDS_IN_VIEW[2].read_bytes(), **DEFAULT_REQUEST)
    looks = []
    hand_points = covered.models.hand_points
    monkeypatch.setattr(covered.models, "hand_points", lambda rgb: looks.append(rgb.shape) or hand_points(rgb))
    final = {c.id: c for c in compliance.verify(ctx)}
    assert final["no_hands"].status == "fail" and final["no_hands"].value >= 1
    source_looks = len(looks)
    assert covered.face_uncovered(ctx, None) is not None
    assert len(looks) == source_looks  # the source crop was not looked at again


def _each_shared(paths):
    return [pytest.param(path, marks=needs_shared(path), id=path.stem) for path in paths]


@pytest.mark.parametrize("path", _each_shared(HANDS_ON_JAW))
def test_it_refuses_a_hand_on_the_jaw_or_cheek(path):
    failing = _refused_checks(path)
    assert "face_uncovered" in failing, failing


@pytest.mark.parametrize("path", _each_shared(HANDS_AWAY))
def test_it_does_not_call_a_hand_lower_down_a_covered_face(path):
    try:
        result = pipeline.process(path.read_bytes(), params.parse(dict(DEFAULT_REQUEST)))
    except ChecksFailed as refused:
        # A hand that shows in the finished photo is refused as a hand in the photo, not as a covered face.
        assert {c["id"] for c in refused.data["checks"]} == {"no_hands"}
    else:
        assert next(c for c in result.checks if c["id"] == "face_uncovered")["status"] == "pass"


def test_it_tells_a_hand_resting_on_the_jaw_from_a_phone_at_the_ear_or_a_hand_on_the_chest():
    """The rule alone on a drawn face: eyes at y 100, mouth at 160, chin at 200, cheeks at x 60 and 140."""
    from engine.compliance import covered

    points = np.zeros((478, 2), np.float32)
    points[[covered.IRIS_A, covered.IRIS_B]] = (80, 100), (120, 100)
    points[covered.CHIN] = 100, 200
    points[[covered.CHEEK_A, covered.CHEEK_B]] = (60, 110), (140, 110)

    def hand(palm_y, top_y):
        """21 points: the palm's five at palm_y, the fingers reaching up to top_y."""
        found = np.full((21, 2), (50.0, palm_y), np.float32)
        found[[4, 8, 12, 16, 20], 1] = top_y
        return found

    resting = hand(palm_y=190, top_y=150)  # under the jaw, fingers up the cheek
    assert covered.hand_on_jaw(resting, 0.0, points)
    assert not covered.hand_on_jaw(resting, 2 * covered.JAW_TOUCH, points)  # held apart from the face
    assert not covered.hand_on_jaw(hand(palm_y=158, top_y=110), 0.0, points)  # a phone at the ear
    assert not covered.hand_on_jaw(hand(palm_y=230, top_y=200), 0.0, points)  # on the chest, under the chin


@needs_shared(P11)
def test_it_tells_a_hand_over_the_face_from_a_hand_beside_it(monkeypatch):
    """The geometry alone, with a hand outline laid where we choose (the hand model is replaced)."""
    from engine.compliance import covered

    found = detect.find_face(_rgb(P11), level=False)
    points, box = found.face.landmarks, found.face.box
    nose, ear = points[4], points[detect.CHEEK_B]
    span = 0.25 * float(np.linalg.norm(points[detect.CHEEK_A] - points[detect.CHEEK_B]))

    def hand_at(centre):
        square = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)] * 5 + [(0, 0)], np.float32) * span + centre
        _crop, scale, offset = covered._face_crop(found.image, box)
        monkeypatch.setattr(covered.models, "hand_points", lambda rgb: [(square - offset) * scale])
        return covered.covering(found.image, points, box)

    assert hand_at(nose).covered
    beside = hand_at(ear + np.array([span, 0.0]))  # at the ear, most of it outside the face
    assert not beside.covered and len(beside.hands) == 1
    monkeypatch.setattr(covered.models, "hand_points", lambda rgb: [])
    assert not covered.covering(found.image, points, box).covered


# --- a bystander's face left in the output -------------------------------------------------------------------

BYSTANDERS = [
    LFW / "Juan_Carlos_Ortega_0001.jpg",  # a neighbour's face, cut by the output's left edge
    LFW / "Dragan_Covic_0001.jpg",  # a face at the right edge that only the short-range detector finds
    LFW / "Daryl_Hannah_0001.jpg",  # a man's face behind her shoulder, missed by the detection of the photo
    LFW / "Lidija_Djukanovic_0001.jpg",  # a face beside her hair, missed likewise
]


def _until_checks(data, **fields):
    """The context of a photo taken through every stage before the checks."""
    from engine.context import Context

    ctx = Context(params=params.parse({k: str(v) for k, v in fields.items()}), source_bytes=data)
    for module in pipeline.stages_through("layout"):
        module.run(ctx)
    return ctx


@needs_shared(P11)
def test_it_finds_a_second_face_half_outside_the_output_but_not_the_customers_own():
    from engine.compliance.finished import bystander_faces

    ctx = _until_checks(P11.read_bytes(), **SIZE_413)
    assert bystander_faces(ctx) == []
    # Paste the customer's own face, as a stranger's, across the output's right edge.
    x0, y0 = np.floor(ctx.canvas_landmarks.min(axis=0)).astype(int)
    x1, y1 = np.ceil(ctx.canvas_landmarks.max(axis=0)).astype(int)
    face = ctx.canvas[y0:y1, x0:x1].copy()
    h, w = ctx.canvas_alpha.shape
    shown = int((x1 - x0) * 0.6)
    top = min(h - (y1 - y0), y0 + (y1 - y0) // 2)
    ctx.canvas[top : top + y1 - y0, w - shown :] = face[:, :shown]
    ctx.canvas_alpha[top : top + y1 - y0, w - shown :] = 1.0
    found = bystander_faces(ctx)
    assert len(found) == 1 and found[0][0] > w / 2
    failing = {c.id: c for c in compliance.verify(ctx) if c.status == "fail"}
    assert "final_one_face" in failing and "Another person" in failing["final_one_face"].fix


@needs_shared(LFW)
@pytest.mark.parametrize("path", BYSTANDERS, ids=lambda p: p.stem)
def test_it_refuses_an_output_that_still_shows_a_neighbours_face(path):
    failing = _refused_checks(path)
    assert "final_one_face" in failing, failing


# --- another person joined to the customer above the head ------------------------------------------------------

ABOVE_THE_HEAD = [
    LFW / "Colleen_Donovan_0001.jpg",  # the chin and neck of a woman standing behind, at the top right
    LFW / "Lindy_Ruff_0001.jpg",  # the hair of a man behind, at the top right
]


@needs_shared(P11)
def test_it_refuses_someone_else_reaching_the_top_edge_above_the_head():
    ctx = _until_checks(P11.read_bytes(), **SIZE_413)
    assert {c.id: c.status for c in compliance.verify(ctx)}["one_person"] == "pass"
    # A bystander's chin from the top edge down beside the head, joined to the customer's shoulder.
    crown = int(ctx.transform.point(0.0, ctx.crown_y)[1])
    w = ctx.canvas_alpha.shape[1]
    ctx.canvas_alpha[: crown + 40, w - 40 :] = 1.0
    failing = {c.id: c for c in compliance.verify(ctx) if c.status == "fail"}
    assert "one_person" in failing and "another person" in failing["one_person"].fix


@needs_shared(P11)
def test_it_leaves_hair_that_crosses_the_top_edge_to_the_crown_rule():
    # A crown the output's top edge crosses (allowed for some requests) is the customer's own hair.
    ctx = _until_checks(P11.read_bytes(), **SIZE_413)
    ctx.crown_cut = True
    ctx.canvas_alpha[:5, :] = 1.0
    assert {c.id: c.status for c in compliance.verify(ctx)}["one_person"] == "pass"


@needs_shared(LFW)
@pytest.mark.parametrize("path", ABOVE_THE_HEAD, ids=lambda p: p.stem)
def test_it_refuses_an_output_with_someone_behind_the_head(path):
    failing = _refused_checks(path)
    assert "one_person" in failing, failing


@needs_shared(P11)
def test_it_refuses_someone_elses_skin_coming_in_from_the_side_edge(monkeypatch):
    from engine.compliance import finished

    ctx = _until_checks(P11.read_bytes(), **SIZE_413)
    points, w = ctx.canvas_landmarks, ctx.canvas_alpha.shape[1]
    eyes_y, nose_x = int(points[detect.IRIS_A][1]), int(points[NOSE_TIP][0])
    cheek = ctx.canvas[eyes_y : eyes_y + 10, nose_x - 5 : nose_x + 5].copy()
    # Beside the hair, well above the ear: a grey sleeve joined to the customer's head reaching the side edge.
    band = slice(eyes_y - 200, eyes_y - 100)
    ctx.canvas[band, int(points[detect.CHEEK_B][0]) :] = 110
    ctx.canvas_alpha[band, int(points[detect.CHEEK_B][0]) :] = 1.0
    # The body model gives that sleeve to nobody: refused as another person's piece whatever its colour ...
    assert {c.id: c.status for c in compliance.verify(ctx)}["one_person"] == "fail"
    # ... and without that rule, a sleeve alone is not skin: what follows is the skin rule's part.
    monkeypatch.setattr(finished, "foreign_beside", lambda ctx, reached: 0.0)
    assert {c.id: c.status for c in compliance.verify(ctx)}["one_person"] == "pass"
    # Skin of the face's colour on it, apart from the face, inside the photo: not this rule's (a whole face
    # there is the detector's to find, a hand the hand model's).
    skin = np.tile(cheek, (10, 4, 1))
    ctx.canvas[band, w - 80 : w - 40] = skin
    assert {c.id: c.status for c in compliance.verify(ctx)}["one_person"] == "pass"
    # The same skin reaching the side edge: a bystander's cheek cut by the output's edge.
    ctx.canvas[band, w - 80 : w - 40] = 110
    ctx.canvas[band, w - 40 :] = skin
    failing = {c.id: c for c in compliance.verify(ctx) if c.status == "fail"}
    assert "one_person" in failing and "another person" in failing["one_person"].fix


@needs_shared(LFW)
def test_it_refuses_a_bystanders_cheek_beside_white_hair():
    # Jim_Wall: a man's cheek and ear at the top right, joined to the customer's white hair, which warm light
    # gives the chroma of skin.
    failing = _refused_checks(LFW / "Jim_Wall_0001.jpg")
    assert "one_person" in failing, failing


BESIDE = {
    "Boris_Berezovsky": True,  # the suit of the man behind his right shoulder, whose head the matte removed
    "Kenneth_Evans": True,  # a bystander's black suit from eye level down at the right edge
    "Andrew_Gilligan": False,  # his own hair at the left edge, a colleague's face beyond it
    "Gwen_Stefani": False,  # her own curls at the right edge
}


@needs_shared(LFW)
@pytest.mark.parametrize("name, theirs", BESIDE.items())
def test_it_refuses_what_a_bystander_leaves_at_the_side_of_the_photo(name, theirs):
    from engine.compliance import finished

    ctx = _until_checks((LFW / f"{name}_0001.jpg").read_bytes(), **DEFAULT_REQUEST)
    reached = finished._sides_reached(ctx)
    beside = finished._beside_bystander(ctx, finished._faces_beside(ctx, reached), reached)
    one_person = next(c for c in finished.verify(ctx) if c.id == "one_person")
    if theirs:
        assert beside >= finished.BESIDE_ROWS and one_person.status == "fail"
    else:
        assert 0.1 < beside < finished.BESIDE_ROWS and one_person.status == "pass"


@needs_shared(LFW)
def test_it_refuses_a_photo_whose_bystander_could_not_be_cut_from_our_head():
    # David_Oh: his own raised hand and a teammate's head pressed against his; cutting them away takes his
    # right ear with them. Refused as someone pressed against the head, with its own fix.
    from engine.compliance import finished

    with pytest.raises(ChecksFailed) as caught:
        _process((LFW / "David_Oh_0001.jpg").read_bytes(), **DEFAULT_REQUEST)
    failing = {c["id"]: c for c in caught.value.data["checks"]}
    assert set(failing) == {"one_person"}, failing
    assert failing["one_person"]["fix"] == finished.PRESSED_FIX
    # A photo whose bystander stands apart is cut without touching the ears (Jason_Campbell, faces beside).
    ctx = _until_checks((LFW / "Jason_Campbell_0001.jpg").read_bytes(), **DEFAULT_REQUEST)
    assert ctx.cut_at_ears < finished.CUT_AT_EARS / 3


THEIR_FACE = {
    "Dot_Helms": True,  # a bystander's nose and glasses against her temple, his face found beside hers
    "Andrew_Gilligan": False,  # a colleague's face found beside his own hair and ear
    "Diana_Taurasi": False,  # a face found beside her own skin-lit hair
}


@needs_shared(LFW)
@pytest.mark.parametrize("name, theirs", THEIR_FACE.items())
def test_it_refuses_skin_left_where_a_bystanders_face_was_found(name, theirs):
    from engine.compliance import finished

    ctx = _until_checks((LFW / f"{name}_0001.jpg").read_bytes(), **DEFAULT_REQUEST)
    faces = finished._faces_beside(ctx, finished._sides_reached(ctx))
    assert faces  # the search beside the head found the other face
    _edges, in_their_face = finished._skin_not_ours(ctx, faces)
    one_person = next(c for c in finished.verify(ctx) if c.id == "one_person")
    if theirs:
        assert in_their_face >= finished.SKIN_IN_THEIR_FACE and one_person.status == "fail"
    else:
        assert in_their_face < finished.SKIN_IN_THEIR_FACE and one_person.status == "pass"


HIDDEN = {
    "Daryl_Hannah": 1,  # a man's face behind her shoulder, inside the output
    "Lidija_Djukanovic": 1,  # a face beside her blond hair at the output's left edge
    "Gwen_Stefani": 0,  # the detectors "find" a face in her own blond hair
    "Elijah_Wood": 0,  # ... and in the dark background beside his ear
}


@needs_shared(LFW)
@pytest.mark.parametrize("name, count", HIDDEN.items())
def test_it_finds_a_face_the_source_detection_missed_only_where_it_shows(name, count):
    from engine.compliance.finished import hidden_faces_left

    ctx = _until_checks((LFW / f"{name}_0001.jpg").read_bytes(), **DEFAULT_REQUEST)
    assert hidden_faces_left(ctx) == count


NOT_THEIR_BODY = {
    "Kim_Chinn": True,  # a colleague's shoulder in the same uniform at the left edge, from eye level down
    "Jean-David_Levitte": True,  # suits of the men behind him at both sides of his neck
    "Dave_McNealey": True,  # the back of a hugging man's head at the left edge
    "Jennifer_Lopez": False,  # her own wide hat brim at the right edge, outside the body model's mask
    "Irwan_Fadzi_Idris": False,  # his own outstretched arm at the right edge, below the rule's rows
}


@needs_shared(LFW)
@pytest.mark.parametrize("name, theirs", NOT_THEIR_BODY.items())
def test_it_refuses_a_piece_at_the_side_that_the_body_model_gives_to_nobody(name, theirs):
    from engine.compliance import finished, silhouette

    ctx = _until_checks((LFW / f"{name}_0001.jpg").read_bytes(), **DEFAULT_REQUEST)
    foreign = silhouette.foreign_beside(ctx, finished._sides_reached(ctx))
    one_person = next(c for c in finished.verify(ctx) if c.id == "one_person")
    if theirs:
        assert foreign >= silhouette.FOREIGN_AREA and one_person.status == "fail"
    else:
        assert foreign < silhouette.FOREIGN_AREA and one_person.status == "pass"


@needs_shared(P11)
def test_it_looks_for_another_persons_piece_only_on_the_tracked_customer(monkeypatch):
    # A body found elsewhere (its nose outside our face's box), or a mask that does not even hold our face,
    # says nothing about our outline: no piece is counted even where the whole person lies outside the mask.
    from engine import models
    from engine.compliance import silhouette

    ctx = _until_checks(P11.read_bytes(), size="295x413")
    ctx.canvas_alpha = np.ones_like(ctx.canvas_alpha)  # the person everywhere, touching both sides
    h, w = ctx.image.shape[:2]
    reached = {"left": np.ones(3, bool), "right": np.zeros(3, bool)}
    factor = min(1.0, silhouette.BODY_SIDE / max(h, w))
    x0, y0, x1, y1 = (v * factor for v in ctx.face.box)
    nose = ((x0 + x1) / 2, (y0 + y1) / 2)

    def around_our_face(rgb):  # the tracked body: our face and a margin around it, nothing else
        mask = np.zeros(rgb.shape[:2], np.float32)
        pad = 0.3 * (x1 - x0)
        mask[int(max(0, y0 - pad)) : int(y1 + pad), int(max(0, x0 - pad)) : int(x1 + pad)] = 1.0
        return mask

    monkeypatch.setattr(models, "body_mask", lambda rgb: (around_our_face(rgb), (1.0, 1.0)))
    assert silhouette.foreign_beside(ctx, reached) == 0.0
    monkeypatch.setattr(models, "body_mask", lambda rgb: (np.zeros(rgb.shape[:2], np.float32), nose))
    assert silhouette.foreign_beside(ctx, reached) == 0.0
    monkeypatch.setattr(models, "body_mask", lambda rgb: (around_our_face(rgb), nose))
    assert silhouette.foreign_beside(ctx, reached) > silhouette.FOREIGN_AREA
