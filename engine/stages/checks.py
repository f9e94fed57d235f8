"""Stage: checks. The compliance report (engine/compliance/) on the finished photo, into `ctx.checks`."""

from .. import compliance


def run(ctx):
    ctx.checks = compliance.report(ctx)
