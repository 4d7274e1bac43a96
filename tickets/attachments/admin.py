from django.contrib import admin

from hotline.pagination import CappedPaginator

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    paginator = CappedPaginator  # a row per ticket or more: no count(*) of them all
    show_full_result_count = False
    list_display = ["id", "ticket", "name", "content_type", "size", "step", "unit", "uploaded_at"]
    list_filter = ["content_type", "step"]
    raw_id_fields = ["ticket", "uploaded_by", "unit"]
    readonly_fields = ["uploaded_at"]
