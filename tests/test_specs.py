"""The spec catalogue: data consistency, sync with its source packages, search, constraints, apply_spec."""

import json
import math
import re

import pytest

from engine import specs
from engine.errors import ParamError
from engine.params import parse
from engine.specs import build
from engine.units import MM_PER_INCH

# passport-photo-specs-data entry -> our spec id, for documents where both give a head-height band.
DATA_CROSS_CHECK = {
    "us-passport": 3,
    "ca-passport-print": 23,
    "ca-visa-ircc-temporary-resident": 25,
    "au-passport": 27,
    "de-passport": 9,
    "de-id-card-personalausweis": 10,
    "fr-passport": 12,
    "fr-id-card-cni": 13,
    "nl-passport-id-card": 29,
    "cn-visa": 20,
}


def _params(**fields):
    return parse({name: str(value) for name, value in fields.items()})


def test_it_loads_every_package_document_once_plus_the_official_ones():
    pps = pytest.importorskip("passport_photo_specs")
    package_ids = [doc["id"] for doc in pps.documents()]
    assert len(package_ids) == 248
    covered = [spec.package_doc for spec in specs.all_specs() if spec.package_doc]
    assert sorted(covered) == sorted(package_ids)
    assert len({spec.id for spec in specs.all_specs()}) == len(specs.all_specs())
    assert len({spec.slug for spec in specs.all_specs()}) == len(specs.all_specs())


def test_it_keeps_the_committed_catalogue_in_sync_with_the_packages():
    pytest.importorskip("passport_photo_specs")
    committed = build.CATALOGUE.read_text(encoding="utf-8")
    regenerated = build.render(build.build(build._existing_ids(build.CATALOGUE)))
    assert committed == regenerated, "run: python -m engine.specs.build"


def test_it_takes_sizes_and_background_colours_from_the_package():
    pps = pytest.importorskip("passport_photo_specs")
    by_doc = {doc["id"]: doc for doc in pps.documents()}
    for spec in specs.all_specs():
        doc = by_doc.get(spec.package_doc)
        if doc is None or spec.id < build.FIRST_PACKAGE_ID:
            continue
        assert spec.px == (doc["widthPx"], doc["heightPx"]), spec.slug
        assert spec.dpi == doc["dpi"]
        assert "#" + spec.bg_color.lower() == doc["bgColor"].lower(), spec.slug


def test_it_keeps_mm_and_px_consistent():
    for spec in specs.all_specs():
        assert re.fullmatch(r"[0-9A-F]{6}", spec.bg_color), spec.slug
        assert spec.kind in ("print", "digital")
        if spec.mm is None:
            assert spec.kind == "digital", spec.slug
            continue
        for mm, px in zip(spec.mm, spec.px):
            assert abs(round(mm / MM_PER_INCH * spec.dpi) - px) <= 1, (spec.slug, mm, px, spec.dpi)


def test_it_keeps_every_band_inside_the_photo():
    for spec in specs.all_specs():
        _w_mm, h_mm = spec.size_mm
        for band in (spec.head_height_mm, spec.eyes_from_bottom_mm, spec.head_top_mm, spec.face_width_px):
            if band is not None:
                assert 0 <= band[0] <= band[1], spec.slug
        if spec.head_height_mm:
            top = spec.head_top_mm[0] if spec.head_top_mm else 0
            assert top + spec.head_height_mm[1] < h_mm, spec.slug
        if spec.eyes_from_bottom_mm:
            assert spec.eyes_from_bottom_mm[1] < h_mm, spec.slug
            if spec.head_height_mm:  # the eyes sit between the chin and the crown
                assert spec.eyes_from_bottom_mm[0] < spec.head_height_mm[1] + h_mm - spec.head_height_mm[0]
        if spec.face_width_px:
            assert spec.face_width_px[1] < spec.px[0], spec.slug


def test_it_has_at_least_25_documents_with_official_bands_and_their_sources():
    banded = [spec for spec in specs.all_specs() if spec.has_bands]
    assert len(banded) >= 25
    for spec in banded:
        assert spec.source_url.startswith("https://"), spec.slug
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec.checked)
    assert {spec.country_code for spec in banded} >= {
        "US",
        "DE",
        "FR",
        "GB",
        "CN",
        "IN",
        "CA",
        "JP",
        "AU",
        "EU",
    }


def test_it_has_the_bands_the_issue_lists():
    us = specs.get(3)
    assert (us.title, us.px, us.dpi) == ("United States passport", (600, 600), 300)
    assert us.head_height_mm == (25.4, 34.9) and us.eyes_from_bottom_mm == (28.6, 34.9)
    assert specs.get(9).head_height_mm == (32, 36) and specs.get(9).mm == (35, 45)
    assert specs.get(17).head_height_mm == (29, 34)
    china = specs.get(19)
    assert china.mm == (33, 48) and china.head_height_mm == (28, 33)
    assert 21 <= china.face_width_mm[0] < china.face_width_mm[1] <= 24
    resident = specs.get(22)
    assert resident.px == (358, 441) and resident.dpi == 350 and resident.face_width_px == (193, 221)
    assert specs.get(23).mm == (50, 70) and specs.get(23).head_height_mm == (31, 36)
    japan = specs.get(26)
    assert japan.head_height_mm == (32, 36) and japan.head_top_mm == (2, 6)
    assert specs.get(1).mm == (25, 35) and specs.get(1).px == (295, 413)
    assert specs.get(2).mm == (35, 49)


def test_it_agrees_with_the_head_heights_of_passport_photo_specs_data():
    data = pytest.importorskip("passport_photo_specs_data")
    entries = {entry["id"]: entry for entry in data.records()}
    for data_id, spec_id in DATA_CROSS_CHECK.items():
        low, high = (float(v) for v in entries[data_id]["head_height_mm"].split("-"))
        ours = specs.get(spec_id).head_height_mm
        # The US figures are inches rounded to whole mm in the data set.
        assert math.isclose(ours[0], low, abs_tol=0.5) and math.isclose(ours[1], high, abs_tol=0.5), data_id


def test_it_raises_keyerror_for_an_unknown_id():
    with pytest.raises(KeyError):
        specs.get(999_999)
    with pytest.raises(KeyError):
        specs.get("nope")


@pytest.mark.parametrize(
    "query, expected_slug",
    [
        ("germany", "de-passport"),
        ("Germany Passport", "de-passport"),
        ("deutschland", "de-id-card"),
        ("visa", "us-visa"),
        ("visa", "schengen-visa"),
        ("35x45", "gb-passport"),
        ("35 x 45 mm", "jp-passport"),
        ("3.5x4.5cm", "de-passport"),
        ("2x2", "us-passport"),
        ("usa passport", "us-passport"),
        ("uk", "gb-passport"),
        ("china passport", "cn-passport"),
        ("中国", "cn-resident-id"),
        ("1-inch", "cn-1-inch"),
    ],
)
def test_it_finds_documents_by_country_document_and_size(query, expected_slug):
    assert expected_slug in [spec.slug for spec in specs.search(query)]


def test_it_requires_every_word_to_match():
    found = specs.search("germany visa")
    assert found and all(spec.country_code == "DE" and "visa" in spec.document.lower() for spec in found)
    assert specs.search("germany 2x2") == []
    assert all(spec.country_code != "UA" for spec in specs.search("uk"))
    assert all("35x45" in specs._size_tokens(spec) for spec in specs.search("35x45"))


def test_it_lists_documents_with_bands_first():
    found = specs.search("passport")
    flags = [spec.has_bands for spec in found]
    assert flags == sorted(flags, reverse=True)


def test_it_converts_bands_to_pixel_constraints_inside_the_mm_bands():
    for spec in specs.all_specs():
        constraints = specs.spec_constraints(spec)
        height = spec.px[1]
        if spec.head_height_mm:
            low, high = constraints["face_height"]
            assert spec.px_to_mm(low) >= spec.head_height_mm[0] - 1e-6
            assert spec.px_to_mm(high) <= spec.head_height_mm[1] + 1e-6
            assert high - low >= 5
        if spec.eyes_from_bottom_mm:
            low, high = constraints["eyes_top"]
            assert spec.px_to_mm(height - high) >= spec.eyes_from_bottom_mm[0] - 1e-6
            assert spec.px_to_mm(height - low) <= spec.eyes_from_bottom_mm[1] + 1e-6
    assert specs.spec_constraints(specs.get(3)) == {"face_height": (300, 412), "eyes_top": (188, 262)}
    # The resident ID's head width 207 +- 14 px, as the engine's narrower cheek-to-cheek width.
    assert specs.spec_constraints(specs.get(22)) == {"face_width": (161, 183)}
    assert "face_width" not in specs.spec_constraints(specs.get(19))  # height fixes the scale there


def test_it_fills_size_dpi_background_and_constraints_from_the_spec():
    params = specs.apply_spec(_params(spec_id=26))
    japan = specs.get(26)
    assert (params.width, params.height, params.dpi) == (*japan.px, japan.dpi)
    assert params.bg_color == tuple(int(japan.bg_color[i : i + 2], 16) for i in (0, 2, 4))
    assert params.constraints == specs.spec_constraints(japan)


def test_it_keeps_what_the_caller_set_explicitly():
    params = specs.apply_spec(_params(spec_id=3, bg_color="438EDB", min_face_height=320))
    assert params.bg_color == (0x43, 0x8E, 0xDB)
    assert params.constraints["face_height"] == (320, None)
    assert params.constraints["eyes_top"] == (188, 262)
    sized = specs.apply_spec(_params(spec_id=3, size="400x500"))
    assert (sized.width, sized.height) == (400, 500)
    assert sized.constraints == {}  # the spec's bands belong to its own frame


def test_it_renders_the_same_physical_photo_at_an_explicit_dpi():
    params = specs.apply_spec(_params(spec_id=3, dpi=600))
    assert (params.width, params.height, params.dpi) == (1200, 1200, 600)
    assert params.constraints == {"face_height": (600, 824), "eyes_top": (376, 524)}
    for name, (low, high) in params.constraints.items():
        at_300 = specs.spec_constraints(specs.get(3))[name]
        assert abs(low - 2 * at_300[0]) <= 1 and abs(high - 2 * at_300[1]) <= 1
    digital = specs.apply_spec(_params(spec_id=5, dpi=72))
    assert (digital.width, digital.height, digital.dpi) == (
        600,
        600,
        72,
    )  # a pixel-only spec keeps its pixels
    assert digital.constraints == specs.spec_constraints(specs.get(5))
    canada = specs.apply_spec(_params(spec_id=23, dpi=1000))
    assert (canada.width, canada.height) == (1969, 2756)


def test_it_does_not_fill_a_background_colour_when_the_background_is_kept():
    params = specs.apply_spec(_params(spec_id=9, change_bg=0))
    assert params.bg_color is None and params.change_bg is False


def test_it_is_idempotent():
    for spec_id in (1, 3, 5, 19, 22, 23, 1001):
        once = specs.apply_spec(_params(spec_id=spec_id))
        assert specs.apply_spec(once) == once


def test_it_refuses_an_unknown_spec_id():
    with pytest.raises(ParamError) as caught:
        specs.apply_spec(_params(spec_id=999_999))
    assert caught.value.data["param"] == "spec_id"


@pytest.mark.parametrize(
    "field, value, param", [("auto_smooth", 1, "auto_smooth"), ("clothes_id", "man_3", "clothes_id")]
)
def test_it_refuses_beauty_and_outfit_for_a_us_passport_with_the_reason(field, value, param):
    with pytest.raises(ParamError) as caught:
        specs.apply_spec(_params(spec_id=3, **{field: value}))
    message = caught.value.message
    assert message.startswith(f"{param}: not allowed for spec 3 (United States passport)")
    assert "digitally altered" in message
    assert caught.value.data["param"] == param


def test_it_allows_beauty_and_outfit_for_a_chinese_exam_photo():
    params = specs.apply_spec(_params(spec_id=37, auto_bright=1, auto_smooth=1, clothes_id="woman_2"))
    assert params.beauty and params.clothes_id == "woman_2"
    assert (params.format, params.max_file_size) == ("jpg", 200_000)


def test_it_keeps_the_original_background_where_the_authority_forbids_replacing_it():
    canada = specs.apply_spec(_params(spec_id=23))
    assert canada.change_bg is False and canada.bg_color is None
    with pytest.raises(ParamError) as caught:
        specs.apply_spec(_params(spec_id=23, change_bg=1))
    assert "change_bg: not allowed for spec 23 (Canada passport)" in caught.value.message


def test_it_fills_file_size_limits_and_jpeg_for_digital_uploads():
    params = specs.apply_spec(_params(spec_id=5))
    assert (params.format, params.min_file_size, params.max_file_size) == ("jpg", None, 240_000)
    explicit = specs.apply_spec(_params(spec_id=5, format="png", quality=90))
    assert explicit.format == "png" and explicit.max_file_size is None


def test_it_serialises_a_spec_for_the_api():
    described = specs.get(3).as_dict()
    json.dumps(described)
    assert described["constraints"] == {"face_height": [300, 412], "eyes_top": [188, 262]}
    assert described["allowed_edits"] == ["background"]
    assert described["size_mm"] == [50.8, 50.8]


def test_it_states_the_rules_in_plain_words():
    us = specs.rules(specs.get(3))
    assert "Size: 50.8 x 50.8 mm, 600 x 600 px at 300 dpi" in us
    assert "Head from chin to crown: 25.4-34.9 mm" in us
    assert "Eyes above the bottom edge: 28.6-34.9 mm" in us
    assert any(line.startswith("Not allowed: beauty filters, an outfit change") for line in us)
    digital = specs.rules(specs.get(5))
    assert digital[0].startswith("Size: digital, 600 x 600 px") and "File: JPEG, at most 240 kB" in digital
    assert not any(line.startswith("Not allowed") for line in specs.rules(specs.get(37)))
    assert specs.get(19).as_dict()["rules"] == specs.rules(specs.get(19))
