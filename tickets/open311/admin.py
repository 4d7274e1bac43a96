from django.contrib import admin

from .models import Open311Publishing


@admin.register(Open311Publishing)
class Open311PublishingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publish_text"]

    def has_add_permission(self, request):
        return not Open311Publishing.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
