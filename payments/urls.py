from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("credits/buy/", views.buy, name="buy"),
    path("credits/purchases/", views.purchases, name="purchases"),
    path("credits/purchases/<uuid:code>/", views.purchase, name="purchase"),
    path("credits/purchases/<uuid:code>/status/", views.purchase_status, name="purchase_status"),
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("staff/purchases/", views.staff_purchases, name="staff_purchases"),
    path("staff/purchases/<uuid:code>/refund/", views.staff_refund, name="staff_refund"),
]
