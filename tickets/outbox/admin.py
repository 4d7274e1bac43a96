from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.pagination import CappedPaginator

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    paginator = CappedPaginator  # a row per ticket or more: no count(*) of them all
    show_full_result_count = False
    list_display = ["id", "kind", "task_name", "status", "attempts", "created_at", "done_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("重新投递所选任务"))
    def retry(self, request, queryset):
        from django.utils import timezone

        queryset.exclude(status=OutboxMessage.Status.DONE).update(
            status=OutboxMessage.Status.PENDING,
            attempts=0,
            available_at=timezone.now(),
            published_at=None,
        )
