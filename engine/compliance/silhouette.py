"""Pieces of other people at the finished photo's sides, told apart by a body model that follows one person.

The matte (RVM) keeps everyone touching the customer; its removals work from faces, so a bystander whose face
is out of view or not found (a colleague's shoulder, the back of a head, suits in a row behind) can stay
joined to the customer at the output's side. mediapipe's pose model segments only the person it tracks:
where the delivered person lies outside that mask, in a piece reaching the output's left or right edge and
rising beside the head, it is someone else.
"""

import cv2
import numpy as np

from .. import models
from ..context import Transform
from ..mesh import face_width
from ..stages import detect, geometry
from .framing import face_mask

BODY_SIDE = 640  # px: the source is looked at this small (the model works at 256 px anyway)
NOT_BODY = 0.1  # the body mask below this is not the tracked person
# A piece outside the body mask counts when, after opening by FOREIGN_OPEN face widths (the mask's coarse
# outline wanders by a few px along hair), it reaches the output's left or right edge, covers FOREIGN_AREA
# square face widths or more and rises above FOREIGN_TOP face widths below the eyes (a bystander beside the
# head or the neck, not the customer's own arm or shoulder lower down). On the 222 photos delivered from
# ../shared/lfw_dev before this rule: bystanders 0.13-0.43 (Kim_Chinn's colleague's shoulder, suits beside
# Jean-David_Levitte, the head beside Dave_McNealey, Hermogenes_Ebdane_Jr's neighbour, a hand at
# Jose_Genoino's ear); the customer's own at most 0.082 rising that high (Jennifer_Lopez's hat brim) and
# 0.15 lower down (Ilham_Aliev's shoulder, Irwan_Fadzi_Idris' arm).
FOREIGN_OPEN = 0.06
FOREIGN_AREA = 0.11
FOREIGN_TOP = 0.35
# The mask is trusted only where it holds our own face: its mean over our face oval is 0.98-1.0 on all but two
# of those 222 photos (a held toy over Grant_Hackett's cheek 0.72, a cap's shadow 0.90) and 1.0 on the five
# bystanders; a blurred, dark photo gets a grey mask that would make pieces of nobody everywhere.
BODY_ON_FACE = 0.85


def foreign_beside(ctx, reached):
    """Square face widths of the largest piece of person at the output's sides that the body model gives to
    nobody or to someone else (0 when the person reaches no side above the chin (`reached`, per side, the
    rows reached), or no body is found on the customer)."""
    if ctx.image is None or ctx.transform is None or not any(rows.any() for rows in reached.values()):
        return 0.0
    seen = _body_on_canvas(ctx)
    if seen is None:
        return 0.0
    points = ctx.canvas_landmarks
    width = face_width(points)
    foreign = ((ctx.canvas_alpha > 0.5) & (seen < NOT_BODY)).astype(np.uint8)
    size = max(1, round(FOREIGN_OPEN * width)) | 1
    foreign = cv2.morphologyEx(foreign, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(foreign, connectivity=8)
    top_limit = points[[detect.IRIS_A, detect.IRIS_B], 1].mean() + FOREIGN_TOP * width
    w = foreign.shape[1]
    largest = 0.0
    for i in range(1, count):
        x, y, piece_w, _h, area = stats[i]
        at_side = x == 0 or x + piece_w >= w
        if at_side and y < top_limit:
            largest = max(largest, float(area) / width**2)
    return largest


def _body_on_canvas(ctx):
    """The body mask of the person the model tracks, warped into the output; None unless its nose lies in our
    face's box (it tracked someone else, or nobody) and the mask holds our face (BODY_ON_FACE)."""
    image = ctx.image
    factor = min(1.0, BODY_SIDE / max(image.shape[:2]))
    small = image if factor == 1.0 else cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    found = models.body_mask(small)
    if found is None:
        return None
    mask, (nose_x, nose_y) = found
    x0, y0, x1, y1 = ctx.face.box
    if not (x0 <= nose_x / factor <= x1 and y0 <= nose_y / factor <= y1):
        return None
    t = ctx.transform
    to_canvas = Transform(scale=t.scale / factor, tx=t.tx, ty=t.ty)  # (the mask is coarse: no half-px terms)
    size = (ctx.params.width, ctx.params.height)
    seen = geometry.warp(mask, to_canvas, size, colour=False, border=cv2.BORDER_CONSTANT)
    face = face_mask(ctx.canvas_landmarks, seen.shape)
    if not face.any() or seen[face].mean() < BODY_ON_FACE:
        return None
    return seen
