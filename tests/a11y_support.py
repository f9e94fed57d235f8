"""axe-core in Debian Chromium, and a customer's account filled with orders made in code (no engine, no queue),
so every page can be audited with realistic content in a few seconds."""

from pathlib import Path

from django.core.files.base import ContentFile

from photos.models import Order

from .photos_support import make_upload, png_bytes

REPO = Path(__file__).resolve().parent.parent
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

CHECKS = [  # as engine/compliance.py reports them: passing, warning and failing checks of each kind
    {"id": "one_face", "label": "One face", "status": "pass", "value": 1, "threshold": 1, "unit": "faces", "fix": ""},
    {"id": "face_in_frame", "label": "Whole head inside the photo", "status": "pass",
     "value": "whole face and head visible", "threshold": "head and face fully inside", "unit": "", "fix": ""},
    {"id": "head_height", "label": "Head height (chin to crown)", "status": "pass", "value": 34.2,
     "threshold": [32.0, 36.0], "unit": "mm", "fix": ""},
    {"id": "eye_line", "label": "Eyes above the bottom edge", "status": "warn", "value": 27.9,
     "threshold": [28.0, 35.0], "unit": "mm", "fix": "The eyes sit too low: use a photo with more space above the head."},
    {"id": "mouth_closed", "label": "Mouth closed", "status": "pass", "value": 0.09, "threshold": 0.15,
     "unit": "ratio", "fix": ""},
    {"id": "eyes_open", "label": "Eyes open", "status": "fail", "value": 0.1, "threshold": 0.12, "unit": "ratio",
     "fix": "Keep both eyes open and look into the lens; if the light makes you squint, move out of direct sun."},
    {"id": "sharp", "label": "Sharp (not blurred)", "status": "pass", "value": 180.4, "threshold": 25.0,
     "unit": "score", "fix": ""},
]


def inject_axe(page):
    """Load axe-core into the page (the context bypasses the site's CSP for this test-only script)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))


def blocking_violations(page):
    """axe's serious and critical violations on the page as it is now: [(rule id, impact, [targets])]."""
    inject_axe(page)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [" ".join(node["target"]) for node in v["nodes"]][:5], v["help"])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def _finish(order, sheet=False):
    """Mark an order done with a picture (and a print sheet), as the queue would."""
    field = order.preview if order.is_preview else order.result
    field.save("photo.png", ContentFile(png_bytes((413, 531), (67, 142, 219))), save=False)
    if sheet:
        order.sheet.save("sheet.png", ContentFile(png_bytes((1800, 1200), (230, 230, 230))), save=False)
    order.status, order.progress, order.checks = Order.DONE, 100, CHECKS
    # the engine's own wording (engine/stages/geometry.py), shown in the reader's language
    enlarged = (
        "The photo is small for this size: it was enlarged 1.3 times, so the ID photo may look soft. "
        "A larger or closer photo gives a sharper result."
    )
    order.warnings = [enlarged]
    order.save()
    return order


def account_with_orders(user):
    """One upload with a finished preview, a paid finished order with its sheet, and a failed, refunded one."""
    from photos import services

    upload = make_upload(user)
    params = {"spec_id": "9", "bg_color": "FFFFFF", "format": "png", "layout": "1", "layout_size": "6inch"}
    preview = _finish(services.create_preview(user, upload, params, spec_label="Germany passport"))
    paid, _ = services.create_paid_order(
        user, upload, params, 11, "a11y-paid", spec_label="Germany passport", preview_order=preview
    )
    _finish(paid, sheet=True)
    failed, _ = services.create_paid_order(user, upload, {"format": "png"}, 6, "a11y-failed", spec_label="25x35 mm")
    services.fail_order(failed.pk, "The top of the head is cut off in this photo.")
    return upload, preview, paid
