from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.pagination import CappedPaginator

from .models import Webhook, WebhookDelivery, WebhookEvent


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("接收地址"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("订阅事件"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "active", "secret"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "active", "created_at"]
    # The log is the delivery list (filter by hook): a busy hook has far too many to inline.


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    paginator = CappedPaginator  # a row per ticket or more: no count(*) of them all
    show_full_result_count = False
    list_display = [
        "id",
        "webhook",
        "event",
        "ticket",
        "status",
        "response_status",
        "attempts",
        "duration_ms",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "event", "webhook"]
    raw_id_fields = ["ticket"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
