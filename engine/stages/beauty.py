"""Stage: beauty. Slim the face, brighten, smooth the skin and sharpen, each by its factor (0/absent: off).

Works in output pixels after geometry. The same operations go to `canvas` (person colours) and
`canvas_original` (change_bg=0), so both outputs look alike; slimming also warps `canvas_alpha` and the
landmarks, so the outfit and checks that follow see the slimmed face. Order: geometry first (the warp
resamples), then tone, then smoothing, and sharpening last so it is not smoothed away.
"""

from ..beauty import filters, regions
from ..params import BEAUTY_FIELDS

SMOOTH_CALM = 0.5  # sharpening on skin smoothed at factor 1 is this much weaker
SWITCHES = {factor: switch for switch, factor in BEAUTY_FIELDS.values()}


def run(ctx):
    for factor in ctx.params.ignored_factors:
        ctx.warn(f"{factor} was ignored: it takes effect only with {SWITCHES[factor]}=1.")
    factors = {name: float(f) for name, f in (ctx.params.beauty or {}).items() if f and f > 0}
    if not factors or ctx.canvas is None or ctx.canvas_landmarks is None:
        return
    images = [ctx.canvas, ctx.canvas_original]
    points = ctx.canvas_landmarks
    if "thin_face" in factors:
        images, ctx.canvas_alpha, points = filters.slim_face(
            images, ctx.canvas_alpha, points, factors["thin_face"]
        )
        ctx.canvas_landmarks = points
    if "bright" in factors:
        images = filters.brighten(images, points, factors["bright"], ctx.canvas_alpha)
    if "smooth" in factors:
        images = filters.smooth_skin(images, points, factors["smooth"], ctx.canvas_alpha)
    if "sharp" in factors:
        calm = None
        if "smooth" in factors:  # sharpened skin would look rough again: half strength on smoothed skin
            calm = regions.skin_mask(images[0].shape[:2], points) * (SMOOTH_CALM * factors["smooth"])
        images = filters.sharpen(images, factors["sharp"], points, calm)
    ctx.canvas, ctx.canvas_original = images
