"""Re-measure a finished ID photo: where are the crown, eyes and chin, how wide is the face, in pixels.

Tests and the compliance checks use this on the *output* image, so a claim such as "head_top 24-71 px" is
checked on what the customer receives, not on the numbers the engine planned. It runs the same detection,
matting and crown search as the engine, without levelling (a finished photo is already level).
"""

import io

import numpy as np
from PIL import Image

from .stages import detect, geometry, matte


def load_rgba(image):
    """(rgb uint8, alpha float32 or None) from encoded bytes, a path, a PIL image or an array."""
    if isinstance(image, (bytes, bytearray)):
        image = Image.open(io.BytesIO(image))
    elif isinstance(image, str) or hasattr(image, "__fspath__"):
        image = Image.open(image)
    if isinstance(image, Image.Image):
        image = np.asarray(
            image.convert("RGBA") if image.mode in ("RGBA", "LA", "PA") else image.convert("RGB")
        )
    array = np.asarray(image)
    if array.ndim == 2:
        array = np.dstack([array] * 3)
    if array.shape[2] == 4:
        alpha = array[..., 3].astype(np.float32) / 255.0
        return np.ascontiguousarray(array[..., :3]), alpha if alpha.min() < 0.999 else None
    return np.ascontiguousarray(array[..., :3]), None


def measure(image):
    """Measured values (px) of the main face in a finished photo. Raises NoFace when there is none.

    A transparent PNG's own alpha is used as the matte; otherwise the photo is matted like a source.
    """
    rgb, alpha = load_rgba(image)
    # A finished photo is upright (no turning) and its face fills the frame (padded for the detector).
    grown, offset = detect.padded(rgb)
    found = detect.find_face(grown, level=False, allow_several=True, allow_turn=False)
    x0, y0, x1, y1 = found.face.box
    box = (x0 - offset[0], y0 - offset[1], x1 - offset[0], y1 - offset[1], found.face.score)
    face = detect.face_from_points(found.face.landmarks - offset, box)
    if alpha is None:
        found_matte = matte.small_matte(rgb, face)
        crown_y, crown_cut = geometry.find_crown(found_matte.alpha, face, None, found_matte.scale)
    else:
        crown_y, crown_cut = geometry.find_crown(alpha, face)
    chin_y, eyes_y = face.chin[1], face.eyes_mid[1]
    return {
        "face_width": round(face.width, 1),
        "face_height": round(chin_y - crown_y, 1),
        "head_top": round(crown_y, 1),
        "chin_top": round(chin_y, 1),
        "eyes_top": round(eyes_y, 1),
        "face_cx": round((face.cheek_left[0] + face.cheek_right[0]) / 2, 1),
        "roll_deg": round(face.roll_deg, 2),
        "crown_cut": crown_cut,
        "faces_found": found.count,
        "size": [rgb.shape[1], rgb.shape[0]],
    }


def main(argv=None):
    import json
    import sys

    paths = (argv if argv is not None else sys.argv[1:]) or []
    for path in paths:
        print(json.dumps({"file": str(path), **measure(path)}))


if __name__ == "__main__":
    main()
