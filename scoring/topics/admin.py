from django.contrib import admin

from .models import Topic, TopicEvent, TopicTask


class TaskInline(admin.TabularInline):
    model = TopicTask
    extra = 0
    fields = ["what", "unit", "due", "done_at"]
    readonly_fields = fields


class EventInline(admin.TabularInline):
    model = TopicEvent
    extra = 0
    can_delete = False
    fields = ["at", "type", "actor", "unit", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "month", "lead_unit", "district", "proposed_period"]
    list_filter = ["status", "month"]
    search_fields = ["title"]
    # Steps are actions with events: the admin shows them, the pages and API take them.
    readonly_fields = [
        "status",
        "month",
        "lead_unit",
        "participants",
        "conclusion",
        "created_at",
        "created_by",
    ]
    inlines = [TaskInline, EventInline]
