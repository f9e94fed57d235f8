"""Failing checks, with their fixes, for an error that stopped the photo (the API shows them for failed tasks)."""

from ..errors import ChecksFailed, ConstraintsInfeasible, CrownCut, NoFace, SeveralFaces
from .base import Check
from .framing import ONLY_YOU, WHOLE_HEAD


def checks_for_error(err):
    """The failing checks (dicts, as in a report) for `err`; [] for an error no check describes."""
    if isinstance(err, ChecksFailed):
        return list(err.data["checks"])
    return [c.as_dict() for c in _checks(err)]


def _checks(err):
    if isinstance(err, SeveralFaces):
        count = err.data.get("count")
        return [
            Check(
                "one_face",
                "One face",
                "fail",
                count,
                1,
                "faces",
                ONLY_YOU,
            )
        ]
    if isinstance(err, NoFace):
        return [
            Check(
                "one_face",
                "One face",
                "fail",
                0,
                1,
                "faces",
                "No face was found: use a well-lit photo where your whole face is clearly visible and "
                "looks at the camera.",
            )
        ]
    if isinstance(err, CrownCut):
        return [
            Check(
                "face_in_frame",
                "Whole head inside the photo",
                "fail",
                "top of the head cut off",
                "head and face fully inside",
                "",
                WHOLE_HEAD,
            )
        ]
    if isinstance(err, ConstraintsInfeasible):
        return [
            Check(
                "framing",
                "Head size and position possible",
                "fail",
                err.message,
                err.data.get("constraints"),
                "",
                "This photo cannot meet the requested sizes: use a photo with more space around the head "
                "and shoulders, or relax the face and margin constraints.",
            )
        ]
    return []
