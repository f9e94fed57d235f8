"""Stage: background. First version; hardened by the engine I/O work (gradients, transparency)."""

import numpy as np


def run(ctx):
    p = ctx.params
    alpha = ctx.canvas_alpha[..., None]
    if not p.change_bg:
        ctx.composed = ctx.canvas_original
        return
    if p.bg_color is None and p.format == "png":
        ctx.composed = np.dstack([ctx.canvas, (ctx.canvas_alpha * 255 + 0.5).astype(np.uint8)])
        return
    color = np.array(p.bg_color or (255, 255, 255), dtype=np.float32)
    out = ctx.canvas.astype(np.float32) * alpha + color * (1 - alpha)
    ctx.composed = np.clip(out + 0.5, 0, 255).astype(np.uint8)
