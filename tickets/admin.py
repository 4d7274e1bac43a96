from django.contrib import admin

from .models import TimeLimitPolicy


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "urgency",
        "feedback_amount",
        "feedback_counting",
        "sign_minutes",
        "contact_minutes",
        "report_in_minutes",
        "return_window_work_hours",
    ]
