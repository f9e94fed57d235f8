from django.contrib import admin

from .models import LedgerEntry, Order, OrderEvent, StaffAction, Upload, Wallet


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ("code", "owner", "original_name", "width", "height", "check_ok", "created")
    search_fields = ("code", "owner__username", "original_name")
    readonly_fields = ("code", "created")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("code", "owner", "kind", "status", "spec_label", "cost", "needs_review", "approved", "created")
    list_filter = ("kind", "status", "needs_review", "approved")
    search_fields = ("code", "owner__username", "spec_label", "api_task_id")
    readonly_fields = ("code", "created", "updated", "started", "finished")


class AppendOnly(admin.ModelAdmin):
    """Ledger and audit rows are history: the admin may read them, never edit or delete them."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(AppendOnly):
    list_display = ("created", "user", "kind", "amount", "order", "note", "created_by")
    list_filter = ("kind",)
    search_fields = ("user__username", "note")


@admin.register(StaffAction)
class StaffActionAdmin(AppendOnly):
    list_display = ("created", "staff", "action", "order", "target_user", "note")
    list_filter = ("action",)


@admin.register(Wallet)
class WalletAdmin(admin.ModelAdmin):
    list_display = ("user", "balance")
    search_fields = ("user__username",)
    readonly_fields = ("user", "balance")  # change credits with a grant, so the ledger stays the truth


@admin.register(OrderEvent)
class OrderEventAdmin(AppendOnly):
    list_display = ("created", "order", "event", "actor", "by", "note")
    list_filter = ("event", "actor")
