"""idphoto engine: pure image code (no Django). Entry point: `engine.process(image_bytes, params)`."""

from .errors import EngineError
from .params import Params, parse
from .pipeline import process

__all__ = ["EngineError", "Params", "parse", "process"]
