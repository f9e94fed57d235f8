import pytest

from engine.errors import ParamError
from engine.params import parse


def test_it_defaults_to_295x413_at_300_dpi_png():
    params = parse({})
    assert (params.width, params.height, params.dpi, params.format) == (295, 413, 300, "png")
    assert params.change_bg and params.bg_color is None


def test_it_converts_mm_to_pixels_at_the_dpi():
    params = parse({"mm_width": "35", "mm_height": "45", "dpi": "300"})
    assert (params.width, params.height) == (413, 531)


@pytest.mark.parametrize(
    "field, value, needle",
    [
        ("size", "300X400", "size"),
        ("size", "99x400", "100 to 2000"),
        ("px_width", "1800", "px_width"),
        ("mm_height", "180", "mm_height"),
        ("dpi", "9", "dpi: must be an integer from 10 to 1000"),
        ("bg_color", "blue", "hex colour"),
        ("bright_factor", "1.5", "bright_factor"),
        ("clothes_id", "man_21", "man_1..man_20"),
        ("quality", "0", "quality"),
        ("layout_size", "7inch", "layout_size"),
        ("change_bg", "2", "0 or 1"),
    ],
)
def test_it_refuses_out_of_range_values_naming_the_parameter(field, value, needle):
    data = {field: value}
    if field == "px_width":
        data["px_height"] = "400"
    if field == "mm_height":
        data["mm_width"] = "35"
    if field == "layout_size":
        data["layout"] = "1"
    with pytest.raises(ParamError) as info:
        parse(data)
    assert needle in info.value.message
    assert info.value.data["param"] in (field, "dpi")


def test_it_takes_exact_and_banded_constraints():
    params = parse({"face_height": "400", "min_head_top": "24", "max_head_top": "71"})
    assert params.constraints == {"face_height": (400, 400), "head_top": (24, 71)}


def test_it_refuses_min_above_max():
    with pytest.raises(ParamError, match="min_eyes_top"):
        parse({"min_eyes_top": "200", "max_eyes_top": "100"})


def test_it_turns_beauty_on_only_with_its_switch():
    assert parse({"smooth_factor": "0.7"}).beauty == {}
    assert parse({"auto_smooth": "1", "smooth_factor": "0.7"}).beauty == {"smooth": 0.7}
    assert parse({"auto_sharp": "1", "sharp_factor": "0"}).beauty == {}
