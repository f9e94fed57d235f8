"""`python -m engine IN OUT key=value ...` and `python -m engine.measure`."""

import json
import subprocess
import sys

from PIL import Image

from .conftest import PORTRAITS, REPO, needs_shared

P11 = PORTRAITS / "p11_hivision_test0.jpg"


def _engine(*args):
    return subprocess.run(
        [sys.executable, "-m", "engine", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@needs_shared(P11)
def test_it_writes_the_photo_and_prints_the_measurements(tmp_path):
    out = tmp_path / "out.jpg"
    done = _engine(
        P11, out, "size=413x531", "format=jpg", "bg_color=438EDB", "face_height=400", "head_top=50"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"] is True
    assert abs(report["measurements"]["face_height"]["px"] - 400) <= 0.5
    assert abs(report["measurements"]["head_top"]["px"] - 50) <= 0.5
    assert report["measurements"]["face_height"]["mm"] == round(
        report["measurements"]["face_height"]["px"] * 25.4 / 300, 2
    )
    assert "matte" in report["timings_ms"] and "total" in report["timings_ms"]
    with Image.open(out) as image:
        assert image.size == (413, 531) and image.format == "JPEG"


def test_it_reports_a_bad_parameter_as_json(tmp_path):
    source = tmp_path / "in.png"
    Image.new("RGB", (64, 64), "white").save(source)
    done = _engine(source, tmp_path / "out.png", "size=99x99")
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error["kind"] == "bad_param" and error["param"] == "size"


def test_it_reports_a_photo_without_a_face(tmp_path):
    source = tmp_path / "in.png"
    Image.new("RGB", (300, 400), (120, 160, 200)).save(source)
    done = _engine(source, tmp_path / "out.png")
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert error["kind"] == "no_face" and error["state"] == -14
    assert not (tmp_path / "out.png").exists()


@needs_shared(P11)
def test_it_remeasures_a_photo_from_the_command_line(tmp_path):
    out = tmp_path / "out.png"
    assert _engine(P11, out, "size=413x531", "face_height=380", "head_top=40").returncode == 0
    done = subprocess.run(
        [sys.executable, "-m", "engine.measure", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert abs(got["face_height"] - 380) <= 8 and abs(got["head_top"] - 40) <= 8
