from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switcher posts here
    path("", include("api.urls")),
    path("", include("photos.urls")),
    path("", include("payments.urls")),
    path("", include("accounts.urls")),
]
