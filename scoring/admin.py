from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tickets.guards import Refused

from .compute import publish_period
from .models import ScoreRun, ScoringPolicy, UnitScore, WhistleScore


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "period",
        "unit_type",
        "weight_response",
        "weight_resolution",
        "weight_satisfaction",
        "basic_factor",
        "min_valid_callbacks",
        "flag_bottom_n",
        "cutoff_day",
    ]


@admin.register(ScoreRun)
class ScoreRunAdmin(admin.ModelAdmin):
    list_display = ["period", "status", "started_at", "finished_at", "published", "override_by"]
    list_filter = ["status", "published"]
    actions = ["publish"]
    # The record of a computation is evidence: nothing here edits it.
    readonly_fields = [f.name for f in ScoreRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a computation is a record; a published one is frozen (issue 8)

    @admin.action(description=_("发布（冻结）所选周期"))
    def publish(self, request, queryset):
        for period in sorted(set(queryset.values_list("period", flat=True))):
            try:
                publish_period(period, actor=request.user)
            except Refused as exc:
                self.message_user(request, exc.message, messages.ERROR)


class ComputedRowsAdmin(admin.ModelAdmin):
    """Rows a computation wrote: read here, replaced only by the next computation."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # only a computation replaces its rows (issue 8)


@admin.register(UnitScore)
class UnitScoreAdmin(ComputedRowsAdmin):
    list_display = ["period", "unit", "group", "volume", "valid_callbacks", "composite", "rank"]
    list_filter = ["period", "group", "flagged"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "unit__code"]


@admin.register(WhistleScore)
class WhistleScoreAdmin(ComputedRowsAdmin):
    list_display = [
        "period",
        "unit",
        "whistles",
        "summons_sent",
        "summons_received",
        "reported_on_time",
        "reported_late",
        "not_reported",
    ]
    list_filter = ["period"]
    list_select_related = ["unit"]
