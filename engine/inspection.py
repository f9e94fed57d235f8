"""A quick look at an upload: can it be read, and is there one face in it? (`engine.inspect`)

The web app answers the upload form with this before any job is made. It decodes exactly as the pipeline
does (same limits, same messages) and runs only the face detector: no landmarks and no matting, so a
process that only checks uploads loads one small model.
"""

from dataclasses import dataclass, field

import numpy as np

from .context import Context
from .errors import InvalidImage, NoFace, SeveralFaces
from .params import Params
from .stages import decode, detect


@dataclass
class Inspection:
    image: np.ndarray  # HxWx3 uint8 sRGB, upright by its EXIF orientation
    faces: int  # faces of comparable size (1 for a usable photo)
    format: str
    warnings: list = field(default_factory=list)

    @property
    def width(self):
        return int(self.image.shape[1])

    @property
    def height(self):
        return int(self.image.shape[0])


def inspect(image_bytes, min_side=0):
    """Decode and count faces; raises InvalidImage, NoFace or SeveralFaces in the pipeline's own words.
    A photo under `min_side` pixels on its short side is refused before any face is looked for."""
    ctx = Context(params=Params(), source_bytes=image_bytes)
    decode.run(ctx)
    height, width = ctx.image.shape[:2]
    if min(width, height) < min_side:
        raise InvalidImage(
            f"The photo is only {width}x{height} pixels. Use a photo at least {min_side} pixels on its short side.",
            reason="too_small",
        )
    faces = detect.count_faces(ctx.image)
    if faces == 0:
        raise NoFace()
    if faces > 1:
        raise SeveralFaces(faces)
    return Inspection(image=ctx.image, faces=faces, format=ctx.source_format, warnings=list(ctx.warnings))
