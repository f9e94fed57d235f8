"""The stage order. Each stage module has `run(ctx)`; the pipeline times them and reports progress."""

import time

from .context import Context, Result
from .stages import (
    background,
    beauty,
    checks,
    decode,
    detect,
    encode,
    geometry,
    label,
    layout,
    matte,
    outfit,
    watermark,
)

# (stage module, progress percent reached when it is done)
STAGES = (
    (decode, 10),
    (detect, 25),
    (matte, 55),
    (geometry, 65),
    (beauty, 72),
    (outfit, 78),
    (background, 84),
    (label, 87),
    (watermark, 89),
    (encode, 93),
    (layout, 97),
    (checks, 99),
)


def stage_name(stage):
    return stage.__name__.rsplit(".", 1)[-1]


def stage(name):
    """The stage module called `name` (tests and tools run parts of the pipeline by name)."""
    for module, _percent in STAGES:
        if stage_name(module) == name:
            return module
    raise KeyError(name)


def stages_through(name):
    """The stage modules from the first up to and including `name`, in order."""
    modules = [module for module, _percent in STAGES]
    return modules[: modules.index(stage(name)) + 1]


def process(image_bytes, params, progress=None):
    """Run every stage on one image; returns a Result or raises an EngineError."""
    if params.spec_id is not None:
        from .specs import apply_spec  # the catalogue fills in what the caller left out

        params = apply_spec(params)
    ctx = Context(params=params, source_bytes=image_bytes, progress=progress)
    started = time.perf_counter()
    for module, percent in STAGES:
        name = stage_name(module)
        with ctx.timed(name):
            module.run(ctx)
        if progress is not None:
            progress(name, percent)
    ctx.timings["total"] = round((time.perf_counter() - started) * 1000, 2)
    return Result(
        image=ctx.encoded,
        format=params.format,
        width=params.width,
        height=params.height,
        dpi=params.dpi,
        measurements=ctx.measurements,
        checks=ctx.checks,
        warnings=ctx.warnings,
        timings=ctx.timings,
        layout_image=ctx.layout_image,
        layout_pdf=ctx.layout_pdf,
        layout_info=ctx.layout_info,
    )
