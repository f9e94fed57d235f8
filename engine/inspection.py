"""A quick look at an upload: can it be read, is there one face, is the top of the head in it? (`engine.inspect`)

The web app answers the upload form with this before any job is made. It decodes exactly as the pipeline
does (same limits, same messages) and finds the face as the detect stage does (detector and face mesh, not
levelled). It never mats: a process that only checks uploads loads the two small face models, not RVM.
"""

from dataclasses import dataclass, field

import numpy as np

from .context import Context
from .errors import InvalidImage
from .params import Params
from .stages import decode, detect

# Eyes-to-top-edge over eyes-to-chin below which the crown is probably outside the photo. The top of the head
# sits about one eyes-to-chin distance above the eyes; on ../shared/portraits the jobs refused (crown cut) p02
# at 0.98 and p06 at 0.96 and made every photo from 1.02 up (p07, refused at 1.17, is not caught).
CROWN_ROOM_MIN = 1.0


@dataclass
class Inspection:
    image: np.ndarray  # HxWx3 uint8 sRGB, upright by its EXIF orientation
    faces: int  # faces of comparable size (1 for a usable photo)
    format: str
    crown_room: float  # eyes-to-top-edge over eyes-to-chin (see CROWN_ROOM_MIN)
    warnings: list = field(default_factory=list)

    @property
    def crown_likely_cut(self):
        """True when the face sits so high that the top of the head is probably outside the photo: the job's
        crown check (made on the hair matte) would refuse it."""
        return self.crown_room < CROWN_ROOM_MIN

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
        warnings=list(ctx.warnings),
    )


def _crown_room(face):
    eyes_y = (face.eye_left[1] + face.eye_right[1]) / 2
    eyes_to_chin = face.chin[1] - eyes_y
    return eyes_y / eyes_to_chin if eyes_to_chin > 0 else float("inf")
