"""Planning a sheet in millimetres: where each photo (and the QR/label block) goes on the paper.

Packing rules (see docs/layout.md):
- MARGIN_MM of blank paper along every edge (printers rarely print to the edge), GAP_MM between photos
  (room for scissors and the cut marks); callers may change both (0 and 0 for a borderless print);
- the photo is rotated by 90 degrees on paper only when the caller allows it;
- the QR code and the label form one block placed in the bottom-right corner of the printable area:
  photos that block would touch are left out, and the layout that keeps the most photos wins;
- a mixed sheet puts whole rows (or columns) of the main size first and fills the rest with the second size.
"""

from dataclasses import dataclass, field, replace

from ..units import MM_PER_INCH

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
EPS = 1e-6


def mm_to_px(mm, dpi):
    return round(mm / MM_PER_INCH * dpi)


def px_to_mm(px, dpi):
    return px * MM_PER_INCH / dpi


def paper_mm(size, vertical):
    """(width, height) of the sheet in mm: landscape (long side horizontal) unless vertical."""
    short, long = PAPERS_MM[size]
    return (short, long) if vertical else (long, short)


def px_rect(rect, dpi):
    """A planned rectangle (mm) as a pixel box (x0, y0, x1, y1) at dpi."""
    x0, y0 = mm_to_px(rect.x, dpi), mm_to_px(rect.y, dpi)
    return x0, y0, x0 + mm_to_px(rect.w, dpi), y0 + mm_to_px(rect.h, dpi)


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


def orientations(size_mm, allow_rotate):
    w, h = size_mm
    options = [(w, h, False)]
    if allow_rotate and abs(w - h) > EPS:
        options.append((h, w, True))
    return options


def _single_layouts(area, size_mm, allow_rotate, gap):
    for w, h, rotated in orientations(size_mm, allow_rotate):
        cols, rows = grid_fit(area.w, area.h, w, h, gap)
        yield _grid(area.x, area.y, cols, rows, w, h, "main", rotated, gap), None


def _mixed_layouts(area, main_mm, mix_mm, allow_rotate, gap):
    """Bands: n rows (or columns) of the main size from the top (left), the second size in what is left."""
    for mw, mh, m_rot in orientations(main_mm, allow_rotate):
        for xw, xh, x_rot in orientations(mix_mm, allow_rotate):
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
