import pytest

from engine.errors import ParamError
from engine.params import parse


def test_it_keeps_photos_upright_and_single_size_by_default():
    layout = parse({"layout": "1"}).layout
    assert layout.allow_rotate is False and layout.mix_size is None and layout.pdf is False


def test_it_reads_the_layout_extensions():
    data = {"layout": "1", "layout_allow_rotate": "1", "layout_mix_size": "25x35", "layout_pdf": "1"}
    layout = parse(data).layout
    assert layout.allow_rotate is True and layout.mix_size == (25.0, 35.0) and layout.pdf is True


def test_it_accepts_decimal_millimetres_for_the_second_size():
    assert parse({"layout": "1", "layout_mix_size": "50.8x50.8"}).layout.mix_size == (50.8, 50.8)


def test_it_turns_backslash_n_into_line_breaks_in_the_sheet_label():
    assert parse({"layout": "1", "layout_label_text": "a\\nb"}).layout.label_text == "a\nb"


@pytest.mark.parametrize("value", ["25*35", "25x", "5x35", "25x181", "x35", "25x35x2"])
def test_it_refuses_a_bad_second_size_naming_the_parameter(value):
    with pytest.raises(ParamError) as info:
        parse({"layout": "1", "layout_mix_size": value})
    assert info.value.data["param"] == "layout_mix_size"
    assert "25x35" in info.value.message


def test_it_refuses_a_rotate_switch_other_than_0_or_1():
    with pytest.raises(ParamError, match="layout_allow_rotate"):
        parse({"layout": "1", "layout_allow_rotate": "2"})


def test_it_reads_sheet_margin_and_gap_in_millimetres():
    layout = parse({"layout": "1", "layout_margin_mm": "0", "layout_gap_mm": "1.5"}).layout
    assert (layout.margin_mm, layout.gap_mm) == (0.0, 1.5)
    assert parse({"layout": "1"}).layout.margin_mm is None


@pytest.mark.parametrize("name", ["layout_margin_mm", "layout_gap_mm"])
def test_it_refuses_margins_outside_0_to_20_mm(name):
    with pytest.raises(ParamError) as info:
        parse({"layout": "1", name: "25"})
    assert info.value.data["param"] == name
