from django.contrib import admin

from .models import ApiKey, CreditEntry, InputImage, Task
from .services import balance


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "credit_balance", "active", "rate_limit", "created")
    list_filter = ("active",)
    search_fields = ("prefix", "name")
    readonly_fields = ("prefix", "key_hash", "created", "bucket_tokens", "bucket_updated")
    fields = ("name", "prefix", "active", "rate_limit", "key_hash", "created")

    @admin.display(description="balance")
    def credit_balance(self, obj):
        return balance(obj)

    def has_add_permission(self, request):
        return False  # keys are made by `manage.py create_api_key`, which shows the secret once


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created", "api_key", "kind", "amount", "task", "note")
    list_filter = ("kind",)
    search_fields = ("api_key__prefix", "note")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("task_id", "api_key", "state", "progress", "cost", "created", "completed_at")
    list_filter = ("state", "sync", "return_type")
    search_fields = ("task_id", "api_key__prefix")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(InputImage)
class InputImageAdmin(ReadOnlyAdmin):
    list_display = ("image_id", "api_key", "size", "created", "expires_at")
