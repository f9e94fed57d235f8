"""Outfit change: 50 garments drawn in code (catalog.py), fitted to the person (fit.py), painted as
anti-aliased vector shapes in layers (paint.py, garments.py) and finished like a photograph: lit from the
face's side, with form, folds, contact shadows, the photo's blur and grain (finish.py). Nothing is loaded
from image files. `python -m engine.outfits.report` measures them on a folder of portraits (report.py).
"""

from .catalog import OUTFITS  # noqa: F401
from .fit import Fit, measure, synthetic  # noqa: F401
from .garments import render  # noqa: F401
