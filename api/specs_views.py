"""Read-only JSON listing of the document spec catalogue (no API key: it is public reference data).

    GET /api/specs?q=germany+passport&country=DE&document=visa&limit=50&offset=0
    GET /api/specs/<id>

Same envelope as the rest of the API: {"status", "message", "data"}.
"""


from engine import specs
from engine.errors import ParamError
from engine.params import parse_int

from .views import public_view, reply

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_OFFSET = 1_000_000
LIST_PARAMETERS = ("q", "country", "document", "limit", "offset")


def _reply(status, message, data=None):
    return reply(status, message, data, headers={"Cache-Control": "public, max-age=3600"})


def _int_arg(request, name, default, low, high):
    """Absent: the default. Present (even empty): an integer in range, parsed like every API integer."""
    if name not in request.GET:
        return default
    return parse_int(request.GET[name], name, low, high)


def _unknown_parameters(request):
    unknown = sorted(set(request.GET) - set(LIST_PARAMETERS))
    if unknown:
        raise ParamError(", ".join(unknown), "left out: the query parameters are " + ", ".join(LIST_PARAMETERS))


@public_view
def spec_list(request):
    try:
        _unknown_parameters(request)
        limit = _int_arg(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _int_arg(request, "offset", 0, 0, MAX_OFFSET)
    except ParamError as exc:
        return _reply(400, exc.message)
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
