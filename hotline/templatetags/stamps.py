"""`{{ value|minute }}`: a date-time as 2026-12-07 17:05 in the current time zone, what
`{{ value|date:"Y-m-d H:i" }}` shows, for list rows.

Django's date filter builds a DateFormat and reads each format character through it,
~0.06 ms a call: 3 ms of a 47-row dispatch queue's 22.
"""

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def minute(value):
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
