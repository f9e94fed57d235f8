"""The outfit gallery for pickers (no API key: public reference data).

GET /api/clothes          -> {"status", "message", "data": {"clothes": [{"id", "name", "kind", "thumbnail"}]}}
GET /api/clothes/<id>.png -> a thumbnail of that outfit, drawn by the engine and cached in memory
"""

from django.http import HttpResponse
from django.urls import reverse

from engine.outfits import OUTFITS
from engine.outfits.thumbnail import thumbnail_png
from engine.params import CLOTHES_IDS

from .views import public_view, reply

CACHE_SECONDS = 86400


def _reply(status, message, data=None):
    max_age = CACHE_SECONDS if status == 200 else 60
    return reply(status, message, data, headers={"Cache-Control": f"public, max-age={max_age}"})


@public_view
def clothes_list(request):
    items = [
        {
            "id": outfit_id,
            "name": OUTFITS[outfit_id].name,
            "kind": outfit_id.split("_")[0],
            "thumbnail": request.build_absolute_uri(reverse("api:clothes_thumbnail", args=[outfit_id])),
        }
        for outfit_id in CLOTHES_IDS
    ]
    return _reply(200, "success", {"total": len(items), "clothes": items})


@public_view
def clothes_thumbnail(request, clothes_id):
    if clothes_id not in OUTFITS:
        return _reply(404, "clothes_id: must be one of man_1..man_20, woman_1..woman_20, child_1..child_10")
    response = HttpResponse(thumbnail_png(clothes_id), content_type="image/png")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
