"""The one object the stages pass along, and the result they produce.

Coordinates: `image`, `alpha` and `face` are in *source* pixels (after EXIF orientation and
after levelling the eyes). The geometry stage decides `transform` (source -> output) and from then on
`canvas_*` arrays are in *output* pixels.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from .params import Params


@dataclass
class Face:
    box: tuple  # (x0, y0, x1, y1) source px
    score: float
    landmarks: np.ndarray  # (478, 2) float32 source px, mediapipe face-mesh order
    eye_left: tuple  # iris centre on the image's left (the person's right eye)
    eye_right: tuple
    chin: tuple
    cheek_left: tuple
    cheek_right: tuple
    roll_deg: float  # as found, before levelling

    @property
    def eyes_mid(self):
        return ((self.eye_left[0] + self.eye_right[0]) / 2, (self.eye_left[1] + self.eye_right[1]) / 2)

    @property
    def eye_distance(self):
        return float(np.hypot(self.eye_right[0] - self.eye_left[0], self.eye_right[1] - self.eye_left[1]))

    @property
    def width(self):
        return float(np.hypot(self.cheek_right[0] - self.cheek_left[0], self.cheek_right[1] - self.cheek_left[1]))


@dataclass
class Transform:
    """Source -> output: out = scale * src + (tx, ty)."""

    scale: float
    tx: float
    ty: float

    def point(self, x, y):
        return (self.scale * x + self.tx, self.scale * y + self.ty)

    def points(self, pts):
        return np.asarray(pts, dtype=np.float32) * self.scale + np.array([self.tx, self.ty], dtype=np.float32)


@dataclass
class Context:
    params: Params
    source_bytes: bytes
    progress: object = None  # callable(stage_name, percent) or None
    # decode
    image: np.ndarray | None = None  # HxWx3 uint8 sRGB
    source_format: str = ""
    source_size: tuple = (0, 0)  # (w, h) as decoded, before levelling
    # detect
    face: Face | None = None
    faces_found: int = 0
    other_faces: list = field(default_factory=list)  # boxes of the faces that lost to `face` (source px)
    level_matrix: np.ndarray | None = None  # 2x3 rotation that levelled the eyes (original -> levelled px), or None
    unlevelled: np.ndarray | None = None  # the decoded image before levelling (set only when it was rotated)
    # matte: at the matte's own resolution (<= 1024 px), matte px = matte_scale * source px (pixel centres)
    alpha: np.ndarray | None = None  # hxw float32 in [0, 1]
    valid: np.ndarray | None = None  # hxw uint8, 255 where the levelled photo has pixels; None: everywhere
    matte_scale: float = 1.0
    cut_at_ears: float = 0.0  # square face widths of solid matte the removals of other people took by our ears
    # geometry
    crown_y: float | None = None
    crown_cut: bool = False
    transform: Transform | None = None
    canvas: np.ndarray | None = None  # output HxWx3 uint8 (foreground colours)
    canvas_alpha: np.ndarray | None = None  # output HxW float32
    canvas_original: np.ndarray | None = None  # output HxWx3 uint8 original pixels (change_bg=0)
    canvas_landmarks: np.ndarray | None = None  # (478, 2) output px
    canvas_coverage: np.ndarray | None = None  # output HxW float32: 1 where the source photo covers the canvas
    composed: np.ndarray | None = None  # output HxWx3 or HxWx4 uint8 after background/label/watermark
    # results
    measurements: dict = field(default_factory=dict)
    checks: list = field(default_factory=list)
    # The hand model's look around the source face (compliance.covered.source_covering): run once, read by
    # the check of the face's front and by the finished photo's hand check.
    covering: object = None
    # Other faces beside ours that the detection of the whole photo missed (compliance.finished), looked for
    # once by whichever finished-photo check needs them first; None: not looked for.
    hidden_faces: list | None = None
    warnings: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    encoded: bytes = b""
    layout_image: bytes | None = None
    layout_pdf: bytes | None = None
    layout_info: dict = field(default_factory=dict)

    def warn(self, message):
        if message not in self.warnings:
            self.warnings.append(message)

    def timed(self, name):
        return _Timer(self, name)


class _Timer:
    def __init__(self, ctx, name):
        self.ctx, self.name = ctx, name

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        elapsed = (time.perf_counter() - self.start) * 1000
        self.ctx.timings[self.name] = round(self.ctx.timings.get(self.name, 0) + elapsed, 2)
        return False


@dataclass
class Result:
    image: bytes
    format: str
    width: int
    height: int
    dpi: int
    measurements: dict
    checks: list
    warnings: list
    timings: dict
    layout_image: bytes | None = None
    layout_pdf: bytes | None = None
    layout_info: dict = field(default_factory=dict)
