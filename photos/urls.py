from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views as account_views

from . import views

app_name = "photos"

_auth = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("photos:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/signup/", account_views.signup, name="signup"),
]

urlpatterns = _auth + [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("upload/", views.upload, name="upload"),
    path("u/<uuid:code>/", views.workspace, name="workspace"),
    path("u/<uuid:code>/cost/", views.cost, name="cost"),
    path("u/<uuid:code>/preview/", views.preview, name="preview"),
    path("u/<uuid:code>/confirm/", views.confirm, name="confirm"),
    path("u/<uuid:code>/order/", views.order_create, name="order_create"),
    path("u/<uuid:code>/file/<str:which>/", views.upload_file, name="upload_file"),
    path("o/<uuid:code>/", views.order_detail, name="order"),
    path("o/<uuid:code>/status/", views.job_status, name="job_status"),
    path("o/<uuid:code>/file/<str:which>/", views.order_file, name="order_file"),
    path("documents/", views.spec_search, name="spec_search"),
    path("documents/<int:spec_id>/", views.spec_card, name="spec_card"),
    path("my/", views.my_photos, name="my"),
    path("staff/", views.staff_orders, name="staff_orders"),
    path("staff/o/<uuid:code>/", views.staff_order, name="staff_order"),
    path("staff/o/<uuid:code>/<str:action>/", views.staff_action, name="staff_action"),
    path("staff/credits/", views.staff_grant, name="staff_grant"),
]
