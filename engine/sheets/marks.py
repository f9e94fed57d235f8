"""What a sheet carries besides the photos: cut marks, the QR code and the label."""

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .plan import GAP_MM, MARGIN_MM, Extras, Rect, mm_to_px, px_rect, px_to_mm

DEFAULT_QR_MM = 20.0
MIN_QR_MODULE_MM = 0.3
LABEL_FONT_MM = 3.5  # em size, about 10 pt: readable on a print
LABEL_MIN_FONT_MM = 2.5  # about 7 pt, the smallest we shrink a long label to
LABEL_LINE_SPACING = 1.25
LABEL_INK = (34, 34, 34)


@lru_cache(maxsize=16)
def qr_matrix(data):
    """The QR code's modules, quiet zone included (True = dark)."""
    import segno

    code = segno.make(data, error="m", micro=False)
    return np.array([[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=4)], dtype=bool)


def qr_size_mm(data, requested_px, dpi):
    """The QR square's side: as requested (in photo pixels), else DEFAULT_QR_MM; always >= 1 px per module,
    and by default large enough for modules of MIN_QR_MODULE_MM, which phone cameras read on paper."""
    modules = qr_matrix(data).shape[0]
    if requested_px:
        return px_to_mm(max(requested_px, modules), dpi)
    return max(DEFAULT_QR_MM, modules * MIN_QR_MODULE_MM, px_to_mm(modules, dpi))


def render_qr(data, size_px):
    """A crisp QR code: whole-pixel modules (at least 1 px) centred on a white square of size_px."""
    matrix = qr_matrix(data)
    module = max(1, size_px // matrix.shape[0])
    pixels = np.where(np.kron(matrix, np.ones((module, module), dtype=bool)), 0, 255).astype(np.uint8)
    side = max(size_px, pixels.shape[0])
    square = np.full((side, side), 255, dtype=np.uint8)
    off = (side - pixels.shape[0]) // 2
    square[off : off + pixels.shape[0], off : off + pixels.shape[1]] = pixels
    return Image.fromarray(square, "L").convert("RGB")


@lru_cache(maxsize=16)
def label_font(size_px):
    """Noto Sans CJK SC, regular weight (the variable font's default is Thin, too faint on paper)."""
    size_px = max(4, int(size_px))
    try:  # the engine's shared font loader
        from .fonts import REGULAR, cjk_font

        return cjk_font(size_px, weight=REGULAR)
    except ImportError:
        pass
    import manimgx_fonts_cjk

    path = Path(manimgx_fonts_cjk.__file__).parent / "NotoSansCJK-VF.otf.ttc"
    font = ImageFont.truetype(str(path), size_px, index=2)  # face 2: Simplified Chinese, Latin included
    font.set_variation_by_axes([400])
    return font


def _text_width_mm(text, font_mm):
    measure_px = 200  # measure at a fixed size and scale: widths are proportional to the em size
    return label_font(measure_px).getlength(text) / measure_px * font_mm


def wrap_lines(lines, width_mm, font_mm):
    """Greedy wrap: at spaces for words, anywhere between CJK characters (or inside a too-long word)."""
    out = []
    for line in lines:
        current = ""
        for token in _tokens(line):
            trial = current + token
            if current and _text_width_mm(trial.rstrip(), font_mm) > width_mm:
                out.append(current.rstrip())
                current = token.lstrip()
            else:
                current = trial
        out.append(current.rstrip())
    return out


def _tokens(line):
    tokens, word = [], ""
    for ch in line:
        if ch == " ":
            tokens.append(word + ch)
            word = ""
        elif ord(ch) > 0x2E7F:  # CJK and other wide scripts break between characters
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def label_block(lines, font_mm):
    """Size in mm of the lines drawn from their ascender line (ascent + descent is about 1.45 em)."""
    width = max((_text_width_mm(line, font_mm) for line in lines), default=0.0)
    measure_px = 200
    ascent, descent = label_font(measure_px).getmetrics()
    height = font_mm * (LABEL_LINE_SPACING * (len(lines) - 1) + (ascent + descent) / measure_px)
    return width, height


def extras_options(qr_mm, label_text, photo_mm, paper_w_mm, strip_widths=()):
    """Shapes of the QR/label block, best first: QR beside the label, stacked, label wrapped, smaller font.

    strip_widths: widths of empty strips beside the photo grid, worth wrapping the label to."""
    lines = label_text.split("\n") if label_text.strip() else []
    if not qr_mm and not lines:
        return []
    if not lines:
        return [Extras(qr_mm, qr_mm, qr=Rect(0, 0, qr_mm, qr_mm))]
    widths = [max(photo_mm[0], qr_mm or 0), photo_mm[0] * 2 + GAP_MM, paper_w_mm - 2 * MARGIN_MM]
    widths += [w for w in sorted(set(strip_widths), reverse=True) if w >= (qr_mm or 10)] + [qr_mm or 20.0]
    # Preference: the caller's lines as given at 3.5 or 3 mm, then wrapped, then the smallest font.
    tries = [(font, None) for font in (LABEL_FONT_MM, 3.0)]
    tries += [(font, width) for font in (LABEL_FONT_MM, 3.0) for width in widths]
    tries += [(LABEL_MIN_FONT_MM, width) for width in [None] + widths]
    options = []
    for font_mm, width in tries:
        wrapped = tuple(lines if width is None else wrap_lines(lines, width, font_mm))
        options += _block_shapes(qr_mm, wrapped, font_mm)
    return options


def _block_shapes(qr_mm, lines, font_mm):
    """The label alone, or the QR code beside it, or the QR code above it."""
    lw, lh = label_block(lines, font_mm)
    if not qr_mm:
        return [Extras(lw, lh, label=Rect(0, 0, lw, lh), label_lines=lines, font_mm=font_mm)]
    side_w, side_h = qr_mm + GAP_MM + lw, max(qr_mm, lh)
    stack_w, stack_h = max(qr_mm, lw), qr_mm + GAP_MM + lh
    return [
        Extras(
            side_w,
            side_h,
            qr=Rect(0, (side_h - qr_mm) / 2, qr_mm, qr_mm),
            label=Rect(qr_mm + GAP_MM, (side_h - lh) / 2, lw, lh),
            label_lines=lines,
            font_mm=font_mm,
        ),
        Extras(
            stack_w,
            stack_h,
            qr=Rect((stack_w - qr_mm) / 2, 0, qr_mm, qr_mm),
            label=Rect((stack_w - lw) / 2, qr_mm + GAP_MM, lw, lh),
            label_lines=lines,
            font_mm=font_mm,
        ),
    ]


# ---------------------------------------------------------------------------------------------- drawing


def cut_colour(bg):
    luminance = 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]
    shift = -70 if luminance > 110 else 70
    return tuple(int(min(255, max(0, c + shift))) for c in bg)


def draw_cut_marks(draw, slots, dpi, reach_mm, colour):
    """1 px lines continuing each photo edge into the gap around it (painted before the photos)."""
    reach = max(2, mm_to_px(reach_mm, dpi))
    for slot in slots:
        x0, y0, x1, y1 = px_rect(slot.rect, dpi)
        for x in (x0 - 1, x1):
            draw.line([(x, y0 - reach), (x, y0 - 1)], fill=colour)
            draw.line([(x, y1), (x, y1 + reach - 1)], fill=colour)
        for y in (y0 - 1, y1):
            draw.line([(x0 - reach, y), (x0 - 1, y)], fill=colour)
            draw.line([(x1, y), (x1 + reach - 1, y)], fill=colour)


def draw_label(sheet, rect, lines, font_mm, dpi):
    draw = ImageDraw.Draw(sheet)
    font = label_font(mm_to_px(font_mm, dpi))
    x0, y0, x1, _ = px_rect(rect, dpi)
    step = font_mm * LABEL_LINE_SPACING
    for i, line in enumerate(lines):
        width = font.getlength(line)
        x = x0 + ((x1 - x0) - width) / 2  # centred lines
        y = y0 + mm_to_px(i * step, dpi)
        draw.text((x, y), line, font=font, fill=LABEL_INK, anchor="la")
