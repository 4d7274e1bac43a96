from django.contrib import admin

from hotline.pagination import CappedPaginator

from .models import TextMessage, TextTemplate


@admin.register(TextTemplate)
class TextTemplateAdmin(admin.ModelAdmin):
    list_display = ["event", "body", "active", "updated_at"]
    list_editable = ["active"]


@admin.register(TextMessage)
class TextMessageAdmin(admin.ModelAdmin):
    paginator = CappedPaginator  # a row per ticket or more: no count(*) of them all
    show_full_result_count = False
    list_display = ["ticket", "event", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "event"]
    raw_id_fields = ["ticket"]
    readonly_fields = [f.name for f in TextMessage._meta.fields]

    def has_add_permission(self, request):
        return False
