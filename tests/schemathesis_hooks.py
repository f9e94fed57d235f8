"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.schemathesis_hooks) for the bounded run in test_api_schema.py.

The OpenAPI document states in words the rules across fields that JSON Schema cannot express
(api.openapi.RULES). Generated create requests that break one of them are dropped here, written out
again independently of the server's parser, so the positive-data check tests what the schema promises.
"""

import schemathesis
from schemathesis import GenerationMode

from engine import specs

CREATE = "/api/tasks/visual/external/idphoto"
CONSTRAINTS = ("face_width", "face_height", "head_top", "chin_top", "eyes_top")
SPEC_SENSITIVE = ("auto_bright", "auto_smooth", "auto_thin_face", "auto_sharp", "clothes_id", "change_bg", "dpi",
                  "label_height")
DEFAULT_HEIGHT = 413


@schemathesis.hook
def filter_case(ctx, case):
    """Positive create requests must follow the rules across fields (negative ones are refused anyway)."""
    if case.operation.path != CREATE or not isinstance(case.body, dict):
        return True
    if case.meta is not None and case.meta.generation.mode != GenerationMode.POSITIVE:
        return True
    try:
        return follows_the_rules(case.body)
    except (TypeError, ValueError):
        return True


def _given(body, name):
    return body.get(name) not in (None, "")


def _int(body, name):
    return int(body[name]) if _given(body, name) else None


def follows_the_rules(body):
    if _given(body, "px_width") != _given(body, "px_height") or _given(body, "mm_width") != _given(body, "mm_height"):
        return False
    for name in CONSTRAINTS:
        low, exact, high = _int(body, f"min_{name}"), _int(body, name), _int(body, f"max_{name}")
        values = [v for v in (low, exact, high) if v is not None]
        if values != sorted(values):
            return False
    low, high = _int(body, "min_file_size"), _int(body, "max_file_size")
    if low is not None and high is not None and low > high:
        return False
    spec_id = _int(body, "spec_id")
    if spec_id is not None and _known_spec(spec_id) and any(_given(body, name) for name in SPEC_SENSITIVE):
        return False
    height = _output_height(body)
    if height is None:
        return False
    label = _int(body, "label_height")
    return label is None or label < height


def _known_spec(spec_id):
    try:
        specs.get(spec_id)
    except KeyError:
        return False  # answered 404, which the positive check accepts
    return True


def _output_height(body):
    """The output height in px, or None when mm_width x mm_height at dpi leaves 10..4000 px a side."""
    if _given(body, "size"):
        return int(str(body["size"]).split("x")[1])
    if _given(body, "px_height"):
        return _int(body, "px_height")
    if _given(body, "mm_height"):
        dpi = _int(body, "dpi") or 300
        sides = [round(_int(body, name) / 25.4 * dpi) for name in ("mm_width", "mm_height")]
        return sides[1] if 10 <= min(sides) and max(sides) <= 4000 else None
    return DEFAULT_HEIGHT
