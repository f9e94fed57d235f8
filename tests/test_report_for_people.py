"""The compliance report as people read it (photos/report.py): verdicts in words, "at most" / "at least",
no internal units, "1 face", the right fix for the side a band was missed on."""

from django.utils import translation

from photos import report

from .a11y_support import CHECKS


def by_id(checks):
    return {c["id"]: report.for_people(c) for c in checks}


def test_it_says_passed_and_at_most_instead_of_a_bare_number():
    shown = by_id(CHECKS)
    mouth = shown["mouth_closed"]
    assert mouth["verdict"] == "Passed" and mouth["detail"] == "" and mouth["fix"] == ""  # no "0.09 · allowed 0.15"
    assert shown["one_face"]["detail"] == "1 face (exactly 1 face)"
    assert shown["head_height"]["detail"] == "34.2 mm (from 32 mm to 36 mm)"
    assert shown["eyes_open"]["verdict"] == "Failed" and "eyes open" in shown["eyes_open"]["fix"]
    roll = report.for_people({"id": "head_roll", "status": "pass", "value": 3.14, "threshold": 8.0, "unit": "degrees"})
    assert roll["detail"] == "3.14° (at most 8°)"
    sharp = report.for_people({"id": "sharp", "status": "warn", "value": 40.0, "threshold": 25.0, "unit": "score"})
    assert sharp["verdict"] == "Borderline" and sharp["detail"] == "" and "blurred" in sharp["fix"]
    two = report.for_people({"id": "one_face", "status": "fail", "value": 2, "threshold": 1, "unit": "faces"})
    assert two["detail"] == "2 faces (exactly 1 face)" and "only you" in two["fix"]
    nobody = report.for_people({"id": "one_face", "status": "fail", "value": 0, "threshold": 1, "unit": "faces"})
    assert "No face was found" in nobody["fix"]


def test_it_picks_the_fix_for_the_side_of_the_band_that_was_missed():
    low = {"id": "head_height", "status": "fail", "value": 29.0, "threshold": [32, 36], "unit": "mm"}
    high = {**low, "value": 39.0}
    assert "too small" in report.for_people(low)["fix"]
    assert "too large" in report.for_people(high)["fix"]
    cut = {"id": "face_in_frame", "status": "fail", "value": "top of the head cut off", "unit": ""}
    assert report.for_people(cut)["detail"] == "top of the head cut off"


def test_it_shows_an_unknown_check_with_the_engine_words():
    new = {"id": "ears_visible", "label": "Ears visible", "status": "warn", "value": 0.4, "unit": "ratio",
           "fix": "Tuck your hair behind your ears."}
    shown = report.for_people(new)
    assert (shown["name"], shown["detail"], shown["fix"]) == ("Ears visible", "", "Tuck your hair behind your ears.")


def test_it_sums_the_report_up_in_words():
    assert report.summary(CHECKS) == "1 check failed."
    assert report.summary([c for c in CHECKS if c["status"] != "fail"]) == "No check failed; 1 is borderline."
    assert report.summary([CHECKS[0]]) == "All checks passed."



def test_it_tells_someone_left_beside_from_someone_pressed_against_the_head():
    from engine.compliance.finished import PRESSED_FIX, TRY_AGAIN

    left = {"id": "one_person", "status": "fail", "value": 0.02, "threshold": 0.01, "unit": "share of the photo",
            "fix": f"Part of another person is left beside you. {TRY_AGAIN}"}
    pressed = {**left, "fix": PRESSED_FIX}
    assert report.for_people(left)["fix"].startswith("Part of another person is left beside you")
    assert report.for_people(pressed)["fix"] == PRESSED_FIX  # the engine's words are the catalogue's msgid
    with translation.override("es"):
        assert report.for_people(pressed)["fix"].startswith("Alguien o algo está pegado a su cabeza")
        assert report.for_people(left)["fix"].startswith("Queda parte de otra persona")
