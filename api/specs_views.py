"""Read-only JSON listing of the document spec catalogue (no API key: it is public reference data).

    GET /api/specs?q=germany+passport&country=DE&document=visa&limit=50&offset=0
    GET /api/specs/<id>

Same envelope as the rest of the API: {"status", "message", "data"}.
"""


from engine import specs

from .views import public_view, reply

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


def _reply(status, message, data=None):
    return reply(status, message, data, headers={"Cache-Control": "public, max-age=3600"})


def _int_arg(request, name, default, low, high):
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not (low <= int(raw) <= high):
        raise ValueError(f"{name}: must be an integer from {low} to {high} (got {raw!r})")
    return int(raw)


@public_view
def spec_list(request):
    try:
        limit = _int_arg(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _int_arg(request, "offset", 0, 0, 1_000_000)
    except ValueError as exc:
        return _reply(400, str(exc))
    found = specs.search(request.GET.get("q", ""))
    country = request.GET.get("country", "").strip()
    if country:
        found = [spec for spec in found if specs.matches_country(spec, country)]
    document = request.GET.get("document", "").strip()
    if document:
        found = [spec for spec in found if specs.matches_document(spec, document)]
    page = found[offset : offset + limit]
    return _reply(
        200,
        "success",
        {
            "total": len(found),
            "offset": offset,
            "limit": limit,
            "specs": [spec.as_dict() for spec in page],
        },
    )


@public_view
def spec_detail(request, spec_id):
    try:
        spec = specs.get(spec_id)
    except KeyError:
        return _reply(404, f"No spec with id {spec_id}: list them with GET /api/specs.")
    return _reply(200, "success", spec.as_dict())
