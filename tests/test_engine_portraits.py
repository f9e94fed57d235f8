"""The engine on real portraits (../shared/portraits), with every claim re-measured on the output image.

Each engine run is done once per module and shared by the tests. Skips when ../shared is absent.
"""

import io

import pytest
from PIL import Image

from engine import params, pipeline, solver
from engine.errors import ChecksFailed, ConstraintsInfeasible, CrownCut, EngineError, SeveralFaces
from engine.measure import measure

from .conftest import ARTIFACTS, portrait_paths

pytestmark = [pytest.mark.shared, pytest.mark.slow]

CROWN_CUT = ("p02", "p06", "p07")
TWO_PEOPLE = ("p14",)
# p12 is a close-up whose shoulders end at the photo's bottom edge: every head-and-shoulders framing would
# show that edge as a straight cut with the new background below it.
CLOSE_UP = ("p12",)
# p10 holds a microphone in front of the chin: refused as a covered face (tests/test_engine_trust.py).
COVERED = ("p10",)
REQUEST_35X45 = {
    "mm_width": "35",
    "mm_height": "45",
    "dpi": "300",
    "bg_color": "438EDB",
    "min_face_height": "376",
    "max_face_height": "425",
    "min_head_top": "24",
    "max_head_top": "71",
}
# Re-measuring the output (a new detection and matte on the finished photo) agrees with what the engine
# planned within a few pixels. Measured on the 12 portraits with a visible crown at 413x531: face_height
# within 4.3 px, head_top within 3.6 px (the re-measured crown sits 0-4 px lower). The tolerances leave
# room above that; the 35x45 bands are 49 and 47 px wide, so the noise does not decide whether a photo
# passes.
# The re-measurement detects on the photo padded with grey (the detector misses faces that fill the frame),
# which moves the mesh's chin by up to ~4.5 px on p08's beard.
NOISE_PX = {"face_height": 8.0, "head_top": 8.0, "eyes_top": 4.0, "chin_top": 5.0, "face_width": 6.0}

PORTRAITS = {p.name.split("_")[0]: p for p in portrait_paths()}
VISIBLE_CROWN = sorted(k for k in PORTRAITS if k not in CROWN_CUT + TWO_PEOPLE + CLOSE_UP + COVERED)


def _run(path, request):
    return _run_bytes(path.read_bytes(), request)


def _run_bytes(source, request):
    try:
        return pipeline.process(source, params.parse(request))
    except EngineError as exc:
        return exc


@pytest.fixture(scope="module")
def runs_35x45():
    if not PORTRAITS:
        pytest.skip("../shared/portraits is absent")
    out = {key: _run(path, REQUEST_35X45) for key, path in PORTRAITS.items()}
    folder = ARTIFACTS / "engine" / "35x45"
    folder.mkdir(parents=True, exist_ok=True)
    for key, result in out.items():
        if not isinstance(result, EngineError):
            (folder / f"{key}.png").write_bytes(result.image)
    return out


@pytest.fixture(scope="module")
def remeasured_35x45(runs_35x45):
    return {k: measure(r.image) for k, r in runs_35x45.items() if not isinstance(r, EngineError)}


@pytest.fixture(scope="module")
def runs_default():
    if not PORTRAITS:
        pytest.skip("../shared/portraits is absent")
    return {key: _run(PORTRAITS[key], {"format": "jpg", "bg_color": "438EDB"}) for key in VISIBLE_CROWN}


@pytest.mark.parametrize("key", VISIBLE_CROWN)
def test_it_meets_the_35x45_bands_when_the_output_is_remeasured(key, runs_35x45, remeasured_35x45):
    result = runs_35x45[key]
    assert not isinstance(result, EngineError), result
    assert Image.open(io.BytesIO(result.image)).size == (413, 531)
    got = remeasured_35x45[key]
    print(
        f"{key}: re-measured face_height {got['face_height']} head_top {got['head_top']}; engine said "
        f"{result.measurements['face_height']['px']} / {result.measurements['head_top']['px']}"
    )
    assert 376 <= got["face_height"] <= 425
    assert 24 <= got["head_top"] <= 71
    assert not got["crown_cut"]


@pytest.mark.parametrize("key", VISIBLE_CROWN)
def test_it_reports_what_a_remeasurement_finds(key, runs_35x45, remeasured_35x45):
    reported = runs_35x45[key].measurements
    got = remeasured_35x45[key]
    for name, tolerance in NOISE_PX.items():
        assert abs(got[name] - reported[name]["px"]) <= tolerance, (name, got[name], reported[name])
    assert reported["face_height"]["mm"] == pytest.approx(
        reported["face_height"]["px"] * 25.4 / 300, abs=0.01
    )
    assert reported["faces_found"] == 1 and reported["crown_cut"] is False
    # The face is centred horizontally.
    assert abs(got["face_cx"] - 413 / 2) <= 6


@pytest.mark.parametrize("key", CROWN_CUT)
def test_it_refuses_a_photo_whose_crown_is_cut(key, runs_35x45):
    if key not in runs_35x45:
        pytest.skip(f"{key} is absent")
    error = runs_35x45[key]
    assert isinstance(error, CrownCut)
    assert error.state == -14
    assert "top of the head is cut off" in error.message


def test_it_refuses_a_photo_with_two_people_of_similar_size(runs_35x45):
    if "p14" not in runs_35x45:
        pytest.skip("p14 is absent")
    error = runs_35x45["p14"]
    assert isinstance(error, SeveralFaces)
    assert "Several faces (2)" in error.message
    assert error.data["count"] == 2


def test_it_frames_a_default_photo_in_the_documented_band(runs_default):
    for key, result in runs_default.items():
        low, high = solver.DEFAULT_BAND["face_height"]
        top_low, top_high = solver.DEFAULT_BAND["head_top"]
        assert not isinstance(result, EngineError), (key, result)
        got = measure(result.image)
        assert got["size"] == [295, 413]
        assert (
            low * 413 - NOISE_PX["face_height"] <= got["face_height"] <= high * 413 + NOISE_PX["face_height"]
        ), key
        assert (
            top_low * 413 - NOISE_PX["head_top"] <= got["head_top"] <= top_high * 413 + NOISE_PX["head_top"]
        ), key


def test_it_warns_when_a_small_photo_is_enlarged_a_lot():
    if "p16" not in PORTRAITS:
        pytest.skip("p16 is absent")
    # p16 shrunk to 230 px wide: a 376-425 px face needs it enlarged about 2.6 times.
    small = Image.open(PORTRAITS["p16"]).convert("RGB")
    small = small.resize((230, round(small.height * 230 / small.width)), Image.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, "PNG")
    result = _run_bytes(buffer.getvalue(), REQUEST_35X45)
    assert result.measurements["scale"] > 2.0
    assert any("enlarged 2." in w for w in result.warnings)


def test_it_refuses_a_turned_photo_whose_corner_cuts_the_shoulder():
    if "p13" not in PORTRAITS:
        pytest.skip("p13 is absent")
    # p13 (232x375) is turned 19 degrees to level the eyes. Framed with the default 35x45 band (a smaller face
    # than the 376-425 px request above, which keeps the corner out), the turned photo's bottom-right corner
    # would cut his shoulder inside the output with a diagonal strip of new background.
    error = _run(PORTRAITS["p13"], {"mm_width": "35", "mm_height": "45", "dpi": "300"})
    assert isinstance(error, ChecksFailed) and error.state == -14
    failing = {c["id"]: c for c in error.data["checks"] if c["status"] == "fail"}
    assert set(failing) == {"person_not_cut"}, failing
    assert failing["person_not_cut"]["value"] > 1.5


def test_it_refuses_a_close_up_whose_body_the_photo_cuts(runs_35x45):
    if "p12" not in PORTRAITS:
        pytest.skip("p12 is absent")
    for error in (runs_35x45["p12"], _run(PORTRAITS["p12"], {"format": "jpg", "bg_color": "438EDB"})):
        assert isinstance(error, ChecksFailed) and error.state == -14
        failing = {c["id"]: c for c in error.data["checks"]}
        assert "person_not_cut" in failing and "shoulders" in failing["person_not_cut"]["fix"]


def test_it_names_constraints_the_photo_cannot_meet_together():
    if "p11" not in PORTRAITS:
        pytest.skip("p11 is absent")
    request = {"size": "413x531", "face_width": "300", "face_height": "300"}
    with pytest.raises(ConstraintsInfeasible) as caught:
        pipeline.process(PORTRAITS["p11"].read_bytes(), params.parse(request))
    error = caught.value
    assert error.state == -14
    assert "face_width = 300 px" in error.message and "face_height = 300 px" in error.message
    assert "times as tall as it is wide" in error.message
    assert sorted(error.data["constraints"]) == ["face_height = 300 px", "face_width = 300 px"]


def test_it_frames_an_exact_request_and_the_output_confirms_it():
    if "p04" not in PORTRAITS:
        pytest.skip("p04 is absent")
    request = {"size": "600x800", "face_height": "500", "eyes_top": "300", "bg_color": "FFFFFF"}
    result = pipeline.process(PORTRAITS["p04"].read_bytes(), params.parse(request))
    assert result.measurements["face_height"]["px"] == pytest.approx(500, abs=0.5)
    assert result.measurements["eyes_top"]["px"] == pytest.approx(300, abs=0.5)
    got = measure(result.image)
    assert got["size"] == [600, 800]
    assert abs(got["face_height"] - 500) <= NOISE_PX["face_height"]
    assert abs(got["eyes_top"] - 300) <= NOISE_PX["eyes_top"]
