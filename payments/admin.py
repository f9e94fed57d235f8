from django.contrib import admin

from photos.admin import AppendOnly

from .models import PaymentLog, Purchase


@admin.register(Purchase)
class PurchaseAdmin(AppendOnly):
    list_display = ("code", "user", "credits", "amount", "currency", "status", "created")
    list_filter = ("status",)
    search_fields = ("code", "user__username", "session_id", "payment_intent")


@admin.register(PaymentLog)
class PaymentLogAdmin(AppendOnly):
    list_display = ("created", "kind", "event_id", "purchase", "staff")
    search_fields = ("event_id", "kind", "purchase__code")
