"""Typed engine errors. Each carries a stable `kind`, a sentence a person understands, and data.

The API maps `state` onto the seed's task states: -7 invalid image, -14 content does not meet the
requirements, -1 other failure. ParamError is a bad request (HTTP 400) and never reaches a task.
"""

from .contract import STATE_CONTENT, STATE_FAILED, STATE_INVALID_IMAGE, STATE_TIMEOUT


class EngineError(Exception):
    state = STATE_FAILED
    kind = "failed"

    def __init__(self, message, **data):
        super().__init__(message)
        self.message = message
        self.data = data

    def as_dict(self):
        return {"kind": self.kind, "state": self.state, "message": self.message, **self.data}


class ParamError(EngineError):
    """A parameter is malformed or out of range; `param` names it, `allowed` says what is accepted."""

    kind = "bad_param"

    def __init__(self, param, allowed, got=None):
        got_text = f" (got {got!r})" if got is not None else ""
        super().__init__(f"{param}: must be {allowed}{got_text}", param=param, allowed=allowed)


class InvalidImage(EngineError):
    state = STATE_INVALID_IMAGE
    kind = "invalid_image"


class ContentError(EngineError):
    """The photo is a valid image but cannot become this ID photo (state -14)."""

    state = STATE_CONTENT
    kind = "content"


class NoFace(ContentError):
    kind = "no_face"

    def __init__(self):
        super().__init__("No face found in the photo. Use a photo where your face is clearly visible.")


class SeveralFaces(ContentError):
    kind = "several_faces"

    def __init__(self, count):
        super().__init__(
            f"Several faces ({count}) of comparable size found. Use a photo with only you in it.", count=count
        )


class CrownCut(ContentError):
    kind = "crown_cut"

    def __init__(self):
        super().__init__(
            "The top of the head is cut off in the photo, or cannot be told apart from someone right behind it. "
            "Take the photo from further away so the whole head is visible, with nobody right behind the head."
        )


class ChecksFailed(ContentError):
    """A hard check failed on the finished photo; `checks` holds the failing checks with their fixes."""

    kind = "checks_failed"

    def __init__(self, checks):
        first = checks[0]
        super().__init__(
            f"The photo cannot be used: the check \"{first['label']}\" failed. {first['fix']}", checks=checks
        )


class ConstraintsInfeasible(ContentError):
    kind = "constraints"

    def __init__(self, message, constraints):
        super().__init__(message, constraints=list(constraints))


class FileSizeUnreachable(ContentError):
    """max_file_size cannot be met at this pixel size and format; `checks` holds the failing check."""

    kind = "file_size"

    def __init__(self, message, checks):
        super().__init__(message, checks=list(checks))


class ProcessingTimeout(EngineError):
    state = STATE_TIMEOUT
    kind = "timeout"
