"""Outfit change: 50 garments drawn in code (catalog.py), fitted to the person (fit.py) and painted as
anti-aliased vector shapes with shading (paint.py, garments.py). Nothing is loaded from image files.
"""

from .catalog import OUTFITS  # noqa: F401
from .fit import Fit, measure, synthetic  # noqa: F401
from .garments import render  # noqa: F401
