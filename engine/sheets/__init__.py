"""Print sheets: pack copies of an ID photo on paper, render the sheet at the photo's dpi, write PNG and PDF.

Everything is planned in millimetres and only turned into pixels when rendering, so a 35x45 mm photo is
35x45 mm on the printed sheet (at 100 % scale) whatever the dpi. This module is pure: numpy arrays and
Pillow in, bytes and dicts out; the `layout` stage feeds it from a Context.

One module per concern: `plan` (millimetres: paper sizes and packing rules), `marks` (cut marks, QR code,
label), `render` (pixels at the photo's dpi) and `pdf`; `make_sheet` below is the one call the layout
stage makes.
"""

import numpy as np
from PIL import Image

from .marks import extras_options, qr_size_mm
from .pdf import pdf_bytes
from .plan import (
    GAP_MM,
    MARGIN_MM,
    grid_fit,
    mm_to_px,
    orientations,
    paper_mm,
    plan_sheet,
    px_rect,
    px_to_mm,
)
from .render import crop_for_size, flatten_on_white, render_sheet, sheet_bytes, sheet_dpi


def make_sheet(
    photo,
    dpi,
    *,
    paper="6inch",
    vertical=None,
    bg=(230, 230, 230),
    qr_data="",
    qr_px=None,
    label_text="",
    allow_rotate=False,
    mix_mm=None,
    face_x=None,
    head_top=None,
    pdf=False,
    margin=MARGIN_MM,
    gap=GAP_MM,
    fmt="png",
    quality=None,
):
    """Plan and render a sheet for one photo (HxWx3 or HxWx4 uint8 at dpi): (image bytes in `fmt`, pdf or
    None, info). vertical=None takes the orientation that holds more copies (landscape on a tie)."""
    photo = flatten_on_white(photo)
    use_dpi = sheet_dpi(paper, bool(vertical), dpi)  # the same pixel count either way round
    photo_mm = (px_to_mm(photo.shape[1], dpi), px_to_mm(photo.shape[0], dpi))
    if use_dpi != dpi:  # only for huge sheets: keep the physical size, lose some pixels
        photo = np.asarray(
            Image.fromarray(photo).resize(
                (mm_to_px(photo_mm[0], use_dpi), mm_to_px(photo_mm[1], use_dpi)), Image.Resampling.LANCZOS
            )
        )
    qr_mm = None
    if qr_data:
        qr_mm = qr_size_mm(qr_data, qr_px, dpi)
        qr_px = mm_to_px(qr_mm, use_dpi)
    choices = (False, True) if vertical is None else (bool(vertical),)
    plans = [
        _plan(paper, v, photo_mm, qr_mm, label_text, mix_mm, allow_rotate, margin, gap) for v in choices
    ]
    plan = max(plans, key=lambda p: (p.counts["main"] + p.counts["mix"], p.extras is not None, _landscape(p)))
    mix_photo = None
    if mix_mm is not None:
        scale = use_dpi / dpi
        mix_photo = crop_for_size(
            photo,
            mix_mm,
            use_dpi,
            None if face_x is None else face_x * scale,
            None if head_top is None else head_top * scale,
        )
    sheet = render_sheet(plan, photo, use_dpi, mix_photo=mix_photo, bg=bg, qr_data=qr_data, qr_px=qr_px)
    info = sheet_info(plan, use_dpi, photo_mm, mix_mm, sheet.size)
    info["format"] = fmt
    if use_dpi != dpi:
        info["dpi_lowered_from"] = dpi
    image = sheet_bytes(sheet, use_dpi, fmt, quality)
    return image, (pdf_bytes(sheet, plan.paper_mm) if pdf else None), info


def _landscape(plan):
    return plan.paper_mm[0] >= plan.paper_mm[1]


def _plan(paper, vertical, photo_mm, qr_mm, label_text, mix_mm, allow_rotate, margin, gap):
    pw, ph = paper_mm(paper, vertical)
    strips = [
        pw - 2 * margin - grid_fit(pw - 2 * margin, ph - 2 * margin, w, h, gap)[0] * (w + gap) + gap - GAP_MM
        for w, h, _ in orientations(photo_mm, allow_rotate)
    ]
    return plan_sheet(
        paper,
        vertical,
        photo_mm,
        mix_mm=mix_mm,
        allow_rotate=allow_rotate,
        extras_options=extras_options(qr_mm, label_text, photo_mm, pw, strips),
        margin=margin,
        gap=gap,
    )


def sheet_info(plan, dpi, photo_mm, mix_mm, sheet_size):
    def r(v):
        return round(v, 2)

    def box_px(rect):
        return list(px_rect(rect, dpi)) if rect is not None else None

    info = {
        "paper": plan.paper,
        "paper_mm": [r(v) for v in plan.paper_mm],
        "vertical": not _landscape(plan),
        "dpi": dpi,
        "copies": plan.counts["main"],
        "rotated": any(s.rotated for s in plan.slots if s.kind == "main"),
        "photo_mm": [r(v) for v in photo_mm],
        "margin_mm": plan.margin,
        "gap_mm": plan.gap,
        "sheet_px": list(sheet_size),
        "photo_boxes_px": [box_px(s.rect) for s in plan.slots if s.kind == "main"],
        "qr_box_px": box_px(plan.qr_rect()),
        "label_box_px": box_px(plan.label_rect()),
    }
    if mix_mm is not None:
        info["mix_mm"] = [r(v) for v in mix_mm]
        info["mix_copies"] = plan.counts["mix"]
        info["mix_boxes_px"] = [box_px(s.rect) for s in plan.slots if s.kind == "mix"]
        info["mix_rotated"] = any(s.rotated for s in plan.slots if s.kind == "mix")
    return info
