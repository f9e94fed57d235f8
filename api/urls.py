from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("api/tasks/visual/external/idphoto", views.create_task, name="create"),
    path("api/tasks/visual/external/idphoto/<str:task_id>", views.query_task, name="query"),
    path("api/results/<str:token>", views.result_file, name="result"),
    path("api/openapi.json", views.openapi_json, name="openapi"),
]
