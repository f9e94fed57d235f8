"""A quick look at an upload: can it be read, is there one face, is the top of the head in it? (`engine.inspect`)

The web app answers the upload form with this before any job is made. It decodes exactly as the pipeline
does (same limits, same messages) and finds the face as the detect stage does (detector and face mesh, not
levelled). It never mats: a process that only checks uploads loads the two small face models and a small
person segmenter, not RVM.
"""

from dataclasses import dataclass, field

import cv2
import numpy as np

from . import models
from .context import Context
from .errors import InvalidImage
from .params import Params
from .stages import decode, detect
from .stages.geometry import find_crown

# Eyes-to-top-edge over eyes-to-chin below which the crown is surely outside the photo: the top of the head
# sits about one eyes-to-chin distance above the eyes. Landmarks alone miss big hair (p07 at 1.17, refused by
# every job), so the person mask is asked as well (see `crown_likely_cut`).
CROWN_ROOM_MIN = 1.0
# The segmenter works at 256x256; a larger copy only costs time.
PERSON_MASK_SIDE = 512


@dataclass
class Inspection:
    image: np.ndarray  # HxWx3 uint8 sRGB, upright by its EXIF orientation
    faces: int  # faces of comparable size (1 for a usable photo)
    format: str
    crown_room: float  # eyes-to-top-edge over eyes-to-chin (see CROWN_ROOM_MIN)
    person_at_top: bool  # the person mask runs off the photo's top edge above the face
    warnings: list = field(default_factory=list)

    @property
    def crown_likely_cut(self):
        """True when the top of the head is probably outside the photo, so a job's crown check (made on the
        hair matte) would refuse it. The coarse person mask is judged by the job's own rule (`find_crown`):
        on ../shared/lfw_dev and portraits it agrees with the jobs on 15 of 21 cut crowns (landmarks alone: 2)
        and flags 5 of 293 visible ones, each with something touching the top edge right above the head."""
        return self.crown_room < CROWN_ROOM_MIN or self.person_at_top

    @property
    def width(self):
        return int(self.image.shape[1])

    @property
    def height(self):
        return int(self.image.shape[0])


def inspect(image_bytes, min_side=0):
    """Decode and find the face; raises InvalidImage, NoFace or SeveralFaces in the pipeline's own words.
    A photo under `min_side` pixels on its short side is refused before any face is looked for."""
    ctx = Context(params=Params(), source_bytes=image_bytes)
    decode.run(ctx)
    height, width = ctx.image.shape[:2]
    if min(width, height) < min_side:
        raise InvalidImage(
            f"The photo is only {width}x{height} pixels. Use a photo at least {min_side} pixels on its short side.",
            reason="too_small",
        )
    found = detect.find_face(ctx.image, level=False)
    return Inspection(
        image=ctx.image,
        faces=found.count,
        format=ctx.source_format,
        crown_room=_crown_room(found.face),
        person_at_top=_person_at_top(found.source, found.face),
        warnings=list(ctx.warnings),
    )


def _person_at_top(image, face):
    scale = min(1.0, PERSON_MASK_SIDE / max(image.shape[:2]))
    small = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _crown_y, cut = find_crown(models.person_mask(small), face, None, scale)
    return cut


def _crown_room(face):
    eyes_y = (face.eye_left[1] + face.eye_right[1]) / 2
    eyes_to_chin = face.chin[1] - eyes_y
    return eyes_y / eyes_to_chin if eyes_to_chin > 0 else float("inf")
