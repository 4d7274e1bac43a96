"""Readable unique ticket numbers: YYMMDD and the day's serial, e.g. 26112100001."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import DailyCounter


def next_number(at=None) -> str:
    day = timezone.localdate(at)
    with transaction.atomic():
        DailyCounter.objects.get_or_create(day=day)
        DailyCounter.objects.filter(day=day).update(last=F("last") + 1)
        serial = DailyCounter.objects.select_for_update().get(day=day).last
    return f"{day:%y%m%d}{serial:05d}"
