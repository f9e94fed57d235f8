"""The framing solver: pure 2-D geometry, no images.

The output is the source scaled by `s` and shifted: out_y = s * src_y + ty (and out_x = s * src_x + tx, with
tx chosen to centre the face). Every requested quantity is linear in (s, ty):

    face_width  = s * face_width_src          face_height = s * (chin_y - crown_y)
    head_top    = s * crown_y + ty            chin_top    = s * chin_y + ty
    eyes_top    = s * eyes_y + ty

so each bound (exact, min or max) is a half-plane in the (s, ty) plane. The feasible set is their
intersection, a convex polygon, found by clipping a large box with each half-plane. We pick its centroid
(the middle of what is feasible). When the caller's constraints leave the framing open in some direction,
the default head-and-shoulders band (DEFAULT_BAND) closes it; if the default band contradicts the caller,
the caller wins and only the compatible part of the band is used.
"""

from dataclasses import dataclass
from itertools import combinations

# Default framing of a head-and-shoulders ID photo, as fractions of the output height: the face (crown to
# chin) takes 60-70% and the crown sits 8-12% below the top edge. A 35x45 mm photo with this band has a
# 27-31.5 mm head and 3.6-5.4 mm above it; the shoulders fill the bottom fifth.
DEFAULT_BAND = {"face_height": (0.60, 0.70), "head_top": (0.08, 0.12)}
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

    @property
    def face_height(self):
        return self.chin_y - self.crown_y

    def form(self, name):
        """(coefficient of s, coefficient of ty) of a quantity."""
        return {
            "face_width": (self.face_width, 0.0),
            "face_height": (self.face_height, 0.0),
            "head_top": (self.crown_y, 1.0),
            "chin_top": (self.chin_y, 1.0),
            "eyes_top": (self.eyes_y, 1.0),
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


def implicit_bounds(width, height, crown_known=True):
    """What every ID photo needs whatever was asked: the face inside the output."""
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
    return bounds


def default_bounds(height):
    return [
        Bound(name, round(low * height, 2), round(high * height, 2), implicit=f"default {name}")
        for name, (low, high) in DEFAULT_BAND.items()
    ]


def solve(geometry, constraints, width, height, crown_known=True):
    """Scale and offsets that meet every bound, from the middle of what is feasible. Raises Infeasible."""
    asked = caller_bounds(constraints)
    hard = asked + implicit_bounds(width, height, crown_known)
    polygon = feasible_polygon(geometry, hard)
    if not polygon:
        conflict = smallest_conflict(geometry, hard)
        raise Infeasible(explain(geometry, conflict), conflict)
    # The caller's own bounds leave the framing open (scale or position undecided): the default band decides.
    caller_polygon = feasible_polygon(geometry, asked)
    used_default = _touches_box(caller_polygon)
    if used_default:
        polygon = _with_default_band(geometry, hard, height) or polygon
    scale, ty = centroid(polygon)
    tx = width / 2 - scale * geometry.face_cx
    return Solution(scale=scale, tx=tx, ty=ty, used_default=used_default)


def _with_default_band(geometry, hard, height):
    band = default_bounds(height)
    # All of the band if the caller's bounds allow it, else the parts of it that fit (head position first).
    for subset in (
        band,
        [b for b in band if b.name == "head_top"],
        [b for b in band if b.name == "face_height"],
    ):
        polygon = feasible_polygon(geometry, hard + subset)
        if polygon and not _touches_box(polygon):
            return polygon
    return None


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
