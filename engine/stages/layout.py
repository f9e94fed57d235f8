"""Stage: layout. Copies of the final photo on a print sheet in the photo's format with its dpi (optional PDF).

See engine/sheets/; without layout_vertical the orientation holding more copies is taken.
"""

import numpy as np

from .. import sheets


def run(ctx):
    layout = ctx.params.layout
    if layout is None or ctx.composed is None:
        return
    face_x, head_top = _face_anchor(ctx)
    image, pdf, info = sheets.make_sheet(
        ctx.composed,
        ctx.params.dpi,
        paper=layout.size,
        vertical=layout.vertical,
        bg=layout.bg_color,
        qr_data=layout.qr_code_data,
        qr_px=layout.qr_code_size,
        label_text=layout.label_text,
        allow_rotate=layout.allow_rotate,
        mix_mm=layout.mix_size,
        face_x=face_x,
        head_top=head_top,
        pdf=layout.pdf,
        margin=sheets.MARGIN_MM if layout.margin_mm is None else layout.margin_mm,
        gap=sheets.GAP_MM if layout.gap_mm is None else layout.gap_mm,
        fmt=ctx.params.format,
        quality=ctx.params.quality,
    )
    ctx.layout_image = image
    ctx.layout_pdf = pdf
    ctx.layout_info = info
    _warn(ctx, info, layout)


def _face_anchor(ctx):
    """Face centre x and head top y in output px, when geometry found them (to crop the mixed size)."""
    face_x = head_top = None
    if ctx.canvas_landmarks is not None and len(ctx.canvas_landmarks):
        face_x = float(np.mean(np.asarray(ctx.canvas_landmarks)[:, 0]))
    if ctx.crown_y is not None and ctx.transform is not None and not ctx.crown_cut:
        head_top = float(ctx.transform.point(0.0, ctx.crown_y)[1])
    return face_x, head_top


def _warn(ctx, info, layout):
    if info["copies"] == 0:
        ctx.warn(f"the photo does not fit on {layout.size} paper; the layout sheet holds no copy")
    if layout.mix_size is not None and info.get("mix_copies", 0) == 0:
        ctx.warn("the second layout size (layout_mix_size) did not fit next to the main photo")
    if layout.qr_code_data and info["qr_box_px"] is None:
        ctx.warn("the layout QR code did not fit on the sheet")
    if layout.label_text.strip() and info["label_box_px"] is None:
        ctx.warn("the layout label did not fit on the sheet")
    if "dpi_lowered_from" in info:
        ctx.warn(f"the layout sheet is rendered at {info['dpi']} dpi to keep its size reasonable")
