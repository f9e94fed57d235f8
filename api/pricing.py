"""Credits a request costs, exactly as the seed prices it. The web app imports this same function."""

STANDARD = 6
WITH_CLOTHES = 15
BEAUTY_EXTRA = 8
LAYOUT_EXTRA = 5


def price(params):
    """Credits for one successful task with these engine Params (preview is free)."""
    if params.preview:
        return 0
    cost = WITH_CLOTHES if params.clothes_id else STANDARD
    if params.beauty_on:
        cost += BEAUTY_EXTRA
    if params.layout is not None:
        cost += LAYOUT_EXTRA
    return cost
