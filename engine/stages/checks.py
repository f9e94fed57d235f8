"""Stage: checks. The compliance report (engine/compliance/) into `ctx.checks`, then the gate.

The finished photo is detected again (engine/compliance/finished.py) and its checks join the report. A
failing hard check stops the photo here with ChecksFailed (state -14, not charged): success means a photo
the customer can use. Soft checks (pose, expression, light, enlargement...) stay warnings on a delivered photo.
"""

from .. import compliance
from ..errors import ChecksFailed


def run(ctx):
    ctx.checks = compliance.report(ctx) + [c.as_dict() for c in compliance.verify(ctx)]
    failing = compliance.hard_failures(ctx.checks)
    if failing:
        raise ChecksFailed(failing)
