"""The framing solver: pure 2-D geometry, no images.

The output is the source scaled by `s` and shifted: out_y = s * src_y + ty (and out_x = s * src_x + tx, with
tx chosen to centre the face). Every requested quantity is linear in (s, ty):

    face_width  = s * face_width_src          face_height = s * (chin_y - crown_y)
    head_top    = s * crown_y + ty            chin_top    = s * chin_y + ty
    eyes_top    = s * eyes_y + ty

so each bound (exact, min or max) is a half-plane in the (s, ty) plane. The feasible set is their
intersection, a convex polygon, found by clipping a large box with each half-plane. We pick its centroid
(the middle of what is feasible). When the caller's constraints leave the framing open in some direction,
the default head-and-shoulders band (DEFAULT_BAND) closes it. A caller's bound narrows the band rather than
replacing it: each band quantity (face height, then head top) is clipped to what the caller's bounds allow,
and where the band lies entirely outside that, the nearest allowed value is taken, so a lone
`max_face_width` makes the face exactly as large as allowed and leaves the head top in its band.

The photo's own edges are quantities too (`photo_top` = where the source's top edge lands, and so on). A
source edge that the person runs off (the shoulders at the bottom, an arm at a side) would show inside the
output as a straight cut, so those edges are *preferred* outside the output: used when they fit the other
bounds, dropped otherwise (the geometry stage then measures the cut and refuses it).
"""

from dataclasses import dataclass
from itertools import combinations

# Default framing of a head-and-shoulders ID photo, as fractions of the output height: the face (crown to
# chin) takes 60-70% and the crown sits 8-12% below the top edge. A 35x45 mm photo with this band has a
# 27-31.5 mm head and 3.6-5.4 mm above it; the shoulders fill the bottom fifth.
DEFAULT_BAND = {"face_height": (0.60, 0.70), "head_top": (0.08, 0.12)}
# How far the default band may stretch to keep a photo edge the person runs off (a close-up whose shoulders
# end at the bottom of the photo) out of the output: a larger head, up to the 80% of the ICAO 35x45 band.
STRETCHED_BAND = {"face_height": (0.60, 0.80), "head_top": (0.05, 0.12)}
EXACT_TOLERANCE = 0.5  # px: an exact integer request is met when it rounds to the value
S_MIN, S_MAX, T_LIMIT = 1e-4, 1e3, 1e7  # the starting box; reaching its sides means "unbounded"


@dataclass(frozen=True)
class SourceGeometry:
    """Measured in the (levelled) source photo, in source pixels."""

    face_width: float
    crown_y: float
    chin_y: float
    eyes_y: float
    face_cx: float
    source_width: float = 0.0  # the (levelled) photo's size; 0 when unknown (edges then unused)
    source_height: float = 0.0

    @property
    def face_height(self):
        return self.chin_y - self.crown_y

    def form(self, name):
        """(coefficient of s, coefficient of ty) of a quantity.

        The photo's edges: `photo_top` and `photo_bottom` are the output rows its top and bottom edges land
        on; tx centres the face (tx = width / 2 - s * face_cx), so the side edges stay outside the output
        when `photo_left` = s * face_cx and `photo_right` = s * (source_width - face_cx) are >= width / 2.
        """
        return {
            "face_width": (self.face_width, 0.0),
            "face_height": (self.face_height, 0.0),
            "head_top": (self.crown_y, 1.0),
            "chin_top": (self.chin_y, 1.0),
            "eyes_top": (self.eyes_y, 1.0),
            "photo_top": (0.0, 1.0),
            "photo_bottom": (self.source_height, 1.0),
            "photo_left": (self.face_cx, 0.0),
            "photo_right": (self.source_width - self.face_cx, 0.0),
        }[name]

    def value(self, name, scale, ty):
        a, b = self.form(name)
        return a * scale + b * ty


@dataclass(frozen=True)
class Bound:
    """low <= quantity <= high (either side may be None). `implicit` bounds come from the output size."""

    name: str
    low: float | None
    high: float | None
    implicit: str = ""

    def describe(self):
        if self.implicit:
            return self.implicit
        if self.low is not None and self.low == self.high:
            return f"{self.name} = {_num(self.low)} px"
        if self.low is not None and self.high is not None:
            return f"{self.name} {_num(self.low)}-{_num(self.high)} px"
        if self.low is not None:
            return f"{self.name} >= {_num(self.low)} px"
        return f"{self.name} <= {_num(self.high)} px"


@dataclass(frozen=True)
class Solution:
    scale: float
    tx: float
    ty: float
    used_default: bool  # the default band decided part of the framing

    def value(self, geometry, name):
        return geometry.value(name, self.scale, self.ty)


class Infeasible(Exception):
    """The bounds contradict each other; `bounds` is a smallest contradicting subset."""

    def __init__(self, message, bounds):
        super().__init__(message)
        self.message = message
        self.bounds = bounds


def _num(value):
    return f"{value:g}"


def caller_bounds(constraints):
    """Bounds from Params.constraints (name -> (low, high)); exact values get a rounding tolerance."""
    return [Bound(name, low, high) for name, (low, high) in constraints.items()]


CROWN_CUT_BOUND = (
    "the photo's top edge at or above the output's (the top of the head is cut off in the photo)"
)


def implicit_bounds(width, height, crown_known=True):
    """What every ID photo needs whatever was asked: the face inside the output, and a head whose top is cut
    off in the photo never showing its flat cut (the photo's top edge stays at or above the output's)."""
    size = f"{width}x{height} px"
    bounds = [
        Bound("chin_top", None, height, implicit=f"the chin inside the {size} output (chin_top <= {height})"),
        Bound(
            "face_width", None, width, implicit=f"the face inside the {size} output (face_width <= {width})"
        ),
    ]
    if crown_known:
        bounds.append(
            Bound("head_top", 0, None, implicit="the top of the head inside the output (head_top >= 0)")
        )
    else:
        bounds.append(Bound("photo_top", None, 0, implicit=CROWN_CUT_BOUND))
    return bounds


def edge_bounds(width, height, edges):
    """Bounds that keep the named photo edges ("bottom", "left", "right") outside the output."""
    wanted = {
        "bottom": Bound("photo_bottom", height, None, implicit="the photo's bottom edge below the output"),
        "left": Bound("photo_left", width / 2, None, implicit="the photo's left edge outside the output"),
        "right": Bound("photo_right", width / 2, None, implicit="the photo's right edge outside the output"),
    }
    return [wanted[edge] for edge in edges]


def default_bounds(height, band=None):
    return [
        Bound(name, round(low * height, 2), round(high * height, 2), implicit=f"default {name}")
        for name, (low, high) in (band or DEFAULT_BAND).items()
    ]


def solve(geometry, constraints, width, height, crown_known=True, keep_out=()):
    """Scale and offsets that meet every bound, from the middle of what is feasible. Raises Infeasible.

    `keep_out` names photo edges the person runs off ("bottom", "left", "right"): kept outside the output
    when that fits everything else.
    """
    asked = caller_bounds(constraints)
    hard = asked + implicit_bounds(width, height, crown_known)
    if not feasible_polygon(geometry, hard):
        conflict = smallest_conflict(geometry, hard)
        raise Infeasible(explain(geometry, conflict), conflict)
    # The caller's own bounds leave the framing open (scale or position undecided): the default band decides.
    used_default = _touches_box(feasible_polygon(geometry, asked))
    bands = [hard]
    if used_default:
        bands = [
            narrowed_by_default_band(geometry, hard, height, band) for band in (DEFAULT_BAND, STRETCHED_BAND)
        ]
    polygon = _keeping_edges_out(geometry, bands, edge_bounds(width, height, keep_out))
    scale, ty = centroid(polygon)
    tx = width / 2 - scale * geometry.face_cx
    return Solution(scale=scale, tx=tx, ty=ty, used_default=used_default)


def _keeping_edges_out(geometry, candidates, edges):
    """The first candidate's polygon with all the edges kept out, else with as many as fit (the first
    candidate before a stretched one), else the first candidate's polygon as it is."""
    for count in range(len(edges), 0, -1):
        for bounds in candidates:
            for subset in combinations(edges, count):
                if polygon := feasible_polygon(geometry, bounds + list(subset)):
                    return polygon
    return feasible_polygon(geometry, candidates[0])


def narrowed_by_default_band(geometry, hard, height, band=None):
    """`hard` plus the default band, each band quantity clipped to what the bounds so far allow.

    Where the band lies entirely outside the allowed range the nearest allowed value is taken: only the side
    the caller asked for moves, and the framing stays as close to the default as the caller lets it.
    """
    bounds = list(hard)
    # Position first: a bound on the chin or the eyes then shrinks the face under a head top kept in its band
    # (moving the head up instead would push the crown against the top edge).
    for part in sorted(default_bounds(height, band), key=lambda b: b.name != "head_top"):
        low, high = value_range(geometry, part.name, feasible_polygon(geometry, bounds))
        bounds.append(
            Bound(part.name, min(max(part.low, low), high), max(min(part.high, high), low), part.implicit)
        )
    return bounds


def value_range(geometry, name, polygon):
    """(lowest, highest) value of a quantity over a polygon (linear, so reached at vertices)."""
    values = [geometry.value(name, s, ty) for s, ty in polygon]
    return min(values), max(values)


def half_planes(geometry, bound):
    """(a, b, c) with a*s + b*ty <= c for each side of a bound."""
    a, b = geometry.form(bound.name)
    low, high = bound.low, bound.high
    if low is not None and low == high:
        low, high = low - EXACT_TOLERANCE, high + EXACT_TOLERANCE
    planes = []
    if high is not None:
        planes.append((a, b, float(high)))
    if low is not None:
        planes.append((-a, -b, -float(low)))
    return planes


def feasible_polygon(geometry, bounds):
    """Vertices (s, ty) of the feasible convex polygon, or [] if the bounds contradict each other."""
    polygon = [(S_MIN, -T_LIMIT), (S_MAX, -T_LIMIT), (S_MAX, T_LIMIT), (S_MIN, T_LIMIT)]
    for bound in bounds:
        for plane in half_planes(geometry, bound):
            polygon = clip(polygon, plane)
            if not polygon:
                return []
    return polygon


def clip(polygon, plane):
    """Sutherland-Hodgman: the part of a convex polygon where a*s + b*ty <= c."""
    a, b, c = plane
    scale = max(abs(a), abs(b), 1e-12)
    tolerance = 1e-9 * max(1.0, abs(c) / scale) * scale

    def excess(p):
        return a * p[0] + b * p[1] - c

    out = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        e_cur, e_prev = excess(current), excess(previous)
        if e_cur <= tolerance:
            if e_prev > tolerance:
                out.append(_crossing(previous, current, e_prev, e_cur))
            out.append(current)
        elif e_prev <= tolerance:
            out.append(_crossing(previous, current, e_prev, e_cur))
    return _dedupe(out)


def _crossing(p, q, e_p, e_q):
    t = e_p / (e_p - e_q)
    return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))


def _dedupe(points):
    out = []
    for p in points:
        if not out or abs(p[0] - out[-1][0]) > 1e-12 or abs(p[1] - out[-1][1]) > 1e-9:
            out.append(p)
    if len(out) > 1 and abs(out[0][0] - out[-1][0]) <= 1e-12 and abs(out[0][1] - out[-1][1]) <= 1e-9:
        out.pop()
    return out


def _touches_box(polygon):
    return any(s >= S_MAX * 0.999 or s <= S_MIN * 1.001 or abs(t) >= T_LIMIT * 0.999 for s, t in polygon)


def centroid(polygon):
    """Area centroid; for a degenerate polygon (a segment or point), the middle of its extent."""
    area = cx = cy = 0.0
    for i, (x1, y1) in enumerate(polygon):
        x0, y0 = polygon[i - 1]
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    extent_s = max(p[0] for p in polygon) - min(p[0] for p in polygon)
    extent_t = max(p[1] for p in polygon) - min(p[1] for p in polygon)
    if abs(area) <= 1e-9 * max(extent_s * extent_t, 1e-12) or len(polygon) < 3:
        first, second = max(((p, q) for p in polygon for q in polygon), key=lambda pq: _dist2(*pq))
        return ((first[0] + second[0]) / 2, (first[1] + second[1]) / 2)
    return (cx / (3 * area), cy / (3 * area))


def _dist2(p, q):
    # s and ty have very different units: compare in ty units with s scaled up.
    return ((p[0] - q[0]) * 1e4) ** 2 + (p[1] - q[1]) ** 2


def smallest_conflict(geometry, bounds):
    """A smallest subset of bounds with no common solution (caller's bounds preferred over implicit ones)."""
    ordered = sorted(bounds, key=lambda b: bool(b.implicit))
    for size in range(1, len(ordered) + 1):
        for subset in combinations(ordered, size):
            if not feasible_polygon(geometry, list(subset)):
                return list(subset)
    return ordered


def explain(geometry, conflict):
    """A sentence naming the contradicting bounds, with the photo's proportions when they are the reason."""
    names = "; ".join(b.describe() for b in conflict)
    message = f"These requirements cannot all be met with this photo: {names}."
    kinds = {b.name for b in conflict}
    if kinds == {"face_width", "face_height"}:
        ratio = geometry.face_height / geometry.face_width
        message += (
            f" In this photo the face (chin to top of head) is {ratio:.2f} times as tall as it is wide."
        )
    elif len(kinds & {"head_top", "chin_top", "eyes_top", "face_height"}) > 1:
        eyes = (geometry.eyes_y - geometry.crown_y) / geometry.face_height
        message += (
            f" In this photo the eyes are {eyes:.0%} of the face height below the top of the head"
            " (the chin is at 100%)."
        )
    return message
