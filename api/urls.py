from django.urls import path, re_path

from . import clothes_views, specs_views, views

app_name = "api"
urlpatterns = [
    path("api/tasks/visual/external/idphoto", views.create_task, name="create"),
    path("api/tasks/visual/external/idphoto/<str:task_id>", views.query_task, name="query"),
    path("api/results/<str:token>", views.result_file, name="result"),
    path("api/openapi.json", views.openapi_json, name="openapi"),
    path("api/specs", specs_views.spec_list, name="specs"),
    path("api/specs/<int:spec_id>", specs_views.spec_detail, name="spec"),
    path("api/clothes", clothes_views.clothes_list, name="clothes"),
    path("api/clothes/<str:clothes_id>.png", clothes_views.clothes_thumbnail, name="clothes_thumbnail"),
    # Keep last. Any character, line breaks too (<path:> stops at one, and the site's HTML 404 would answer).
    re_path(r"^api/(?P<rest>[\s\S]*)\Z", views.not_found),
]
