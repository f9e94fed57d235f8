"""Print sheets: copy counts against hand-computed maxima, exact physical size, QR, label, PDF, stage."""

import io
import itertools
import math

import cv2
import numpy as np
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from engine import sheets
from engine.context import Context
from engine.params import parse
from engine.stages import layout as layout_stage

from .conftest import portrait_paths

PAPER_INCHES = {"5inch": (3.5, 5), "6inch": (4, 6), "5x7": (5, 7), "letter": (8.5, 11)}
PAPER_MM = {name: (a * 25.4, b * 25.4) for name, (a, b) in PAPER_INCHES.items()} | {"a4": (210.0, 297.0)}
# The documented margins (docs/layout.md): 2 mm blank edge, 2 mm between photos.
DOC_MARGIN_MM, DOC_GAP_MM = 2.0, 2.0
PHOTO_RGB = (23, 201, 97)  # a colour nothing else on a sheet uses: photos are found by it
FACE_RGB = (201, 150, 120)


def px(mm, dpi):
    return round(mm / 25.4 * dpi)


def synthetic_photo(w, h, colour=PHOTO_RGB):
    """A flat, uniquely coloured photo with an oval 'face' (upper middle) so orientation is visible."""
    photo = np.zeros((h, w, 3), np.uint8)
    photo[:] = colour
    yy, xx = np.mgrid[:h, :w]
    photo[((xx - w / 2) / (w * 0.22)) ** 2 + ((yy - h * 0.4) / (h * 0.2)) ** 2 < 1] = FACE_RGB
    return photo


def find_photos(sheet, colour=PHOTO_RGB):
    """Bounding boxes (x0, y0, x1, y1) of the regions of the photo colour (each photo is one region)."""
    mask = np.all(np.asarray(sheet)[:, :, :3] == colour, axis=2).astype(np.uint8)
    _count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    boxes = [(x, y, x + w, y + h) for x, y, w, h, area in stats[1:] if area > 100]
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def hand_max(paper_w, paper_h, w, h, margin=DOC_MARGIN_MM, gap=DOC_GAP_MM):
    exact = 1e-9  # a row that fits exactly counts despite floating-point rounding
    cols = math.floor((paper_w - 2 * margin + gap) / (w + gap) + exact)
    rows = math.floor((paper_h - 2 * margin + gap) / (h + gap) + exact)
    return cols * rows


def paper(name, vertical):
    short, long = PAPER_MM[name]
    return (short, long) if vertical else (long, short)


def open_png(data):
    return Image.open(io.BytesIO(data))


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_it_documents_the_margins_used_in_these_tests():
    assert (sheets.MARGIN_MM, sheets.GAP_MM) == (DOC_MARGIN_MM, DOC_GAP_MM)


@pytest.mark.parametrize(
    "paper_name, vertical, size_mm, at_least",
    [
        ("6inch", False, (35, 45), 8),  # Schengen / UK on a 4x6 in sheet
        ("6inch", True, (25, 35), 12),  # Chinese 1-inch on a vertical 4x6 in sheet
        ("6inch", False, (50.8, 50.8), 2),  # US 2x2 in
        ("5inch", True, (35, 45), 4),
        ("5inch", False, (35, 45), 3),
        ("a4", True, (35, 45), 30),
        ("letter", True, (50.8, 50.8), 20),
    ],
)
def test_it_fits_the_hand_computed_maximum_of_copies(paper_name, vertical, size_mm, at_least):
    dpi = 300
    w, h = px(size_mm[0], dpi), px(size_mm[1], dpi)
    photo_mm = (w / dpi * 25.4, h / dpi * 25.4)  # the photo's true size: whole pixels at its dpi
    expected = hand_max(*paper(paper_name, vertical), *photo_mm)
    png, _, info = sheets.make_sheet(synthetic_photo(w, h), dpi, paper=paper_name, vertical=vertical)
    found = find_photos(open_png(png))
    assert len(found) == expected >= at_least
    assert info["copies"] == expected


@pytest.mark.parametrize("dpi", [300, 350, 600])
def test_it_renders_photos_and_paper_at_exact_physical_size(dpi):
    w, h = px(35, dpi), px(45, dpi)
    png, _, info = sheets.make_sheet(synthetic_photo(w, h), dpi, paper="6inch")
    sheet = open_png(png)
    assert sheet.size == (px(152.4, dpi), px(101.6, dpi))
    boxes = find_photos(sheet)
    assert len(boxes) == 8
    for x0, y0, x1, y1 in boxes:
        assert (x1 - x0, y1 - y0) == (w, h)
        assert x0 >= px(2, dpi) - 1 and y0 >= px(2, dpi) - 1  # inside the margin
        assert x1 <= sheet.width - px(2, dpi) + 1 and y1 <= sheet.height - px(2, dpi) + 1
    # neighbours are at least the documented gap apart
    xs = sorted({b[0] for b in boxes})
    assert min(b - a for a, b in itertools.pairwise(xs)) >= w + px(2, dpi) - 1
    assert sheet.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)  # PNG stores whole px per metre
    assert info["dpi"] == dpi


def test_it_keeps_every_photo_pixel_intact_with_cut_marks_only_in_the_gaps():
    dpi = 300
    photo = synthetic_photo(px(35, dpi), px(45, dpi))
    png, _, _ = sheets.make_sheet(photo, dpi, paper="6inch", bg=(255, 255, 255))
    sheet = np.asarray(open_png(png))
    boxes = find_photos(sheet)
    for x0, y0, x1, y1 in boxes:
        assert np.array_equal(sheet[y0:y1, x0:x1], photo)
    # cut marks: grey pixels on the white sheet, continuing the photo edges into the gap
    x0, y0, x1, y1 = boxes[0]
    gap_column = sheet[y1 : y1 + px(2, dpi), x0 - 1]
    assert (gap_column.sum(axis=1) < 3 * 250).any()
    in_photo = np.all(sheet == PHOTO_RGB, axis=2) | np.all(sheet == FACE_RGB, axis=2)
    marks = np.all(sheet < 250, axis=2) & ~in_photo
    assert marks.sum() > 0 and marks.mean() < 0.01  # thin


def test_it_paints_the_canvas_in_the_background_colour():
    png, _, _ = sheets.make_sheet(synthetic_photo(413, 531), 300, bg=(10, 20, 30))
    sheet = np.asarray(open_png(png))
    assert tuple(sheet[0, 0]) == (10, 20, 30)
    assert tuple(sheet[-1, -1]) == (10, 20, 30)


def test_it_flattens_a_transparent_photo_onto_white():
    photo = np.zeros((531, 413, 4), np.uint8)
    photo[:, :, :3] = PHOTO_RGB
    photo[:, :, 3] = 255
    photo[200:300, 100:300, 3] = 0  # a transparent hole
    png, _, _ = sheets.make_sheet(photo, 300)
    sheet = np.asarray(open_png(png).convert("RGB"))
    x0, y0, _, _ = find_photos(sheet)[0]
    assert tuple(sheet[y0 + 250, x0 + 200]) == (255, 255, 255)


def test_it_rotates_photos_only_when_allowed():
    dpi = 300
    w, h = px(35, dpi), px(45, dpi)
    photo_mm = (w / dpi * 25.4, h / dpi * 25.4)
    pw, ph = paper("5inch", False)
    upright, turned = hand_max(pw, ph, *photo_mm), hand_max(pw, ph, photo_mm[1], photo_mm[0])
    assert turned > upright  # the case where turning helps
    png, _, info = sheets.make_sheet(synthetic_photo(w, h), dpi, paper="5inch", vertical=False)
    assert len(find_photos(open_png(png))) == upright and not info["rotated"]
    png, _, info = sheets.make_sheet(synthetic_photo(w, h), dpi, paper="5inch", vertical=False, allow_rotate=True)
    boxes = find_photos(open_png(png))
    assert len(boxes) == turned and info["rotated"]
    assert all((b[2] - b[0], b[3] - b[1]) == (h, w) for b in boxes)


@pytest.mark.parametrize(
    "data",
    ["https://example.org/idphoto/t/8f3a2c", "NAME: ZHANG San; ID 110101199001011234; " * 6],
)
def test_it_prints_a_qr_code_that_decodes_back_to_its_data(data):
    dpi = 300
    png, _, info = sheets.make_sheet(synthetic_photo(413, 531), dpi, paper="6inch", qr_data=data)
    sheet = open_png(png)
    results = zxingcpp.read_barcodes(sheet)
    assert [r.text for r in results] == [data]
    x0, y0, x1, y1 = info["qr_box_px"]
    assert (x1 - x0) == px(20, dpi) or (x1 - x0) > px(20, dpi)  # default about 20 mm, more for long data
    qr_pixels = np.asarray(sheet)[y0:y1, x0:x1]
    assert set(np.unique(qr_pixels)) <= {0, 255}  # crisp: whole-pixel modules, no resampling grey
    for box in find_photos(sheet):
        assert not overlaps(box, info["qr_box_px"])
    assert len(find_photos(sheet)) >= 7  # at most one copy gives way to the QR code


def test_it_draws_the_qr_code_at_the_requested_pixel_size():
    png, _, info = sheets.make_sheet(synthetic_photo(413, 531), 300, qr_data="hello", qr_px=300)
    x0, _y0, x1, _y1 = info["qr_box_px"]
    assert abs((x1 - x0) - 300) <= 1
    results = zxingcpp.read_barcodes(open_png(png))
    assert [r.text for r in results] == ["hello"]
    pos = results[0].position
    module_span = pos.top_right.x - pos.top_left.x
    assert x0 <= pos.top_left.x and pos.top_right.x <= x1 and module_span > 200


def _ink(sheet, exclude):
    arr = np.asarray(sheet.convert("RGB")).astype(int)
    ink = arr.sum(axis=2) < 3 * 100
    for x0, y0, x1, y1 in exclude:
        ink[y0:y1, x0:x1] = False
    return ink


def test_it_writes_the_label_text_in_free_space():
    text = "张三 ZHANG San\n护照 Passport 35x45"
    dpi = 300
    png, _, info = sheets.make_sheet(synthetic_photo(413, 531), dpi, paper="6inch", label_text=text)
    sheet = open_png(png)
    photos = find_photos(sheet)
    ink = _ink(sheet, photos)
    ys, xs = np.nonzero(ink)
    assert len(ys) > 500
    ink_box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert not any(overlaps(ink_box, box) for box in photos)
    lx0, ly0, lx1, ly1 = info["label_box_px"]
    assert lx0 - 2 <= ink_box[0] and ink_box[2] <= lx1 + 2 and ly0 - 2 <= ink_box[1] and ink_box[3] <= ly1 + 2
    rows_with_ink = np.flatnonzero(ink.any(axis=1))
    lines = 1 + int((np.diff(rows_with_ink) > 3).sum())
    assert lines == 2  # the line break is honoured
    glyph_height_mm = (rows_with_ink.max() - rows_with_ink.min()) / dpi * 25.4
    assert glyph_height_mm > 5  # two lines of about 10 pt: readable on paper


def test_it_places_qr_and_label_together_without_covering_photos_on_every_paper():
    for paper_name in ("5inch", "6inch", "5x7", "a4", "letter"):
        for vertical in (False, True):
            png, _, info = sheets.make_sheet(
                synthetic_photo(600, 600), 300, paper=paper_name, vertical=vertical,
                qr_data="id-4711", label_text="US passport\n2x2 in",
            )
            sheet = open_png(png)
            photos = find_photos(sheet)
            assert len(photos) == info["copies"] >= 1
            assert [r.text for r in zxingcpp.read_barcodes(sheet)] == ["id-4711"]
            for box in photos:
                assert not overlaps(box, info["qr_box_px"]) and not overlaps(box, info["label_box_px"])
            assert not overlaps(info["qr_box_px"], info["label_box_px"])
            w, h = sheet.size
            for x0, y0, x1, y1 in (info["qr_box_px"], info["label_box_px"]):
                assert 0 <= x0 and 0 <= y0 and x1 <= w and y1 <= h


def test_it_writes_a_pdf_page_of_exactly_the_paper_size():
    for paper_name, vertical, dpi in (("6inch", False, 300), ("a4", True, 72), ("5inch", True, 37)):
        w, h = px(35, dpi), px(45, dpi)
        photo = synthetic_photo(w, h)
        _, pdf, _ = sheets.make_sheet(photo, dpi, paper=paper_name, vertical=vertical, pdf=True)
        page = PdfReader(io.BytesIO(pdf), strict=True).pages[0]
        pw, ph = paper(paper_name, vertical)
        assert float(page.mediabox.width) == pytest.approx(pw / 25.4 * 72, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(ph / 25.4 * 72, abs=0.5)
        images = list(page.images)
        assert len(images) == 1
        assert images[0].image.size == (px(pw, dpi), px(ph, dpi))


def test_it_returns_no_pdf_unless_asked():
    _, pdf, _ = sheets.make_sheet(synthetic_photo(413, 531), 300)
    assert pdf is None


def test_it_mixes_two_sizes_on_one_sheet_at_exact_size():
    dpi = 300
    main = synthetic_photo(px(35, dpi), px(45, dpi))
    png, _, info = sheets.make_sheet(main, dpi, paper="6inch", mix_mm=(25, 35))
    sheet = open_png(png)
    boxes = find_photos(sheet)
    sizes = [(b[2] - b[0], b[3] - b[1]) for b in boxes]
    big = sizes.count((px(35, dpi), px(45, dpi)))
    small = sizes.count((px(25, dpi), px(35, dpi)))
    assert big == info["copies"] >= 1 and small == info["mix_copies"] >= 1
    assert big + small == len(boxes)
    # at least as many photos as one full row of each size would give (4 + 5 on a 4x6 in sheet)
    pw, _ph = paper("6inch", False)
    one_row_each = hand_max(pw, 2 * DOC_MARGIN_MM + 45, 35, 45) + hand_max(pw, 2 * DOC_MARGIN_MM + 35, 25, 35)
    assert big + small >= one_row_each


def test_it_crops_the_second_size_around_the_face():
    photo = np.full((531, 413, 3), 200, np.uint8)
    photo[:, 205:255] = (255, 0, 0)  # the "face" is right of centre
    out = sheets.crop_for_size(photo, (20, 35), 300, face_x=230)
    assert out.shape[:2] == (px(35, 300), px(20, 300))
    red = np.flatnonzero(np.all(out[out.shape[0] // 2] == (255, 0, 0), axis=1))
    assert abs((red.min() + red.max()) / 2 - out.shape[1] / 2) < 3  # face centred in the narrower crop


def test_it_keeps_the_head_top_share_when_cropping_to_a_wider_size():
    photo = np.full((600, 400, 3), 200, np.uint8)
    photo[60:62] = 0  # head top at 10 % of the height
    out = sheets.crop_for_size(photo, (30, 30), 300, head_top=60)
    dark = np.flatnonzero(out[:, out.shape[1] // 2].sum(axis=1) < 300)
    assert abs(dark.mean() / out.shape[0] - 0.10) < 0.01


def _ctx(**fields):
    data = {"px_width": "413", "px_height": "531", "dpi": "300"} | fields
    ctx = Context(params=parse(data), source_bytes=b"")
    ctx.composed = synthetic_photo(413, 531)
    return ctx


def test_it_sets_nothing_when_no_layout_is_asked():
    ctx = _ctx()
    layout_stage.run(ctx)
    assert ctx.layout_image is None and ctx.layout_pdf is None and ctx.layout_info == {}


def test_it_fills_the_context_from_the_seed_parameters():
    ctx = _ctx(
        layout="1", layout_size="5inch", layout_vertical="1", layout_bg_color="FFFFFF",
        layout_qr_code_data="task 42", layout_label_text="Line one\\nLine two", layout_pdf="1",
    )
    layout_stage.run(ctx)
    sheet = open_png(ctx.layout_image)
    assert sheet.size == (px(88.9, 300), px(127, 300))
    assert tuple(np.asarray(sheet)[0, 0]) == (255, 255, 255)
    assert [r.text for r in zxingcpp.read_barcodes(sheet)] == ["task 42"]
    assert len(find_photos(sheet)) == ctx.layout_info["copies"] >= 1
    info = ctx.layout_info
    assert info["paper"] == "5inch" and info["paper_mm"] == [88.9, 127.0] and info["dpi"] == 300
    assert info["margin_mm"] == DOC_MARGIN_MM and info["gap_mm"] == DOC_GAP_MM
    assert ctx.layout_pdf.startswith(b"%PDF")


def test_it_mixes_sizes_from_the_stage():
    ctx = _ctx(layout="1", layout_mix_size="25x35")
    layout_stage.run(ctx)
    assert ctx.layout_info["mix_copies"] >= 1 and ctx.layout_info["mix_mm"] == [25.0, 35.0]


@pytest.mark.skipif(not portrait_paths(), reason="../shared/portraits is absent")
def test_it_lays_out_a_real_portrait_through_the_pipeline(artifacts_dir):
    from engine.errors import EngineError
    from engine.pipeline import process

    path = portrait_paths()[0]
    params = parse({"mm_width": "35", "mm_height": "45", "dpi": "300", "bg_color": "FFFFFF", "layout": "1",
                    "layout_qr_code_data": "idphoto", "layout_label_text": "35x45 mm"})
    try:
        result = process(path.read_bytes(), params)
    except (EngineError, ImportError, NotImplementedError) as exc:
        pytest.skip(f"the engine core is not ready: {exc}")
    sheet = open_png(result.layout_image)
    (artifacts_dir / "layout").mkdir(exist_ok=True)
    sheet.save(artifacts_dir / "layout" / "pipeline_6inch.png")
    assert result.layout_info["copies"] >= 7
    assert [r.text for r in zxingcpp.read_barcodes(sheet)] == ["idphoto"]
    photo = np.asarray(Image.open(io.BytesIO(result.image)).convert("RGB"))
    x0, y0, x1, y1 = result.layout_info["photo_boxes_px"][0]
    assert np.array_equal(np.asarray(sheet)[y0:y1, x0:x1], photo)


def test_it_puts_the_qr_code_in_a_leftover_strip_without_losing_a_copy():
    dpi = 300
    w, h = px(35, dpi), px(45, dpi)
    photo_mm = (w / dpi * 25.4, h / dpi * 25.4)
    pw, ph = paper("6inch", True)
    cols = math.floor((pw - 2 * DOC_MARGIN_MM + DOC_GAP_MM) / (photo_mm[0] + DOC_GAP_MM))
    strip = pw - 2 * DOC_MARGIN_MM - cols * (photo_mm[0] + DOC_GAP_MM)
    assert strip >= 20  # a 20 mm QR code fits beside the grid
    png, _, _info = sheets.make_sheet(
        synthetic_photo(w, h), dpi, paper="6inch", vertical=True, qr_data="strip", label_text="WANG Xiaoming"
    )
    sheet = open_png(png)
    assert len(find_photos(sheet)) == hand_max(pw, ph, *photo_mm)
    assert [r.text for r in zxingcpp.read_barcodes(sheet)] == ["strip"]


@pytest.mark.parametrize("margin, gap", [(0.0, 0.0), (1.0, 1.0), (3.0, 4.0)])
def test_it_honours_caller_margins_and_gaps(margin, gap):
    dpi = 300
    side = px(50.8, dpi)  # US 2x2 in
    side_mm = side / dpi * 25.4
    pw, ph = paper("6inch", False)
    expected = hand_max(pw, ph, side_mm, side_mm, margin, gap)
    png, _, info = sheets.make_sheet(synthetic_photo(side, side), dpi, margin=margin, gap=gap)
    sheet = open_png(png)
    if gap == 0:  # photos touch: count them by area instead of as separate regions
        mask = np.all(np.asarray(sheet) == PHOTO_RGB, axis=2) | np.all(np.asarray(sheet) == FACE_RGB, axis=2)
        assert mask.sum() == expected * side * side
    else:
        boxes = find_photos(sheet)
        assert len(boxes) == expected
        assert all((b[2] - b[0], b[3] - b[1]) == (side, side) for b in boxes)
    assert info["copies"] == expected and (info["margin_mm"], info["gap_mm"]) == (margin, gap)


def test_it_fits_six_us_photos_on_a_borderless_6_inch_sheet_with_the_label_inset():
    dpi = 300
    side = px(50.8, dpi)
    png, _, info = sheets.make_sheet(synthetic_photo(side, side), dpi, margin=0, gap=0)
    assert info["copies"] == 6
    png, _, info = sheets.make_sheet(synthetic_photo(side, side), dpi, margin=0, gap=0, label_text="US 2x2")
    x0, y0, x1, y1 = info["label_box_px"]
    w, h = open_png(png).size
    inset = px(DOC_MARGIN_MM, dpi) - 1
    assert x0 >= inset and y0 >= inset and x1 <= w - inset and y1 <= h - inset


def test_it_reports_layout_info_as_plain_json():
    import json

    photo = synthetic_photo(413, 531)
    _, _, info = sheets.make_sheet(photo, 300, mix_mm=(25.0, 35.0), qr_data="a", label_text="b")
    assert json.loads(json.dumps(info)) == info


def test_it_lowers_the_dpi_of_a_huge_sheet_but_keeps_its_physical_size(monkeypatch):
    monkeypatch.setattr(sheets.render, "MAX_SHEET_PIXELS", 1_000_000)
    dpi = 600
    png, _, info = sheets.make_sheet(synthetic_photo(px(35, dpi), px(45, dpi)), dpi, paper="6inch")
    sheet = open_png(png)
    low = info["dpi"]
    assert low < dpi and info["dpi_lowered_from"] == dpi
    assert sheet.width * sheet.height <= 1_000_000
    assert sheet.size == (px(152.4, low), px(101.6, low))
    assert sheet.info["dpi"] == pytest.approx((low, low), abs=0.05)
    for x0, y0, x1, y1 in info["photo_boxes_px"]:
        assert abs((x1 - x0) - px(35, low)) <= 1 and abs((y1 - y0) - px(45, low)) <= 1


def test_it_warns_when_the_photo_is_larger_than_the_paper():
    ctx = _ctx(layout="1", layout_size="5inch")
    ctx.composed = synthetic_photo(1200, 1600)  # 102x135 mm at 300 dpi
    layout_stage.run(ctx)
    assert ctx.layout_info["copies"] == 0
    assert any("does not fit" in w for w in ctx.warnings)


def test_it_takes_the_orientation_that_holds_more_copies_when_none_is_given():
    """35x45 mm on 5-inch paper: 3 copies in landscape, 4 in portrait (issue 10, item 5)."""
    dpi = 300
    photo = synthetic_photo(px(35, dpi), px(45, dpi))
    landscape = sheets.make_sheet(photo, dpi, paper="5inch", vertical=False)[2]
    portrait = sheets.make_sheet(photo, dpi, paper="5inch", vertical=True)[2]
    png, _, chosen = sheets.make_sheet(photo, dpi, paper="5inch")
    assert (landscape["copies"], portrait["copies"]) == (3, 4)
    assert chosen["copies"] == 4 and chosen["vertical"] is True
    assert open_png(png).size == (px(3.5 * 25.4, dpi), px(5 * 25.4, dpi))  # portrait pixels
    assert len(find_photos(open_png(png))) == 4
    # 6-inch paper holds more in landscape (8 against 6): the choice follows the count, not the paper.
    six = sheets.make_sheet(photo, dpi, paper="6inch")[2]
    assert six["vertical"] is False and six["copies"] == 8
    # A tie keeps the seed's default, landscape: an 80x80 mm photo fits once on 5-inch paper either way.
    square = synthetic_photo(px(80, dpi), px(80, dpi))
    assert sheets.make_sheet(square, dpi, paper="5inch")[2]["vertical"] is False


def test_it_leaves_the_orientation_to_the_sheet_unless_layout_vertical_is_given():
    assert parse({"layout": "1"}).layout.vertical is None
    assert parse({"layout": "1", "layout_vertical": "0"}).layout.vertical is False
    assert parse({"layout": "1", "layout_vertical": "1"}).layout.vertical is True


@pytest.mark.parametrize("fmt, pil_format", [("jpg", "JPEG"), ("png", "PNG")])
def test_it_writes_the_sheet_in_the_photo_format_with_the_dpi_in_its_header(fmt, pil_format):
    dpi = 350
    image, _, info = sheets.make_sheet(synthetic_photo(px(35, dpi), px(45, dpi)), dpi, paper="6inch", fmt=fmt)
    sheet = Image.open(io.BytesIO(image))
    assert sheet.format == pil_format and info["format"] == fmt
    assert [round(v) for v in sheet.info["dpi"]] == [dpi, dpi]
    if fmt == "jpg":
        assert sheet.info["jfif_unit"] == 1 and sheet.info["jfif_density"] == (dpi, dpi)
