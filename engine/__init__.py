"""idphoto engine: pure image code (no Django).

Entry points: `engine.process(image_bytes, params)` makes the photo; `engine.inspect(image_bytes)` only
decodes, finds the face and estimates whether the top of the head is in the photo (the upload check);
`engine.warm_up()` loads every model now; `engine.plain(report)` turns reports into JSON values.
"""

from .errors import EngineError
from .inspection import Inspection, inspect
from .models import warm_up
from .params import Params, parse
from .pipeline import process
from .plain import plain
from .stages.decode import MAX_SIDE

__all__ = [
    "MAX_SIDE",
    "EngineError",
    "Inspection",
    "Params",
    "inspect",
    "parse",
    "plain",
    "process",
    "warm_up",
]
