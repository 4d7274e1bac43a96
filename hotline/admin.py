from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from . import pinyin, workdays
from .models import Category, Unit, User, WorkDay


class SpelledFromName(admin.ModelAdmin):
    """Pickers match a name's pinyin (hotline.pinyin): written from the name on every save,
    so a unit added or renamed here is found by it at once, never by a stale one."""

    readonly_fields = ["pinyin", "spelling"]

    def save_model(self, request, obj, form, change):
        obj.pinyin, obj.spelling = pinyin.initials(obj.name), pinyin.spelling(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(Unit)
class UnitAdmin(SpelledFromName):
    list_display = ["code", "name", "type", "parent", "dept_kind", "population", "active"]
    list_filter = ["type", "active", "dept_kind"]
    search_fields = ["code", "name", "pinyin", "spelling"]
    raw_id_fields = ["parent", "district"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "unit", "role", "is_active"]
    list_filter = ["role", "is_active", "unit__type"]
    search_fields = ["username", "first_name", "last_name", "unit__name"]
    raw_id_fields = ["unit"]
    fieldsets = UserAdmin.fieldsets + ((_("单位与角色"), {"fields": ("unit", "role")}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("单位与角色"), {"fields": ("unit", "role")}),)


@admin.register(Category)
class CategoryAdmin(SpelledFromName):
    list_display = ["code", "path", "level", "default_urgency", "duty_unit", "duty_dept_kind"]
    list_filter = ["level", "default_urgency"]
    search_fields = ["code", "name", "path", "pinyin", "spelling"]
    raw_id_fields = ["parent", "duty_unit"]


@admin.register(WorkDay)
class WorkDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def changelist_view(self, request, extra_context=None):
        from django.contrib import messages
        from django.utils import timezone

        today = timezone.localdate()
        for year in (today.year, today.year + 1):
            warning = workdays.unknown_year_warning(today.replace(year=year, month=1, day=1))
            if warning:
                messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workdays.clear_cache()
