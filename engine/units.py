"""Physical units: the one place that knows how many millimetres make an inch."""

MM_PER_INCH = 25.4


def px_to_mm(px, dpi):
    return px / dpi * MM_PER_INCH


def mm_to_px(mm, dpi):
    """Unrounded: callers round (or ceil/floor a band) as their use needs."""
    return mm / MM_PER_INCH * dpi
