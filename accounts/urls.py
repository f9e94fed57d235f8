from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("accounts/confirm-again/", views.resend, name="resend"),
    path("accounts/delete/", views.delete_account, name="delete"),
    path("accounts/export/", views.export, name="export"),
    path("u/<uuid:code>/delete/", views.delete_photo, name="delete_photo"),
    path("privacy/", views.privacy, name="privacy"),
    path("staff/lockouts/", views.lockouts, name="lockouts"),
    path("staff/lockouts/unlock/", views.unlock, name="unlock"),
]
