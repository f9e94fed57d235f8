"""What every check is made of: the Check record, the limits, and how a value is graded against them."""

from dataclasses import asdict, dataclass

BAND_TOLERANCE_MM = 0.3  # measurement noise: this close outside a band is a warning, not a failure

LIMITS = {
    # (warn above, fail above) unless said otherwise
    "roll": (5.0, 8.0),  # degrees the head was tilted in the source photo (the engine levels it)
    "yaw": (10.0, 20.0),
    "pitch": (15.0, 25.0),
    "eyes_open": (0.16, 0.12),  # eye aspect ratio: warn below, fail below (smiling eyes measured 0.20-0.21)
    "mouth_open": (0.06, 0.15),  # inner lip gap / mouth width
    "light_balance": (0.18, 0.30),  # |L - R| / max(L, R) of the cheeks
    "highlights": (0.02, 0.08),  # fraction of clipped face pixels
    "sharpness": (60.0, 25.0),  # Laplacian variance of the face at a fixed size: warn below, fail below
    "exposure_dark": (95.0, 60.0),  # 95th percentile face luminance: warn below, fail below
    "exposure_bright": (215.0, 235.0),  # 5th percentile face luminance: warn above, fail above
    "background_spread": (12.0, 22.0),  # std of background luminance
    "scale": (1.2, 2.0),  # enlargement of the source
    "uncovered": (0.005, 0.03),  # fraction of the frame the source photo does not cover (original background)
}


@dataclass(frozen=True)
class Check:
    """One line of the compliance report; `fix` is a plain-language instruction, empty when it passes."""

    id: str
    label: str
    status: str  # "pass" | "warn" | "fail"
    value: object = None
    threshold: object = None
    unit: str = ""
    fix: str = ""

    def as_dict(self):
        found = asdict(self)
        if self.status == "pass":
            found["fix"] = ""
        return found


def graded(value, warn, fail, higher_is_worse=True):
    if higher_is_worse:
        return "fail" if value > fail else "warn" if value > warn else "pass"
    return "fail" if value < fail else "warn" if value < warn else "pass"


def band_status(value, low, high, tolerance):
    if (low is None or value >= low) and (high is None or value <= high):
        return "pass"
    below = (low - value) if low is not None and value < low else 0.0
    above = (value - high) if high is not None and value > high else 0.0
    return "warn" if max(below, above) <= tolerance else "fail"
