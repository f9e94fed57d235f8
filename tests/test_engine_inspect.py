"""The upload check (`engine.inspect`) tells at once what every job will refuse for a cut crown.

The jobs decide on the hair matte; the upload check may not load the matting model, so it judges landmarks and
a coarse person mask. Here both are held to the jobs' own verdicts on ../shared/portraits (skips when absent).
"""

import pytest

import engine
from engine.errors import SeveralFaces
from engine.inspection import CROWN_ROOM_MIN

from .conftest import portrait_paths
from .test_engine_portraits import CROWN_CUT

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def inspections():
    found = {}
    for path in portrait_paths():
        try:
            found[path.name[:3]] = engine.inspect(path.read_bytes())
        except SeveralFaces:
            continue  # p14, two people: refused at upload already
    if not found:
        pytest.skip("../shared/portraits is absent")
    return found


def test_it_warns_at_upload_for_every_portrait_whose_jobs_refuse_the_cut_crown(inspections):
    warned = sorted(name for name, inspection in inspections.items() if inspection.crown_likely_cut)
    assert warned == sorted(CROWN_CUT)


def test_it_catches_big_hair_that_the_landmarks_alone_miss(inspections):
    p07 = inspections["p07"]  # long voluminous hair running off the top edge, eyes well below it
    assert p07.crown_room >= CROWN_ROOM_MIN
    assert p07.person_at_top and p07.crown_likely_cut


def test_it_does_not_warn_when_the_hair_ends_below_the_top_edge(inspections):
    for name in ("p09", "p12", "p13"):  # a close crown (p09), a close-up (p12), a small face (p13)
        assert not inspections[name].person_at_top, name
