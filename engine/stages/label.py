"""Stage: label. Placeholder pass-through until its issue lands (owned by a separate work item)."""


def run(ctx):
    return None
