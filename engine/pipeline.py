"""The stage order. Each stage module has `run(ctx)`; the pipeline times them and reports progress."""

import importlib
import time

from .context import Context, Result

# (module under engine.stages, progress percent reached when it is done)
STAGES = (
    ("decode", 10),
    ("detect", 25),
    ("matte", 55),
    ("geometry", 65),
    ("beauty", 72),
    ("outfit", 78),
    ("background", 84),
    ("label", 87),
    ("watermark", 89),
    ("encode", 93),
    ("layout", 97),
    ("checks", 99),
)


def _stage(name):
    return importlib.import_module(f"engine.stages.{name}")


def process(image_bytes, params, progress=None):
    """Run every stage on one image; returns a Result or raises an EngineError."""
    if params.spec_id is not None:
        from .specs import apply_spec  # the catalogue fills in what the caller left out

        params = apply_spec(params)
    ctx = Context(params=params, source_bytes=image_bytes, progress=progress)
    started = time.perf_counter()
    for name, percent in STAGES:
        stage = _stage(name)
        with ctx.timed(name):
            stage.run(ctx)
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
