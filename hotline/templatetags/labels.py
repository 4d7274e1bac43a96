"""`{{ ticket|label:"status" }}`: what `ticket.get_status_display` shows, for list rows.

Django's get_FOO_display rebuilds the field's choices on every call, and hashing them
translates every lazy label: ~11 gettext calls a row for a ticket's status. On a queue of
50 rows that was a quarter of the page's rendering. Here each field's labels are
translated once per language and process.
"""

from functools import lru_cache

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def label(instance, field_name):
    value = getattr(instance, field_name)
    # (_meta.model, not type(): request.user is a lazy object standing for a User)
    return _labels(instance._meta.model, field_name, get_language()).get(value, value)


@lru_cache(maxsize=512)
def _labels(model, field_name, language):
    # `language` keys the cache: the labels are those of the language active now
    field = model._meta.get_field(field_name)
    return {value: str(text) for value, text in field.flatchoices}
