"""Print sheets: pack copies of an ID photo on paper, render the sheet at the photo's dpi, write PNG and PDF.

Everything is planned in millimetres and only turned into pixels when rendering, so a 35x45 mm photo is
35x45 mm on the printed sheet (at 100 % scale) whatever the dpi. This module is pure: numpy arrays and
Pillow in, bytes and dicts out; the `layout` stage feeds it from a Context.

Packing rules (see docs/layout.md):
- MARGIN_MM of blank paper along every edge (printers rarely print to the edge), GAP_MM between photos
  (room for scissors and the cut marks); callers may change both (0 and 0 for a borderless print);
- the photo is rotated by 90 degrees on paper only when the caller allows it;
- the QR code and the label form one block placed in the bottom-right corner of the printable area:
  photos that block would touch are left out, and the layout that keeps the most photos wins;
- a mixed sheet puts whole rows (or columns) of the main size first and fills the rest with the second size.
"""

import io
import zlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .units import MM_PER_INCH

PT_PER_INCH = 72.0
# Paper (short side, long side) in mm.
PAPERS_MM = {
    "5inch": (3.5 * MM_PER_INCH, 5 * MM_PER_INCH),
    "6inch": (4 * MM_PER_INCH, 6 * MM_PER_INCH),
    "5x7": (5 * MM_PER_INCH, 7 * MM_PER_INCH),
    "a4": (210.0, 297.0),
    "letter": (8.5 * MM_PER_INCH, 11 * MM_PER_INCH),
}
MARGIN_MM = 2.0  # blank border on every side of the sheet
GAP_MM = 2.0  # space between two photos, and between photos and the QR/label block
DEFAULT_QR_MM = 20.0
MIN_QR_MODULE_MM = 0.3
LABEL_FONT_MM = 3.5  # em size, about 10 pt: readable on a print
LABEL_MIN_FONT_MM = 2.5  # about 7 pt, the smallest we shrink a long label to
LABEL_LINE_SPACING = 1.25
LABEL_INK = (34, 34, 34)
MAX_SHEET_PIXELS = 40_000_000  # an A4 sheet at 600 dpi is 35 Mpx; above this the sheet dpi is lowered
EPS = 1e-6


def mm_to_px(mm, dpi):
    return int(round(mm / MM_PER_INCH * dpi))


def px_to_mm(px, dpi):
    return px * MM_PER_INCH / dpi


def paper_mm(size, vertical):
    """(width, height) of the sheet in mm: landscape (long side horizontal) unless vertical."""
    short, long = PAPERS_MM[size]
    return (short, long) if vertical else (long, short)


# ---------------------------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self):
        return self.x + self.w

    @property
    def bottom(self):
        return self.y + self.h

    def moved(self, dx, dy):
        return replace(self, x=self.x + dx, y=self.y + dy)

    def overlaps(self, other, clearance=0.0):
        return (
            self.x < other.right + clearance - EPS
            and other.x < self.right + clearance - EPS
            and self.y < other.bottom + clearance - EPS
            and other.y < self.bottom + clearance - EPS
        )


@dataclass(frozen=True)
class Slot:
    """One photo on the sheet (mm, sheet coordinates once planned)."""

    rect: Rect
    kind: str  # "main" or "mix"
    rotated: bool


@dataclass(frozen=True)
class Extras:
    """The QR code and the label as one block; qr and label are relative to the block's top-left corner."""

    w: float
    h: float
    qr: Rect | None = None
    label: Rect | None = None
    label_lines: tuple = ()
    font_mm: float = 0.0


@dataclass
class Plan:
    paper: str
    paper_mm: tuple
    slots: list
    extras: Extras | None = None
    extras_at: Rect | None = None  # where the block sits on the sheet
    counts: dict = field(default_factory=dict)
    margin: float = MARGIN_MM
    gap: float = GAP_MM

    def qr_rect(self):
        if self.extras is None or self.extras.qr is None:
            return None
        return self.extras.qr.moved(self.extras_at.x, self.extras_at.y)

    def label_rect(self):
        if self.extras is None or self.extras.label is None:
            return None
        return self.extras.label.moved(self.extras_at.x, self.extras_at.y)


def grid_fit(area_w, area_h, w, h, gap=GAP_MM):
    """How many columns and rows of w x h fit in an area with `gap` between neighbours."""
    if w > area_w + EPS or h > area_h + EPS:
        return 0, 0
    return int((area_w + gap + EPS) // (w + gap)), int((area_h + gap + EPS) // (h + gap))


def _grid(x0, y0, cols, rows, w, h, kind, rotated, gap=GAP_MM):
    return [
        Slot(Rect(x0 + c * (w + gap), y0 + r * (h + gap), w, h), kind, rotated)
        for r in range(rows)
        for c in range(cols)
    ]


def _orientations(size_mm, allow_rotate):
    w, h = size_mm
    options = [(w, h, False)]
    if allow_rotate and abs(w - h) > EPS:
        options.append((h, w, True))
    return options


def _single_layouts(area, size_mm, allow_rotate, gap):
    for w, h, rotated in _orientations(size_mm, allow_rotate):
        cols, rows = grid_fit(area.w, area.h, w, h, gap)
        yield _grid(area.x, area.y, cols, rows, w, h, "main", rotated, gap), None


def _mixed_layouts(area, main_mm, mix_mm, allow_rotate, gap):
    """Bands: n rows (or columns) of the main size from the top (left), the second size in what is left."""
    for mw, mh, m_rot in _orientations(main_mm, allow_rotate):
        for xw, xh, x_rot in _orientations(mix_mm, allow_rotate):
            cols, rows = grid_fit(area.w, area.h, mw, mh, gap)
            for n in range(rows + 1):
                used = n * (mh + gap)
                rest = Rect(area.x, area.y + used, area.w, area.h - used)
                c2, r2 = grid_fit(rest.w, rest.h, xw, xh, gap)
                yield _grid(area.x, area.y, cols, n, mw, mh, "main", m_rot, gap) + _grid(
                    rest.x, rest.y, c2, r2, xw, xh, "mix", x_rot, gap
                ), "rows"
            for n in range(cols + 1):
                used = n * (mw + gap)
                rest = Rect(area.x + used, area.y, area.w - used, area.h)
                c2, r2 = grid_fit(rest.w, rest.h, xw, xh, gap)
                yield _grid(area.x, area.y, n, rows, mw, mh, "main", m_rot, gap) + _grid(
                    rest.x, rest.y, c2, r2, xw, xh, "mix", x_rot, gap
                ), "cols"


def _counts(slots):
    return {"main": sum(s.kind == "main" for s in slots), "mix": sum(s.kind == "mix" for s in slots)}


def _score(slots, mixed):
    counts = _counts(slots)
    rotated = sum(s.rotated for s in slots)
    if mixed:  # some of each size first, then as many photos as possible
        return (min(counts["main"], counts["mix"]), counts["main"] + counts["mix"], -rotated)
    return (counts["main"], -rotated)


def _place_extras(area, slots, extras):
    """Put the block in the bottom-right corner of the area; drop the photos it would touch."""
    at = Rect(area.right - extras.w, area.bottom - extras.h, extras.w, extras.h)
    if at.x < area.x - EPS or at.y < area.y - EPS:
        return None, None
    kept = [s for s in slots if not s.rect.overlaps(at, GAP_MM)]
    return kept, at


def _snug_block(area, slots, at):
    """Move the block from its corner next to the photos: centred in the room the missing photos left, or
    under/beside the grid, so that photos and block can then be centred on the sheet as one group."""
    if not slots:
        return at
    photos = _bbox([s.rect for s in slots])
    beside = [s.rect.right for s in slots if s.rect.y < at.bottom and s.rect.bottom > at.y]
    if beside:
        left = max(beside) + GAP_MM
        right = max(photos.right, left + at.w)
    else:
        left, right = photos.x, photos.right
    x = left + (right - left - at.w) / 2
    above = [s.rect.bottom for s in slots if s.rect.x < x + at.w and s.rect.right > x]
    if above:
        top = max(above) + GAP_MM
        bottom = max(photos.bottom, top + at.h)
    else:
        top, bottom = photos.y, photos.bottom
    y = top + (bottom - top - at.h) / 2
    # Beside the photos, keep off the paper edge; centred on them, the final centring of the group does that.
    if beside:
        x = min(max(x, area.x), area.right - at.w)
    if above:
        y = min(max(y, area.y), area.bottom - at.h)
    snug = Rect(x, y, at.w, at.h)
    if any(s.rect.overlaps(snug, GAP_MM) for s in slots):
        return at
    return snug


def _bbox(rects):
    x0 = min(r.x for r in rects)
    y0 = min(r.y for r in rects)
    return Rect(x0, y0, max(r.right for r in rects) - x0, max(r.bottom for r in rects) - y0)


def _centre(area, slots, at):
    """Shift photos (and the block) together so their bounding box is centred on the sheet."""
    rects = [s.rect for s in slots] + ([at] if at is not None else [])
    if not rects:
        return slots, at
    box = _bbox(rects)
    dx = area.x + (area.w - box.w) / 2 - box.x
    dy = area.y + (area.h - box.h) / 2 - box.y
    slots = [replace(s, rect=s.rect.moved(dx, dy)) for s in slots]
    return slots, (at.moved(dx, dy) if at is not None else None)


def _centre_bands(area, slots, at, bands):
    """On a mixed sheet each size's band is centred on its own (in the room beside the block, if any)."""
    out = []
    for kind in ("main", "mix"):
        group = [s for s in slots if s.kind == kind]
        if not group:
            continue
        box = _bbox([s.rect for s in group])
        if bands == "rows":
            lo, hi = area.x, area.right
            if at is not None and at.y < box.bottom and at.bottom > box.y:
                hi = at.x - GAP_MM
            shift = (lo + (hi - lo - box.w) / 2 - box.x, 0.0) if hi - lo >= box.w - EPS else (0.0, 0.0)
        else:
            lo, hi = area.y, area.bottom
            if at is not None and at.x < box.right and at.right > box.x:
                hi = at.y - GAP_MM
            shift = (0.0, lo + (hi - lo - box.h) / 2 - box.y) if hi - lo >= box.h - EPS else (0.0, 0.0)
        out += [replace(s, rect=s.rect.moved(*shift)) for s in group]
    return out


def plan_sheet(
    paper,
    vertical,
    photo_mm,
    *,
    mix_mm=None,
    allow_rotate=False,
    extras_options=(),
    margin=MARGIN_MM,
    gap=GAP_MM,
):
    """Choose the layout with the most photos. extras_options: shapes of the QR/label block, best first."""
    pw, ph = paper_mm(paper, vertical)
    area = Rect(margin, margin, pw - 2 * margin, ph - 2 * margin)
    mixed = mix_mm is not None
    if mixed:
        layouts = list(_mixed_layouts(area, photo_mm, mix_mm, allow_rotate, gap))
    else:
        layouts = list(_single_layouts(area, photo_mm, allow_rotate, gap))
    # The QR code and label keep at least the default margin from the paper edge, even on a borderless sheet.
    inset = max(margin, MARGIN_MM)
    block_area = Rect(inset, inset, pw - 2 * inset, ph - 2 * inset)
    best = None
    for slots, bands in layouts:
        for rank, extras in enumerate(list(extras_options) + [None]):
            kept, at = (slots, None) if extras is None else _place_extras(block_area, slots, extras)
            if kept is None:
                continue
            # The QR code and label cost copies when they must, but never the last copy.
            key = (len(kept) > 0, extras is not None) + _score(kept, mixed) + (-rank,)
            if best is None or key > best[0]:
                best = (key, kept, extras, at, bands)
    _, slots, extras, at, bands = best
    if at is not None:
        at = _snug_block(block_area, slots, at)
    slots, at = _centre(area, slots, at)
    if bands is not None:
        slots = _centre_bands(area, slots, at, bands)
    return Plan(paper, (pw, ph), slots, extras if at is not None else None, at, _counts(slots), margin, gap)


# ------------------------------------------------------------------------------------- QR code and label


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


# ------------------------------------------------------------------------------------------ photo sizes


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
        cw = max(1, int(round(h * target)))
        cx = w / 2 if face_x is None else face_x
        x0 = int(round(min(max(cx - cw / 2, 0), w - cw)))
        box = (x0, 0, x0 + cw, h)
    else:
        ch = max(1, int(round(w / target)))
        top = 0.0 if head_top is None else head_top
        y0 = int(round(min(max(top * (1 - ch / h), 0), h - ch)))
        box = (0, y0, w, y0 + ch)
    size_px = (mm_to_px(size_mm[0], dpi), mm_to_px(size_mm[1], dpi))
    img = Image.fromarray(photo).crop(box).resize(size_px, Image.Resampling.LANCZOS)
    return np.asarray(img)


# ------------------------------------------------------------------------------------------- rendering


def _cut_colour(bg):
    luminance = 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]
    shift = -70 if luminance > 110 else 70
    return tuple(int(min(255, max(0, c + shift))) for c in bg)


def _px_rect(rect, dpi):
    x0, y0 = mm_to_px(rect.x, dpi), mm_to_px(rect.y, dpi)
    return x0, y0, x0 + mm_to_px(rect.w, dpi), y0 + mm_to_px(rect.h, dpi)


def _draw_cut_marks(draw, slots, dpi, reach_mm, colour):
    """1 px lines continuing each photo edge into the gap around it (painted before the photos)."""
    reach = max(2, mm_to_px(reach_mm, dpi))
    for slot in slots:
        x0, y0, x1, y1 = _px_rect(slot.rect, dpi)
        for x in (x0 - 1, x1):
            draw.line([(x, y0 - reach), (x, y0 - 1)], fill=colour)
            draw.line([(x, y1), (x, y1 + reach - 1)], fill=colour)
        for y in (y0 - 1, y1):
            draw.line([(x0 - reach, y), (x0 - 1, y)], fill=colour)
            draw.line([(x1, y), (x1 + reach - 1, y)], fill=colour)


def _draw_label(sheet, rect, lines, font_mm, dpi):
    draw = ImageDraw.Draw(sheet)
    font = label_font(mm_to_px(font_mm, dpi))
    x0, y0, x1, _ = _px_rect(rect, dpi)
    step = font_mm * LABEL_LINE_SPACING
    for i, line in enumerate(lines):
        width = font.getlength(line)
        x = x0 + ((x1 - x0) - width) / 2  # centred lines
        y = y0 + mm_to_px(i * step, dpi)
        draw.text((x, y), line, font=font, fill=LABEL_INK, anchor="la")


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
        _draw_cut_marks(ImageDraw.Draw(sheet), plan.slots, dpi, min(reach_mm, GAP_MM), _cut_colour(bg))
    tiles = {"main": Image.fromarray(photo)}
    if mix_photo is not None:
        tiles["mix"] = Image.fromarray(mix_photo)
    for slot in plan.slots:
        tile = tiles[slot.kind]
        if slot.rotated:
            tile = tile.transpose(Image.Transpose.ROTATE_90)
        x0, y0, _, _ = _px_rect(slot.rect, dpi)
        sheet.paste(tile, (x0, y0))
    qr = plan.qr_rect()
    if qr is not None and qr_data:
        code = render_qr(qr_data, qr_px or mm_to_px(qr.w, dpi))
        x0, y0, x1, y1 = _px_rect(qr, dpi)
        sheet.paste(code, (x0 + (x1 - x0 - code.width) // 2, y0 + (y1 - y0 - code.height) // 2))
    label = plan.label_rect()
    if label is not None:
        _draw_label(sheet, label, plan.extras.label_lines, plan.extras.font_mm, dpi)
    return sheet


def png_bytes(sheet, dpi):
    buf = io.BytesIO()
    sheet.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def pdf_bytes(sheet, paper_mm_size, quality=95):
    """A one-page PDF whose page is exactly the paper size in points, the sheet image filling it."""
    buf = io.BytesIO()
    sheet.convert("RGB").save(buf, "JPEG", quality=quality, subsampling=0)
    jpeg = buf.getvalue()
    w_pt, h_pt = (v / MM_PER_INCH * PT_PER_INCH for v in paper_mm_size)
    content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
    content = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.4f} {h_pt:.4f}] "
            "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
        ).encode(),
        _stream(
            f"<< /Type /XObject /Subtype /Image /Width {sheet.width} /Height {sheet.height} "
            f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>",
            jpeg,
        ),
        _stream(f"<< /Filter /FlateDecode /Length {len(content)} >>", content),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _stream(header, data):
    return header.encode() + b"\nstream\n" + data + b"\nendstream"


# ----------------------------------------------------------------------------------------- one call


def make_sheet(
    photo,
    dpi,
    *,
    paper="6inch",
    vertical=False,
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
):
    """Plan and render a sheet for one photo (HxWx3 or HxWx4 uint8 at dpi): (png, pdf or None, info)."""
    photo = flatten_on_white(photo)
    use_dpi = sheet_dpi(paper, vertical, dpi)
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
    pw, ph = paper_mm(paper, vertical)
    strips = [
        pw - 2 * margin - grid_fit(pw - 2 * margin, ph - 2 * margin, w, h, gap)[0] * (w + gap) + gap - GAP_MM
        for w, h, _ in _orientations(photo_mm, allow_rotate)
    ]
    options = extras_options(qr_mm, label_text, photo_mm, pw, strips)
    plan = plan_sheet(
        paper,
        vertical,
        photo_mm,
        mix_mm=mix_mm,
        allow_rotate=allow_rotate,
        extras_options=options,
        margin=margin,
        gap=gap,
    )
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
    if use_dpi != dpi:
        info["dpi_lowered_from"] = dpi
    return png_bytes(sheet, use_dpi), (pdf_bytes(sheet, plan.paper_mm) if pdf else None), info


def sheet_info(plan, dpi, photo_mm, mix_mm, sheet_size):
    def r(v):
        return round(v, 2)

    def box_px(rect):
        return list(_px_rect(rect, dpi)) if rect is not None else None

    info = {
        "paper": plan.paper,
        "paper_mm": [r(v) for v in plan.paper_mm],
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
