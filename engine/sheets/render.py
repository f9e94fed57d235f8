"""Rendering a planned sheet to pixels at the photo's dpi, and the photo at a second physical size."""

import io

import numpy as np
from PIL import Image, ImageDraw

from .marks import cut_colour, draw_cut_marks, draw_label, render_qr
from .plan import GAP_MM, mm_to_px, paper_mm, px_rect

SHEET_JPEG_QUALITY = 95
MAX_SHEET_PIXELS = 40_000_000  # an A4 sheet at 600 dpi is 35 Mpx; above this the sheet dpi is lowered


def flatten_on_white(photo):
    """RGB uint8 for print: an RGBA photo is composited onto white (paper has no transparency)."""
    photo = np.asarray(photo)
    if photo.ndim == 2:
        return np.repeat(photo[:, :, None], 3, axis=2)
    if photo.shape[2] == 3:
        return photo
    alpha = photo[:, :, 3:4].astype(np.float32) / 255.0
    rgb = photo[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
    return np.clip(rgb + 0.5, 0, 255).astype(np.uint8)


def crop_for_size(photo, size_mm, dpi, face_x=None, head_top=None):
    """The same photo at a second physical size: crop to its aspect ratio, then resample to exact pixels.

    A narrower size keeps the full height and centres the crop on the face (face_x, photo px); a wider
    one keeps the full width and cuts top and bottom so the head top keeps its share of the height
    (head_top, photo px; without it only the bottom, i.e. the shoulders, is cut).
    """
    h, w = photo.shape[:2]
    target = size_mm[0] / size_mm[1]
    if target < w / h:
        cw = max(1, round(h * target))
        cx = w / 2 if face_x is None else face_x
        x0 = round(min(max(cx - cw / 2, 0), w - cw))
        box = (x0, 0, x0 + cw, h)
    else:
        ch = max(1, round(w / target))
        top = 0.0 if head_top is None else head_top
        y0 = round(min(max(top * (1 - ch / h), 0), h - ch))
        box = (0, y0, w, y0 + ch)
    size_px = (mm_to_px(size_mm[0], dpi), mm_to_px(size_mm[1], dpi))
    img = Image.fromarray(photo).crop(box).resize(size_px, Image.Resampling.LANCZOS)
    return np.asarray(img)


def sheet_dpi(paper, vertical, dpi):
    """The photo's dpi, lowered only when the sheet would be unreasonably large."""
    pw, ph = paper_mm(paper, vertical)
    pixels = mm_to_px(pw, dpi) * mm_to_px(ph, dpi)
    if pixels <= MAX_SHEET_PIXELS:
        return dpi
    return int(dpi * (MAX_SHEET_PIXELS / pixels) ** 0.5)


def render_sheet(plan, photo, dpi, *, mix_photo=None, bg=(230, 230, 230), qr_data="", qr_px=None):
    """Paint the planned sheet at dpi: photo (and mix_photo) are RGB arrays at their exact pixel size."""
    width, height = mm_to_px(plan.paper_mm[0], dpi), mm_to_px(plan.paper_mm[1], dpi)
    sheet = Image.new("RGB", (width, height), tuple(bg))
    reach_mm = max(plan.gap, plan.margin)
    if reach_mm > 0:
        draw_cut_marks(ImageDraw.Draw(sheet), plan.slots, dpi, min(reach_mm, GAP_MM), cut_colour(bg))
    tiles = {"main": Image.fromarray(photo)}
    if mix_photo is not None:
        tiles["mix"] = Image.fromarray(mix_photo)
    for slot in plan.slots:
        tile = tiles[slot.kind]
        if slot.rotated:
            tile = tile.transpose(Image.Transpose.ROTATE_90)
        x0, y0, _, _ = px_rect(slot.rect, dpi)
        sheet.paste(tile, (x0, y0))
    qr = plan.qr_rect()
    if qr is not None and qr_data:
        code = render_qr(qr_data, qr_px or mm_to_px(qr.w, dpi))
        x0, y0, x1, y1 = px_rect(qr, dpi)
        sheet.paste(code, (x0 + (x1 - x0 - code.width) // 2, y0 + (y1 - y0 - code.height) // 2))
    label = plan.label_rect()
    if label is not None:
        draw_label(sheet, label, plan.extras.label_lines, plan.extras.font_mm, dpi)
    return sheet


def sheet_bytes(sheet, dpi, fmt="png", quality=None):
    """The sheet as PNG or JPEG (the photo's format), with the dpi in the file's header."""
    buf = io.BytesIO()
    if fmt == "jpg":
        # Full chroma: cut marks and label text are thin lines that 4:2:0 would smear.
        sheet.save(buf, "JPEG", quality=quality or SHEET_JPEG_QUALITY, subsampling=0, dpi=(dpi, dpi))
    else:
        sheet.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()
